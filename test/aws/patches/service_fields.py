"""CreateService and UpdateService keep every field of the request; DescribeServices returns them.

ECS API reference (CreateService, UpdateService, Service): the service stores its launchType *or*
its capacityProviderStrategy (a strategy given, or the cluster's default one, means no launchType;
neither means EC2), platformVersion (LATEST when a Fargate service names none),
deploymentConfiguration with its documented defaults, deploymentController, placement settings,
tags settings, load balancers, service registries, networkConfiguration, schedulingStrategy and
healthCheckGracePeriodSeconds; taskDefinition is always the full ARN of the revision in use.
moto 5.2.5 drops most of these and stores taskDefinition exactly as passed.
"""

from __future__ import annotations

from typing import Any

from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import Cluster, EC2ContainerServiceBackend

from . import default_security_group
from .ecs_model import is_fargate

LAUNCH_TYPES = ("EC2", "FARGATE", "EXTERNAL")

# Members copied as given, with the value ECS reports when the request leaves them out.
PLAIN_FIELDS: dict[str, Any] = {
    "loadBalancers": [],
    "serviceRegistries": [],
    "placementConstraints": [],
    "placementStrategy": [],
    "enableECSManagedTags": False,
    "enableExecuteCommand": False,
    "propagateTags": "NONE",
}


def task_definition_arn(backend: EC2ContainerServiceBackend, ref: str) -> str:
    """family, family:revision or ARN -> the ARN of that revision (the latest for a family)."""
    return str(backend.describe_task_definition(ref).arn)


def deployment_configuration(
    given: dict[str, Any] | None, current: dict[str, Any] | None, scheduling: str
) -> dict[str, Any]:
    replica = scheduling == "REPLICA"
    defaults = {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200 if replica else 100,
        "minimumHealthyPercent": 100 if replica else 0,
    }
    return {**defaults, **(current or {}), **(given or {})}


def capacity_provider_strategy(cluster: Cluster, strategy: list[dict[str, Any]]) -> list[dict[str, Any]]:
    associated = set(cluster.capacity_providers or [])
    for item in strategy:
        if item["capacityProvider"] not in associated:
            raise InvalidParameterException(
                "The specified capacity provider strategy cannot contain a capacity provider that is not "
                "associated with the cluster. Associate the capacity provider with the cluster or specify "
                "a valid capacity provider and try again."
            )
    return [
        {"capacityProvider": i["capacityProvider"], "weight": i.get("weight", 0), "base": i.get("base", 0)}
        for i in strategy
    ]


def launch_fields(cluster: Cluster, params: dict[str, Any]) -> dict[str, Any]:
    launch_type = params.get("launchType")
    strategy = params.get("capacityProviderStrategy")
    if launch_type and strategy:
        raise InvalidParameterException("Specify either a launch type or capacity provider strategy, but not both.")
    if launch_type:
        if launch_type not in LAUNCH_TYPES:
            raise InvalidParameterException(f"launchType should be one of [{','.join(LAUNCH_TYPES)}]")
        return {"launchType": launch_type, "capacityProviderStrategy": None}
    strategy = strategy or cluster.default_capacity_provider_strategy
    if strategy:
        return {"launchType": None, "capacityProviderStrategy": capacity_provider_strategy(cluster, strategy)}
    return {"launchType": "EC2", "capacityProviderStrategy": None}


def platform_version(fields: dict[str, Any], requested: str | None) -> str | None:
    if is_fargate(fields):
        return requested or "LATEST"
    if requested:
        raise InvalidParameterException("The platform version must be null when specifying an EC2 launch type.")
    return None


def create_fields(backend: EC2ContainerServiceBackend, cluster: Cluster, params: dict[str, Any]) -> dict[str, Any]:
    """The service's stored fields, in API member names, for a CreateService request."""
    scheduling = params.get("schedulingStrategy") or "REPLICA"
    fields: dict[str, Any] = {
        "taskDefinition": task_definition_arn(backend, params["taskDefinition"]),
        "desiredCount": params.get("desiredCount") or 0,
        "schedulingStrategy": scheduling,
        "deploymentController": params.get("deploymentController") or {"type": "ECS"},
        "deploymentConfiguration": deployment_configuration(params.get("deploymentConfiguration"), None, scheduling),
        "healthCheckGracePeriodSeconds": params.get("healthCheckGracePeriodSeconds"),
        "roleArn": params.get("role"),
        **launch_fields(cluster, params),
        **{member: params.get(member, default) for member, default in PLAIN_FIELDS.items()},
    }
    fields["platformVersion"] = platform_version(fields, params.get("platformVersion"))
    network = params.get("networkConfiguration")
    fields["networkConfiguration"] = default_security_group.complete(backend, network) if network else None
    return fields


def update_fields(
    backend: EC2ContainerServiceBackend, cluster: Cluster, current: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """The fields an UpdateService request changes (members it leaves out keep their value)."""
    changed: dict[str, Any] = {}
    if params.get("taskDefinition"):
        changed["taskDefinition"] = task_definition_arn(backend, params["taskDefinition"])
    if "desiredCount" in params and current["schedulingStrategy"] == "REPLICA":
        changed["desiredCount"] = params["desiredCount"]
    if params.get("capacityProviderStrategy"):
        changed["launchType"] = None
        changed["capacityProviderStrategy"] = capacity_provider_strategy(cluster, params["capacityProviderStrategy"])
    if "platformVersion" in params or "capacityProviderStrategy" in changed:
        merged = {**current, **changed}
        requested = params.get("platformVersion") or (current.get("platformVersion") if is_fargate(merged) else None)
        changed["platformVersion"] = platform_version(merged, requested)
    if "deploymentConfiguration" in params:
        changed["deploymentConfiguration"] = deployment_configuration(
            params["deploymentConfiguration"], current["deploymentConfiguration"], current["schedulingStrategy"]
        )
    if params.get("networkConfiguration"):
        changed["networkConfiguration"] = default_security_group.complete(backend, params["networkConfiguration"])
    for member in ("healthCheckGracePeriodSeconds", "deploymentController", *PLAIN_FIELDS):
        if member in params:
            changed[member] = params[member]
    return changed
