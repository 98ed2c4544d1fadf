"""ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment, DescribeServiceRevisions.

ECS API reference (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServiceDeployments.html,
API_DescribeServiceDeployments.html, API_StopServiceDeployment.html, API_DescribeServiceRevisions.html,
API_Service.html) and Developer Guide "Stopping Amazon ECS service deployments"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html):

- ListServiceDeployments: the service's deployments (ServiceDeploymentBrief), filtered by `status`
  (any of the listed) and `createdAt` (`before`/`after`); `maxResults` 1 to 100, default 20, with
  `nextToken`. Newest first (the emulator's order; the reference does not say).
- DescribeServiceDeployments: at most 20 ARNs; an unknown one is a `failures` entry (reason MISSING).
- StopServiceDeployment, stopType ROLLBACK (the only documented value; also when none is given):
  a PENDING or IN_PROGRESS deployment moves to ROLLBACK_REQUESTED "and then the rollback operation
  starts" (on the next clock tick here); one already STOP_REQUESTED, ROLLBACK_REQUESTED or
  ROLLBACK_IN_PROGRESS carries on and the call succeeds. Works whether or not the deployment was
  configured for rollback. An unknown ARN is ServiceDeploymentNotFoundException.
  Emulator choices (not documented): a deployment that has finished (SUCCESSFUL, STOPPED,
  ROLLBACK_*) or has no earlier revision to go back to is ConflictException (the error the
  reference lists for this call, "conflict in the current state of the resource"); stopType ABORT
  is InvalidParameterException.
- DescribeServiceRevisions: at most 20 ARNs; unknown ones are `failures` (MISSING).
- DescribeServices: `currentServiceDeployment` (the newest service deployment's ARN) and
  `currentServiceRevisions` (the revisions with running or requested tasks).
moto 5.2.5 has none of these calls and neither member.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.exceptions import ECSException, InvalidParameterException
from moto.ecs.models import Service
from moto.ecs.responses import EC2ContainerServiceResponse

from . import service_deployment_history
from .ecs_model import all_services, deployments, is_emulated, runtime
from .service_deployment_history import IN_PROGRESS_STATES, ROLLING_BACK_STATES, Record, Revision

MAX_ARNS = 20
DEFAULT_PAGE, MAX_PAGE = 20, 100


class ServiceDeploymentNotFoundException(ECSException):
    code = "ServiceDeploymentNotFoundException"

    def __init__(self) -> None:
        super().__init__("The service deployment does not exist.")


class ConflictException(ECSException):
    code = "ConflictException"

    def __init__(self, message: str) -> None:
        super().__init__(message)


def _records() -> Iterator[Record]:
    for _backend, service in all_services():
        yield from runtime(service).history


def _revisions() -> Iterator[Revision]:
    for _backend, service in all_services():
        yield from runtime(service).revisions.values()


def _timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromtimestamp(float(value), tz=timezone.utc)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _page(items: list[Any], token: str | None, max_results: Any, key: str) -> tuple[list[Any], str | None]:
    size = DEFAULT_PAGE if max_results is None else int(max_results)
    if not 1 <= size <= MAX_PAGE:
        raise InvalidParameterException(f"maxResults must be between 1 and {MAX_PAGE}.")
    start = 0
    if token:
        try:
            decoded = json.loads(base64.b64decode(token))
            assert decoded["key"] == key
            start = int(decoded["start"])
        except Exception:
            raise InvalidParameterException("Invalid nextToken.") from None
    end = start + size
    following = base64.b64encode(json.dumps({"key": key, "start": end}).encode()).decode() if end < len(items) else None
    return items[start:end], following


def list_service_deployments(self: EC2ContainerServiceResponse) -> ActionResult:
    params: dict[str, Any] = dict(self.params)
    service: Service = self.ecs_backend._get_service(params.get("cluster") or "default", params["service"])
    records = list(reversed(runtime(service).history)) if is_emulated(service) else []
    statuses = params.get("status")
    if statuses:
        records = [r for r in records if r.status in statuses]
    created = params.get("createdAt") or {}
    if created.get("before") is not None:
        records = [r for r in records if _aware(r.created_at) < _timestamp(created["before"])]
    if created.get("after") is not None:
        records = [r for r in records if _aware(r.created_at) > _timestamp(created["after"])]
    page, following = _page(records, params.get("nextToken"), params.get("maxResults"), service.arn)
    result: dict[str, Any] = {"serviceDeployments": [r.brief() for r in page]}
    if following:
        result["nextToken"] = following
    return ActionResult(result)


def _described(arns: list[str], found: dict[str, Any], member: str) -> ActionResult:
    if len(arns) > MAX_ARNS:
        raise InvalidParameterException(f"{member} can have at most {MAX_ARNS} items.")
    return ActionResult(
        {
            member.replace("Arns", "s"): [found[a].describe() for a in arns if a in found],
            "failures": [{"arn": a, "reason": "MISSING"} for a in arns if a not in found],
        }
    )


def describe_service_deployments(self: EC2ContainerServiceResponse) -> ActionResult:
    arns = list(self.params.get("serviceDeploymentArns") or [])
    return _described(arns, {r.arn: r for r in _records()}, "serviceDeploymentArns")


def describe_service_revisions(self: EC2ContainerServiceResponse) -> ActionResult:
    arns = list(self.params.get("serviceRevisionArns") or [])
    return _described(arns, {r.arn: r for r in _revisions()}, "serviceRevisionArns")


def stop_service_deployment(self: EC2ContainerServiceResponse) -> ActionResult:
    arn = self.params["serviceDeploymentArn"]
    stop_type = self.params.get("stopType") or "ROLLBACK"
    record = next((r for r in _records() if r.arn == arn), None)
    if record is None:
        raise ServiceDeploymentNotFoundException()
    if stop_type != "ROLLBACK":
        raise InvalidParameterException(f"stopType {stop_type} is not supported. Use ROLLBACK.")
    if record.status in ("STOP_REQUESTED", *ROLLING_BACK_STATES):
        return ActionResult({"serviceDeploymentArn": arn})
    if record.status not in IN_PROGRESS_STATES:
        raise ConflictException(f"The service deployment is {record.status} and cannot be stopped.")
    if service_deployment_history.previous_revision(record) is None:
        raise ConflictException("The service deployment has no earlier service revision to roll back to.")
    record.set_status("ROLLBACK_REQUESTED", "Service deployment rollback requested by StopServiceDeployment.")
    return ActionResult({"serviceDeploymentArn": arn})


def _current_service_deployment(service: Service) -> str | None:
    if not is_emulated(service) or not runtime(service).history:
        return None
    return str(runtime(service).history[-1].arn)


def _current_service_revisions(service: Service) -> list[dict[str, Any]] | None:
    if not is_emulated(service):
        return None
    summaries: dict[str, dict[str, Any]] = {}
    for deployment in deployments(service):
        if not deployment.revision_arn:
            continue
        summary = summaries.setdefault(
            deployment.revision_arn,
            {"arn": deployment.revision_arn, "requestedTaskCount": 0, "runningTaskCount": 0, "pendingTaskCount": 0},
        )
        summary["requestedTaskCount"] += deployment.desired_count
        summary["runningTaskCount"] += deployment.running_count
        summary["pendingTaskCount"] += deployment.pending_count
    return list(summaries.values())


def apply() -> None:
    EC2ContainerServiceResponse.list_service_deployments = list_service_deployments
    EC2ContainerServiceResponse.describe_service_deployments = describe_service_deployments
    EC2ContainerServiceResponse.describe_service_revisions = describe_service_revisions
    EC2ContainerServiceResponse.stop_service_deployment = stop_service_deployment
    Service.current_service_deployment = property(_current_service_deployment)
    Service.current_service_revisions = property(_current_service_revisions)
