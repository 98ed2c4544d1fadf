"""Request throttling as AWS publishes it: token buckets per account, region and action group.

Off unless asked for (`emulator.py --throttle aws`, or `POST /throttle {"mode": "aws"}` at run
time). Buckets run on wall time (time.monotonic), never on the deployment clock, and start full.
Every request a bucket covers takes one token, whatever its outcome (SDK retries included); a
request that finds its bucket empty is answered as the service answers past its rate and never
reaches moto. A bucket of capacity C and refill R holds at most C tokens and regains R per second,
continuously.

Amazon ECS, "Request throttling for the Amazon ECS API" (Amazon ECS API Reference,
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html): "Amazon ECS
uses the token bucket algorithm ... All API actions in a category share the same token bucket",
"bucket maximum capacity (or Burst rate)" and "bucket refill rate (or Sustained rate)", "for each
AWS account on a per-Region basis"; past it "you get the ThrottlingException error code" with the
message "Rate exceeded" (HTTP 400: "Status Code: 400; Error Code: ThrottlingException"). The
categories and figures are ECS_GROUPS below, copied from that page's table; an ECS action the
table does not list (e.g. StopServiceDeployment, CreateTaskSet) is not throttled. ECS speaks
awsJson1_1: `x-amzn-ErrorType: ThrottlingException`, `{"__type": "ThrottlingException",
"message": "Rate exceeded"}`.

Amazon CloudWatch, "Amazon CloudWatch endpoints and quotas" (AWS General Reference,
https://docs.aws.amazon.com/general/latest/gr/cw_region.html, "Service quotas"): one figure per
action, "Rate of DescribeAlarms requests: 9 per second ... per second, in this account in the
current region" (CLOUDWATCH_RATES below). CloudWatch publishes no burst, so each action's bucket
holds one second of its rate (capacity = refill = the published rate): the emulator's reading of
a single published figure. Past it CloudWatch answers HTTP 400 with the query error code
Throttling and "Rate exceeded" ("Rate exceeded (Service: AmazonCloudWatch; Status Code: 400;
Error Code: Throttling", hashicorp/terraform-provider-aws#2275 and #1428). Over its JSON protocol
(awsQueryCompatible) the answer carries `x-amzn-query-error: Throttling;Sender` and `__type`
Throttling, so the AWS SDK for JavaScript names the error Throttling and boto3 reports the code
Throttling, both of which those SDKs classify as throttling; over the query protocol, an XML
ErrorResponse with Code Throttling.

Not throttled, because their documentation publishes no figures (README.md, "Throttling"):
Application Auto Scaling (its API reference says only that it "uses the token bucket algorithm"
with "a shared API bucket" and answers a throttled request with a "RateExceeded" error; Terraform
users see "ThrottlingException: Rate exceeded", hashicorp/terraform-provider-aws#31447), ELBv2,
EC2, EventBridge, EventBridge Scheduler, STS, IAM and SQS. The fault rules (faults.py) still
throttle any of them on demand.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import faults

MODES = ("off", "aws")
MESSAGE = "Rate exceeded"

# ECS: (category, actions, bucket maximum capacity, bucket refill rate per second).
ECS_GROUPS: tuple[tuple[str, tuple[str, ...], int, int], ...] = (
    (
        "Cluster modify actions",
        ("CreateCluster", "DeleteCluster", "PutClusterCapacityProviders", "UpdateCluster", "UpdateClusterSettings"),
        20,
        1,
    ),
    ("Cluster read actions", ("DescribeClusters", "ListClusters"), 50, 20),
    ("Task definition modify actions", ("DeregisterTaskDefinition", "RegisterTaskDefinition"), 20, 1),
    (
        "Task definition read actions",
        ("DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies"),
        50,
        20,
    ),
    ("Task definition deletion actions", ("DeleteTaskDefinitions",), 5, 1),
    (
        "Capacity provider modify actions",
        ("CreateCapacityProvider", "DeleteCapacityProvider", "UpdateCapacityProvider"),
        10,
        1,
    ),
    ("Capacity provider read actions", ("DescribeCapacityProviders",), 50, 20),
    ("Tag modify actions", ("TagResource", "UntagResource"), 20, 10),
    ("Tag read actions", ("ListTagsForResource",), 50, 20),
    ("Setting modify actions", ("DeleteAccountSetting", "PutAccountSetting", "PutAccountSettingDefault"), 10, 1),
    ("Setting read actions", ("ListAccountSettings",), 50, 20),
    (
        "Cluster resource modify actions",
        (
            "DeleteAttributes",
            "DeregisterContainerInstance",
            "ExecuteCommand",
            "PutAttributes",
            "RunTask",
            "StartTask",
            "StopTask",
            "UpdateContainerAgent",
            "UpdateContainerInstancesState",
        ),
        100,
        40,
    ),
    (
        "Cluster resource read actions",
        ("DescribeContainerInstances", "DescribeTasks", "ListAttributes", "ListContainerInstances", "ListTasks"),
        100,
        20,
    ),
    (
        "Agent modify actions",
        (
            "RegisterContainerInstance",
            "SubmitAttachmentStateChanges",
            "SubmitContainerStateChange",
            "SubmitTaskStateChange",
        ),
        200,
        120,
    ),
    ("Service modify actions", ("CreateService", "DeleteService", "UpdateService"), 50, 5),
    ("Service read actions", ("DescribeServices", "ListServices"), 100, 20),
    ("Service deployment actions", ("DescribeServiceDeployments", "ListServiceDeployments"), 50, 20),
    ("Service revision actions", ("DescribeServiceRevisions",), 50, 20),
    ("Task protection actions", ("UpdateTaskProtection", "GetTaskProtection"), 200, 80),
    ("Cluster service resource read actions", ("ListServicesByNamespace",), 10, 1),
)

# CloudWatch: requests per second, per action (capacity = refill).
CLOUDWATCH_RATES: dict[str, int] = {
    "DeleteAlarms": 3,
    "DescribeAlarmHistory": 20,
    "DescribeAlarms": 9,
    "DescribeAlarmsForMetric": 9,
    "DisableAlarmActions": 3,
    "EnableAlarmActions": 3,
    "GetMetricData": 500,
    "GetMetricStatistics": 400,
    "ListMetrics": 25,
    "ListTagsForResource": 10,
    "PutCompositeAlarm": 3,
    "PutMetricAlarm": 3,
    "PutMetricData": 500,
    "SetAlarmState": 3,
    "TagResource": 20,
    "UntagResource": 20,
}


@dataclass(frozen=True)
class Group:
    """Actions sharing one bucket, with the bucket's size and refill and how the service answers."""

    service: str  # signing name
    name: str
    capacity: float
    refill_per_second: float
    code: str
    query_compatible: bool = False


