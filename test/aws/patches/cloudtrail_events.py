"""API calls that change something reach EventBridge as "AWS API Call via CloudTrail" events.

EventBridge User Guide ("Events from AWS services", "AWS service events delivered via AWS
CloudTrail") and CloudTrail User Guide ("CloudTrail record contents for management, data, and
network activity events", "CloudTrail userIdentity element"):
- CloudTrail sends each management API call to the default bus of the caller's account and region
  as an event with detail-type "AWS API Call via CloudTrail", source "aws.<service>" (aws.ecs,
  aws.application-autoscaling, aws.monitoring, ...) and the CloudTrail record as its detail:
  eventVersion, userIdentity (type, principalId, arn, accountId, accessKeyId), eventTime,
  eventSource ("<service>.amazonaws.com"), eventName (the operation), awsRegion, sourceIPAddress,
  userAgent (the request's User-Agent header), requestParameters and responseElements (for calls
  that change something; members in lowerCamelCase, as CloudTrail writes them), requestID, eventID, readOnly, eventType "AwsApiCall", managementEvent,
  recipientAccountId and eventCategory "Management";
- read-only calls (Describe*, List*, Get*) reach only rules in state
  ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS: the emulator sends none of them;
- a call that failed is recorded with errorCode and errorMessage: the emulator sends only calls that
  succeeded (the events a consumer of changes acts on).
Recorded services: those whose events EventBridge documents via CloudTrail and that the emulator
serves with the JSON protocol or the query protocol (ECS, Application Auto Scaling, CloudWatch,
Elastic Load Balancing, EventBridge Scheduler, EventBridge). The identity is the one moto's STS
answers GetCallerIdentity with for the request's access key. CloudTrail delivers within minutes;
the emulator sends the event as the call returns.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from moto.iam.models import get_account_id_from
from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition

from . import event_delivery
from .faults import WsgiApp, buffer_body, identify

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")

# Signing name -> EventBridge source; the eventSource is "<signing name>.amazonaws.com".
RECORDED_SERVICES = {
    "ecs": "aws.ecs",
    "application-autoscaling": "aws.application-autoscaling",
    "monitoring": "aws.monitoring",
    "elasticloadbalancing": "aws.elasticloadbalancing",
    "scheduler": "aws.scheduler",
    "events": "aws.events",
}
READ_ONLY_PREFIXES = ("Describe", "List", "Get", "BatchGet")
DETAIL_TYPE = "AWS API Call via CloudTrail"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lower_camel(value: Any) -> Any:
    """CloudTrail names request and response members in lowerCamelCase whatever the protocol's
    casing (Application Auto Scaling's ResourceId is recorded as resourceId)."""
    if isinstance(value, dict):
        return {(k[:1].lower() + k[1:]): _lower_camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_camel(v) for v in value]
    return value


def _parameters(body: bytes) -> dict[str, Any] | None:
    """The request's parameters: its JSON body, or its query-protocol form (minus Action/Version)."""
    if not body:
        return None
    try:
        parsed = json.loads(body)
        return parsed if isinstance(parsed, dict) else None
    except ValueError:
        form = parse_qs(body.decode("utf-8", "replace"))
        return {k: v[0] if len(v) == 1 else v for k, v in form.items() if k not in ("Action", "Version")} or None


def _response(body: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        return None  # an XML answer: the record carries no response elements
    return parsed if isinstance(parsed, dict) and parsed else None


def user_identity(access_key_id: str, region: str) -> dict[str, Any]:
    account = get_account_id_from(access_key_id)
    principal, arn, account = sts_backends[account][get_partition(region)].get_caller_identity(access_key_id, region)
    return {
        "type": "AssumedRole" if ":assumed-role/" in arn else "IAMUser",
        "principalId": principal,
        "arn": arn,
        "accountId": account,
        "accessKeyId": access_key_id,
    }


def record(environ: dict[str, Any], operation: str, service: str, request: bytes, response: bytes) -> None:
    """Sends the CloudTrail event of a call that succeeded."""
    scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if scope is None:
        return
    access_key_id, region, _ = scope.groups()
    identity = user_identity(access_key_id, region)
    account = identity["accountId"]
    detail = {
        "eventVersion": "1.11",
        "userIdentity": identity,
        "eventTime": _now(),
        "eventSource": f"{service}.amazonaws.com",
        "eventName": operation,
        "awsRegion": region,
        "sourceIPAddress": environ.get("REMOTE_ADDR", "127.0.0.1"),
        "userAgent": environ.get("HTTP_USER_AGENT", ""),
        "requestParameters": _lower_camel(_parameters(request)),
        "responseElements": _lower_camel(_response(response)),
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    event_delivery.emit(account, region, RECORDED_SERVICES[service], DETAIL_TYPE, [], detail)


class ApiCallRecorder:
    """WSGI middleware: after a recorded service's call that changes something succeeded, sends its
    CloudTrail event."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        call = identify(environ)
        if (
            call.service not in RECORDED_SERVICES
            or not call.operation
            or call.operation.startswith(READ_ONLY_PREFIXES)
        ):
            return self.app(environ, start_response)
        request = buffer_body(environ)
        status: list[str] = []

        def remember(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], Any]:
            status.append(code)
            return start_response(code, headers, exc_info)  # type: ignore[no-any-return]

        answer = list(self.app(environ, remember))
        if status and status[0].startswith("2"):
            record(environ, call.operation, call.service, request, b"".join(answer))
        return answer
