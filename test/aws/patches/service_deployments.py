"""Which UpdateService changes start a new deployment, and what starting one does.

ECS API reference (UpdateService, Deployment): a service using the rolling update (ECS) deployment
controller starts a new PRIMARY deployment when its task definition, network configuration, load
balancers, service registries or platform version changes, or when forceNewDeployment is set; the
previous deployments become ACTIVE and are drained. A change of desiredCount alone changes the
PRIMARY deployment's desired count and starts no deployment, and so does a new capacity provider
strategy (UpdateService, capacityProviderStrategy: "This parameter doesn't trigger a new service
deployment"): the running tasks stay where they are until a deployment (forceNewDeployment) moves them.
moto 5.2.5 creates no deployment and keeps the first one forever.
"""

from __future__ import annotations

from typing import Any

from moto.core.utils import utcnow
from moto.ecs.models import Service

from . import native_strategies, service_deployment_history
from .ecs_model import (
    DEPLOYABLE_FIELDS,
    Deployment,
    deployments,
    get_field,
    new_deployment_id,
    primary,
    runtime,
    set_fields,
)

TRIGGERS = (
    "taskDefinition",
    "networkConfiguration",
    "loadBalancers",
    "serviceRegistries",
    "platformVersion",
)


def uses_ecs_controller(service: Service) -> bool:
    return (service.deployment_controller or {}).get("type", "ECS") == "ECS"


def deployable(service: Service) -> dict[str, Any]:
    return {member: get_field(service, member) for member in DEPLOYABLE_FIELDS}


def needs_new_deployment(before: dict[str, Any], after: dict[str, Any], force: bool) -> bool:
    return force or any(before.get(member) != after.get(member) for member in TRIGGERS)


def start(
    service: Service, spec: dict[str, Any], reason: str | None = None, rollback_to: Deployment | None = None
) -> Deployment:
    """Makes a new PRIMARY deployment of `spec`; the service's settings follow it (a rollback
    restores the task definition and placement of the deployment it goes back to).

    A new deployment is a new service deployment of a new service revision; a rollback
    (`rollback_to`, the deployment gone back to) deploys that deployment's revision again, within
    the service deployment it rolls back (service_deployment_history)."""
    for deployment in deployments(service):
        if deployment.status == "PRIMARY":
            deployment.status = "ACTIVE"
            deployment.updated_at = utcnow()
    set_fields(service, spec)
    deployment = Deployment(id=new_deployment_id(), spec=dict(spec), desired_count=service.desired_count)
    if reason:
        deployment.rollout_state_reason = reason
    if rollback_to is None:
        native_strategies.begin(service, service_deployment_history.started(service, deployment))
    else:
        deployment.revision_arn = rollback_to.revision_arn
    deployments(service).insert(0, deployment)
    runtime(service).steady = False
    return deployment


def set_desired_count(service: Service, desired_count: int) -> None:
    service.desired_count = desired_count
    current = primary(service)
    if current is not None and current.desired_count != desired_count:
        current.desired_count = desired_count
        current.updated_at = utcnow()
        runtime(service).steady = False
