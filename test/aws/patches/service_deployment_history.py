"""Service deployments and service revisions: the history ECS keeps of a service's deployments.

Amazon ECS Developer Guide, "View service history using Amazon ECS service deployments"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-deployment.html) and API
reference (ServiceDeployment, ServiceRevision, Rollback, ServiceDeploymentCircuitBreaker,
ServiceDeploymentAlarms, Service.currentServiceDeployment): each deployment a service starts is a
service deployment, from the service revisions that ran before it (sourceServiceRevisions) to the
one it deploys (targetServiceRevision). It is IN_PROGRESS, then SUCCESSFUL; a failure detected by
the circuit breaker or an alarm makes it ROLLBACK_IN_PROGRESS and then ROLLBACK_SUCCESSFUL when a
rollback is configured (the rollback deploys the previous service revision again, under the same
service deployment, with `rollback` naming it), STOPPED otherwise (stoppedAt: "The rollback option
is not in use for the failure detection mechanism ... and the service fails"). A rollback asked by
StopServiceDeployment goes ROLLBACK_REQUESTED first. moto 5.2.5 has none of this.

Emulator choices where the pages are silent: a service deployment starts IN_PROGRESS (no PENDING
step); one that a newer deployment replaces while it runs becomes STOPPED with the statusReason
"Service deployment stopped: a new service deployment started." (wording the emulator's); a
circuit-breaker or alarm rollback does not create a second service deployment; deleting the
service makes its running service deployment STOPPED ("... the service was deleted.").
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.core.utils import utcnow
from moto.ecs.models import Service

from .ecs_model import Deployment, deployments, runtime

IN_PROGRESS_STATES = ("PENDING", "IN_PROGRESS")
ROLLING_BACK_STATES = ("ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS")


def _arn_parts(service: Service) -> tuple[str, str]:
    """`arn:aws:ecs:REGION:ACCOUNT` and `CLUSTER/SERVICE` of a service."""
    prefix = service.arn.split(":service/", 1)[0]
    return prefix, f"{service.cluster_name}/{service.name}"


def new_revision_arn(service: Service) -> str:
    prefix, path = _arn_parts(service)
    return f"{prefix}:service-revision/{path}/{random.randrange(10**18, 10**19)}"


def _new_deployment_arn(service: Service) -> str:
    prefix, path = _arn_parts(service)
    token = "".join(random.choices(string.ascii_letters + string.digits + "_-", k=22))
    return f"{prefix}:service-deployment/{path}/{token}"


@dataclass
class Revision:
    """A service revision: the deployable settings a deployment runs (DescribeServiceRevisions)."""

    arn: str
    service_arn: str
    cluster_arn: str
    spec: dict[str, Any]
    platform_version: str | None
    platform_family: str | None
    created_at: datetime = field(default_factory=utcnow)

    def describe(self) -> dict[str, Any]:
        spec = self.spec
        described = {
            "serviceRevisionArn": self.arn,
            "serviceArn": self.service_arn,
            "clusterArn": self.cluster_arn,
            "taskDefinition": spec["taskDefinition"],
            "capacityProviderStrategy": spec.get("capacityProviderStrategy"),
            "launchType": None if spec.get("capacityProviderStrategy") else spec.get("launchType"),
            "platformVersion": self.platform_version,
            "platformFamily": self.platform_family,
            "loadBalancers": spec.get("loadBalancers"),
            "serviceRegistries": spec.get("serviceRegistries"),
            "networkConfiguration": spec.get("networkConfiguration"),
            "createdAt": self.created_at,
        }
        return {k: v for k, v in described.items() if v not in (None, [])}


@dataclass
class Record:
    """One service deployment."""

    arn: str
    service: Service
    target: Deployment
    sources: list[Deployment]
    deployment_configuration: dict[str, Any]
    status: str = "IN_PROGRESS"
    status_reason: str = ""
    created_at: datetime = field(default_factory=utcnow)
    started_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    stopped_at: datetime | None = None
    rollback: dict[str, Any] | None = None
    # The deployment that rolls this one back (its target is the source revision).
    rollback_deployment: Deployment | None = None
    circuit_breaker_status: str = "MONITORING"
    alarms_status: str = "MONITORING"
    triggered_alarms: list[str] = field(default_factory=list)
    # Native strategies (BLUE_GREEN, LINEAR, CANARY) keep their progress here (native_strategies).
    native: Any = None

    def set_status(self, status: str, reason: str) -> None:
        self.status, self.status_reason = status, reason
        self.updated_at = utcnow()
        if status in ("SUCCESSFUL", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"):
            self.finished_at = self.updated_at
        if status == "STOPPED":
            self.stopped_at = self.finished_at = self.updated_at
        if status not in IN_PROGRESS_STATES:
            if self.circuit_breaker_status == "MONITORING":
                self.circuit_breaker_status = "MONITORING_COMPLETE"
            if self.alarms_status == "MONITORING":
                self.alarms_status = "MONITORING_COMPLETE"

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS_STATES

    def brief(self) -> dict[str, Any]:
        return _present(
            {
                "serviceDeploymentArn": self.arn,
                "serviceArn": self.service.arn,
                "clusterArn": self.service.cluster_arn,
                "createdAt": self.created_at,
                "startedAt": self.started_at,
                "finishedAt": self.finished_at,
                "targetServiceRevisionArn": self.target.revision_arn,
                "status": self.status,
                "statusReason": self.status_reason,
            }
        )

    def describe(self) -> dict[str, Any]:
        configuration = self.deployment_configuration
        breaker = configuration.get("deploymentCircuitBreaker") or {}
        alarms = configuration.get("alarms") or {}
        native = self.native.describe() if self.native is not None else {}
        described = {
            "serviceDeploymentArn": self.arn,
            "serviceArn": self.service.arn,
            "clusterArn": self.service.cluster_arn,
            "createdAt": self.created_at,
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
            "stoppedAt": self.stopped_at,
            "updatedAt": self.updated_at,
            "sourceServiceRevisions": [
                _summary(d, native.get("sourceWeights")) for d in self.sources if d.revision_arn
            ],
            "targetServiceRevision": _summary(self.target, native.get("targetWeights")),
            "status": self.status,
            "statusReason": self.status_reason,
            "lifecycleStage": native.get("lifecycleStage"),
            "lifecycleHookDetails": native.get("lifecycleHookDetails"),
            "deploymentConfiguration": configuration,
            "rollback": self.rollback,
            "deploymentCircuitBreaker": (
                {
                    "status": self.circuit_breaker_status,
                    "failureCount": self.target.failed_tasks,
                    "threshold": _breaker_threshold(self.target.desired_count),
                }
                if breaker.get("enable")
                else {"status": "DISABLED", "failureCount": 0, "threshold": 0}
            ),
            "alarms": (
                {
                    "status": self.alarms_status,
                    "alarmNames": list(alarms.get("alarmNames") or []),
                    "triggeredAlarmNames": list(self.triggered_alarms),
                }
                if alarms.get("enable")
                else {"status": "DISABLED"}
            ),
        }
        return _present(described)


def _breaker_threshold(desired_count: int) -> int:
    from .circuit_breaker import threshold  # circuit_breaker imports this module

    return threshold(desired_count)


def _summary(deployment: Deployment, weights: dict[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "arn": deployment.revision_arn,
        "requestedTaskCount": deployment.desired_count,
        "runningTaskCount": deployment.running_count,
        "pendingTaskCount": deployment.pending_count,
    }
    if weights is not None and deployment.revision_arn in weights:
        test, production = weights[deployment.revision_arn]
        summary["requestedTestTrafficWeight"] = test
        summary["requestedProductionTrafficWeight"] = production
    return summary


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != ""}


def revision_of(service: Service, deployment: Deployment) -> Revision:
    revision = Revision(
        arn=new_revision_arn(service),
        service_arn=service.arn,
        cluster_arn=service.cluster_arn,
        spec=dict(deployment.spec),
        platform_version=deployment.platform_version,
        platform_family=deployment.platform_family,
    )
    runtime(service).revisions[revision.arn] = revision
    return revision


def started(service: Service, deployment: Deployment) -> Record:
    """Records a new deployment as a service deployment of a new service revision."""
    deployment.revision_arn = revision_of(service, deployment).arn
    for earlier in runtime(service).history:
        if earlier.in_progress:
            earlier.set_status("STOPPED", "Service deployment stopped: a new service deployment started.")
    record = Record(
        arn=_new_deployment_arn(service),
        service=service,
        target=deployment,
        sources=[d for d in deployments(service) if d is not deployment],
        deployment_configuration=_copy(service.deployment_configuration),
        status_reason=f"ECS deployment {deployment.id} in progress.",
    )
    deployment.record = record
    runtime(service).history.append(record)
    return record


def completed(deployment: Deployment) -> None:
    """The scheduler found `deployment` COMPLETED: its service deployment succeeded, or its
    rollback did."""
    record: Record | None = deployment.record
    if record is None:
        return
    if record.target is deployment and record.in_progress:
        record.set_status("SUCCESSFUL", f"ECS deployment {deployment.id} completed.")
    elif record.rollback_deployment is deployment and record.status in ROLLING_BACK_STATES:
        # The reason keeps naming what triggered the rollback (also in `rollback.reason`).
        record.set_status("ROLLBACK_SUCCESSFUL", record.status_reason)


def rolling_back(record: Record, rollback_deployment: Deployment, reason: str) -> None:
    """`record` is rolled back by `rollback_deployment` (which deploys an earlier revision)."""
    record.rollback_deployment = rollback_deployment
    rollback_deployment.record = record
    record.rollback = {
        "reason": reason,
        "startedAt": utcnow(),
        "serviceRevisionArn": rollback_deployment.revision_arn,
    }
    record.set_status("ROLLBACK_IN_PROGRESS", reason)


def previous_revision(record: Record) -> Deployment | None:
    """The deployment a rollback of `record` goes back to: its most recent completed source."""
    completed_sources = [d for d in record.sources if d.rollout_state == "COMPLETED"]
    return completed_sources[0] if completed_sources else (record.sources[0] if record.sources else None)


def service_deleted(service: Service) -> None:
    """A deleted (DRAINING) service's running service deployments stop."""
    for record in runtime(service).history:
        if record.in_progress:
            record.set_status("STOPPED", "Service deployment stopped: the service was deleted.")


def current(service: Service) -> Record | None:
    history = runtime(service).history
    return history[-1] if history else None


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
