"""An ECS target of an EventBridge rule or an EventBridge Scheduler schedule calls RunTask.

EventBridge User Guide ("Amazon ECS task" targets, PutTargets EcsParameters) and EventBridge
Scheduler User Guide / API reference (Target, EcsParameters): the target's `Arn` is the cluster's
ARN; EcsParameters carry the RunTask request (TaskDefinitionArn, TaskCount, LaunchType or
CapacityProviderStrategy, NetworkConfiguration, PlatformVersion, Group, PlacementConstraints,
PlacementStrategy, PropagateTags, ReferenceId, EnableECSManagedTags, EnableExecuteCommand, Tags)
and the input the target receives (a TaskOverride JSON: containerOverrides, taskRoleArn, ...) is
RunTask's `overrides`; the service calls RunTask with the target's role. Tasks carry
`startedBy` "events-rule/<rule name>" (EventBridge) or "chronos-schedule/<schedule name>"
(Scheduler), cut to 36 characters (as CloudTrail records of RunTask from EventBridge show, e.g.
"events-rule/prd-recommend-batch-even"; the Scheduler's prefix is taken from DescribeTasks output
in public reports). The role is not checked: the emulator has no IAM.

The request is checked against ECS's RunTask model before it runs, as the real RunTask would; a
failure is returned to the control endpoint's caller (the services would retry it and then send
the event to the dead-letter queue, which the emulator does not).
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import ServiceException, _RESTError
from moto.ecs.models import ecs_backends

from . import model_validation
from .ecs_model import LOCK
from .standalone_tasks import start_tasks

STARTED_BY_LENGTH = 36

# EcsParameters member -> RunTask member, for the members that only change case.
_SAME = {
    "TaskDefinitionArn": "taskDefinition",
    "TaskCount": "count",
    "LaunchType": "launchType",
    "PlatformVersion": "platformVersion",
    "Group": "group",
    "CapacityProviderStrategy": "capacityProviderStrategy",
    "EnableECSManagedTags": "enableECSManagedTags",
    "EnableExecuteCommand": "enableExecuteCommand",
    "PlacementConstraints": "placementConstraints",
    "PlacementStrategy": "placementStrategy",
    "PropagateTags": "propagateTags",
    "ReferenceId": "referenceId",
}


def run_task_request(cluster_arn: str, ecs: dict[str, Any], started_by: str, input_text: str | None) -> dict[str, Any]:
    """The RunTask request the service sends for this target."""
    request: dict[str, Any] = {"cluster": cluster_arn, "startedBy": started_by[:STARTED_BY_LENGTH]}
    for member, run_task_member in _SAME.items():
        if ecs.get(member) is not None:
            request[run_task_member] = ecs[member]
    vpc = (ecs.get("NetworkConfiguration") or {}).get("awsvpcConfiguration")
    if vpc is not None:
        request["networkConfiguration"] = {
            "awsvpcConfiguration": {
                key: vpc[member]
                for member, key in (("Subnets", "subnets"), ("SecurityGroups", "securityGroups"), ("AssignPublicIp", "assignPublicIp"))
                if vpc.get(member) is not None
            }
        }
    tags = ecs.get("Tags")
    if tags:
        request["tags"] = _tags(tags)
    if input_text is not None:
        request["overrides"] = json.loads(input_text)
    return request


def _tags(tags: list[dict[str, str]]) -> list[dict[str, str]]:
    """EventBridge writes tags as {Key, Value}, the Scheduler as {key: value} maps."""
    out = []
    for tag in tags:
        if "Key" in tag:
            out.append({"key": tag["Key"], "value": tag.get("Value", "")})
        else:
            out.extend({"key": k, "value": v} for k, v in tag.items())
    return out


def run(request: dict[str, Any]) -> dict[str, Any]:
    """Calls RunTask as the service would; returns the task ARNs or the error RunTask answered."""
    shape = model_validation.service_model("ecs").operation_model("RunTask").input_shape
    breaches = model_validation.check(shape, request, "json")
    if breaches:
        return {"request": request, "error": f"InvalidParameterException: {model_validation.error_message(breaches)}"}
    account, region = request["cluster"].split(":")[4], request["cluster"].split(":")[3]
    try:
        with LOCK:
            tasks = start_tasks(ecs_backends[account][region], dict(request))
    except (ServiceException, _RESTError) as error:
        code = getattr(error, "code", None) if isinstance(error, ServiceException) else error.error_type
        return {"request": request, "error": f"{code}: {error.message}"}
    return {"request": request, "taskArns": [t.task_arn for t in tasks]}


def is_cluster(arn: str) -> bool:
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[2] == "ecs" and parts[5].startswith("cluster/")
