"""Routes CreateService and UpdateService through the patches that make them behave like ECS.

moto's handlers pass only some request members on to its backend; these replacements read the
whole request (already parsed against the ECS model) and apply, in order, the behaviours of the
modules named below. DescribeServices needs no replacement: it serialises the service objects
these handlers keep up to date.

Also applied here: deployment_controller_updates (what UpdateService may change under each
deployment controller), launch_type_restore (an empty strategy goes back to a launch type) and
placement_strategy_fields (placement strategy fields as ECS stores them).
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend, Service
from moto.ecs.responses import EC2ContainerServiceResponse

from . import (
    daemon_services,
    delete_service,
    deployment_controller_updates,
    launch_type_restore,
    native_strategies,
    placement_strategy_fields,
    service_deployments,
    service_fields,
    service_idempotency,
)
from .ecs_model import ServiceRuntime, get_field, set_fields

# The stored members that UpdateService reads before it changes them.
STORED_FIELDS = (
    "taskDefinition",
    "desiredCount",
    "schedulingStrategy",
    "deploymentConfiguration",
    "deploymentController",
    "launchType",
    "capacityProviderStrategy",
    "platformVersion",
    "networkConfiguration",
    *service_fields.PLAIN_FIELDS,
)


def create_service(self: EC2ContainerServiceResponse) -> ActionResult:
    params: dict[str, Any] = dict(self.params)
    backend = self.ecs_backend
    cluster = backend._get_cluster(params.get("cluster") or "default")
    key = f"{cluster.name}:{params['serviceName']}"
    existing = service_idempotency.existing_service(backend.services.get(key), params)
    if existing is not None:
        return ActionResult({"service": existing})

    fields = service_fields.create_fields(backend, cluster, params)
    fields["placementStrategy"] = placement_strategy_fields.stored(fields["placementStrategy"])
    daemon_services.validate(fields)
    native_strategies.validate(fields)
    require_network_for_awsvpc(backend, fields)
    service = Service(
        cluster=cluster,
        service_name=params["serviceName"],
        desired_count=fields["desiredCount"],
        backend=backend,
        tags=params.get("tags"),
        propagate_tags=fields["propagateTags"],
    )
    set_fields(service, fields)
    service.emulator_runtime = ServiceRuntime(create_params=params, client_token=params.get("clientToken"))
    service.created_at = utcnow()
    service.deployments = []
    service.events = []
    service.running_count = service.pending_count = 0
    if daemon_services.is_daemon(service):
        service.desired_count = daemon_services.desired_count(backend, service)
    if service_deployments.uses_ecs_controller(service):
        service_deployments.start(service, service_deployments.deployable(service))
    backend.services[key] = service
    return ActionResult({"service": service})


def update_service(self: EC2ContainerServiceResponse) -> ActionResult:
    params: dict[str, Any] = dict(self.params)
    backend = self.ecs_backend
    cluster = backend._get_cluster(params.get("cluster") or "default")
    service = backend._get_service(cluster.name, params["service"])
    delete_service.ensure_active(service)
    deployment_controller_updates.validate(get_field(service, "deploymentController"), params)

    current = {member: get_field(service, member) for member in STORED_FIELDS}
    changed = service_fields.update_fields(backend, cluster, current, params)
    changed.update(launch_type_restore.changed_fields(service, current, params))
    if "placementStrategy" in changed:
        changed["placementStrategy"] = placement_strategy_fields.stored(changed["placementStrategy"])
    require_network_for_awsvpc(backend, {**current, **changed})
    native_strategies.validate({**current, **changed})
    before = service_deployments.deployable(service)
    desired_count = changed.pop("desiredCount", None)
    set_fields(service, changed)
    if desired_count is not None:
        service_deployments.set_desired_count(service, desired_count)
    after = service_deployments.deployable(service)
    force = bool(params.get("forceNewDeployment"))
    if service_deployments.uses_ecs_controller(service) and service_deployments.needs_new_deployment(
        before, after, force
    ):
        service_deployments.start(service, after)
    return ActionResult({"service": service})


def require_network_for_awsvpc(backend: EC2ContainerServiceBackend, fields: dict[str, Any]) -> None:
    """ECS rejects an awsvpc task definition without a network configuration at CreateService and
    UpdateService time rather than when it starts tasks."""
    task_definition = backend.describe_task_definition(fields["taskDefinition"])
    if task_definition.network_mode == "awsvpc" and not fields.get("networkConfiguration"):
        raise InvalidParameterException(
            "Network Configuration must be provided when networkMode 'awsvpc' is specified."
        )


def apply() -> None:
    EC2ContainerServiceResponse.create_service = create_service
    EC2ContainerServiceResponse.update_service = update_service
