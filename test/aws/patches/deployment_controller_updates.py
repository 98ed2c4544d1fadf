"""UpdateService under the CODE_DEPLOY and EXTERNAL deployment controllers, and a change of controller.

ECS API reference (UpdateService): "For services using the blue/green (CODE_DEPLOY) deployment
controller, only the desired count, deployment configuration, health check grace period, task
placement constraints and strategies, enable ECS managed tags option, and propagate tags can be
updated using this API. If the network configuration, platform version, task definition, or load
balancer need to be updated, create a new CodeDeploy deployment." and "For services using an
external deployment controller, you can update only the desired count, task placement constraints
and strategies, health check grace period, enable ECS managed tags option, and propagate tags
option"; the rest needs a new task set (CreateTaskSet). AWS refuses a task definition sent to a
CODE_DEPLOY service with InvalidParameterException "Unable to update task definition on services
with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment." (quoted
from AWS in aws/aws-cdk#23564 and #36012); the wording for the other members is the emulator's.

UpdateService takes deploymentController: a service moves between ECS and CODE_DEPLOY in place
(Amazon ECS Developer Guide, "Migrate CodeDeploy blue/green deployments to Amazon ECS blue/green
deployments"). The members are checked against the controller the request leaves the service with:
switching to CODE_DEPLOY together with a task definition fails (aws/aws-cdk#36012). Nothing
documents a move to or from EXTERNAL, whose services are made of task sets: refused here.
moto 5.2.5 accepts every member under every controller and stores any new controller.
"""

from __future__ import annotations

from typing import Any

from moto.ecs.exceptions import InvalidParameterException

_COMMON = {"desiredCount", "healthCheckGracePeriodSeconds", "placementConstraints", "placementStrategy", "enableECSManagedTags", "propagateTags"}

ALLOWED: dict[str, set[str]] = {
    "CODE_DEPLOY": _COMMON | {"deploymentConfiguration", "deploymentController"},
    "EXTERNAL": _COMMON,
}

# How the refusals name a member (AWS's own message names the task definition so).
_NAMES = {
    "taskDefinition": "task definition",
    "networkConfiguration": "network configuration",
    "loadBalancers": "load balancers",
    "platformVersion": "platform version",
    "forceNewDeployment": "force new deployment",
    "capacityProviderStrategy": "capacity provider strategy",
    "serviceRegistries": "service registries",
    "enableExecuteCommand": "enable execute command",
    "deploymentConfiguration": "deployment configuration",
}

_HOW = {"CODE_DEPLOY": "Use AWS CodeDeploy to trigger a new deployment.", "EXTERNAL": "Create a new task set."}

# Request members that name the service rather than change it.
_ADDRESS = {"cluster", "service"}


def validate(current: dict[str, Any] | None, params: dict[str, Any]) -> None:
    """Raises what AWS answers when `params` changes what the service's controller does not allow."""
    before = (current or {}).get("type", "ECS")
    requested = (params.get("deploymentController") or {}).get("type", before)
    if requested != before and "EXTERNAL" in (before, requested):
        raise InvalidParameterException(
            f"Unable to update the deployment controller of a service from {before} to {requested}."
        )
    if requested == "ECS":
        return
    for member, value in params.items():
        if member in _ADDRESS or member in ALLOWED[requested] or value is None or value is False:
            continue
        name = _NAMES.get(member, member)
        raise InvalidParameterException(
            f"Unable to update {name} on services with a {requested} deployment controller. {_HOW[requested]}"
        )