def _groups() -> dict[tuple[str, str], Group]:
    by_action: dict[tuple[str, str], Group] = {}
    for name, actions, capacity, refill in ECS_GROUPS:
        group = Group("ecs", name, capacity, refill, "ThrottlingException")
        by_action.update({("ecs", action): group for action in actions})
    for action, rate in CLOUDWATCH_RATES.items():
        by_action[("monitoring", action)] = Group("monitoring", action, rate, rate, "Throttling", query_compatible=True)
    return by_action


GROUPS = _groups()
_REGION = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/]+)/")


@dataclass
class Bucket:
    group: Group
    tokens: float
    updated: float
    allowed: int = 0
    throttled: int = 0

    def take(self, now: float) -> bool:
        self.tokens = min(self.group.capacity, self.tokens + (now - self.updated) * self.group.refill_per_second)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.allowed += 1
            return True
        self.throttled += 1
        return False


@dataclass
class Throttle:
    mode: str = "off"
    clock: Callable[[], float] = time.monotonic
    buckets: dict[tuple[str, str, str, str], Bucket] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        with self.lock:
            self.mode = mode
            self.buckets.clear()

    def reset(self) -> None:
        """Full buckets again (the mode stays)."""
        with self.lock:
            self.buckets.clear()

    def admit(self, group: Group, account: str, region: str) -> bool:
        key = (account, region, group.service, group.name)
        with self.lock:
            now = self.clock()
            bucket = self.buckets.get(key)
            if bucket is None:
                bucket = self.buckets[key] = Bucket(group, group.capacity, now)
            return bucket.take(now)

    def state(self) -> dict[str, Any]:
        with self.lock:
            now = self.clock()
            return {
                "mode": self.mode,
                "throttled": sum(b.throttled for b in self.buckets.values()),
                "buckets": [
                    {
                        "account": account,
                        "region": region,
                        "service": service,
                        "group": name,
                        "capacity": b.group.capacity,
                        "refillPerSecond": b.group.refill_per_second,
                        "tokens": round(
                            min(b.group.capacity, b.tokens + (now - b.updated) * b.group.refill_per_second), 3
                        ),
                        "allowed": b.allowed,
                        "throttled": b.throttled,
                    }
                    for (account, region, service, name), b in sorted(self.buckets.items())
                ],
            }


throttle = Throttle()


def answer(group: Group, call: faults.Call) -> tuple[str, list[tuple[str, str]], bytes]:
    """The service's own answer to a request past its rate."""
    if not call.json_protocol:
        return faults.render_error(call, 400, group.code, MESSAGE)
    request_id = str(uuid.uuid4())
    content_type = "application/x-amz-json-1.0" if group.query_compatible else "application/x-amz-json-1.1"
    headers = [("Content-Type", content_type), ("x-amzn-ErrorType", group.code), ("x-amzn-RequestId", request_id)]
    if group.query_compatible:
        headers.append(("x-amzn-query-error", f"{group.code};Sender"))
    body = json.dumps({"__type": group.code, "message": MESSAGE}).encode()
    return "400 Bad Request", headers, body


class Throttler:
    """WSGI middleware: answers a request past its bucket's rate instead of passing it on."""

    def __init__(self, app: faults.WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if throttle.mode == "off":
            return self.app(environ, start_response)
        call = faults.identify(environ)
        group = GROUPS.get((call.service or "", call.operation or ""))
        region = _REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
        if group is None or region is None or throttle.admit(group, call.account or "", region.group(1)):
            return self.app(environ, start_response)
        faults.buffer_body(environ)  # the unread body would be taken for the next request
        status, headers, body = answer(group, call)
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

