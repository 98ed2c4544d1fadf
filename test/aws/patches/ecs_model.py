"""What the ECS patches share: service fields, deployments, service tasks and service events.

moto serialises responses from the botocore model of the API: for every member of an output shape
it reads the attribute named like the member (camelCase, or its snake_case form). So the classes
here only need attributes named after the ECS API's members to show up in responses, and anything
else (the tasks of a deployment, the emulator's bookkeeping) stays out of them.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore import xform_name
from moto.core.utils import utcnow
from moto.ecs.exceptions import ECSException
from moto.ecs.models import EC2ContainerServiceBackend, Service, Task, ecs_backends

# One lock serialises API requests and clock ticks: moto's models are not thread-safe and the
# realtime clock changes services from its own thread.
LOCK = threading.RLock()

# ECS keeps the latest 100 events of a service.
MAX_EVENTS = 100

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")

# Resolved Fargate platform version that a deployment reports when the service asks for LATEST.
FARGATE_LATEST = "1.4.0"

# Settings that belong to a deployment: a deployment runs the task definition and placement the
# service had when it started, and a rollback restores them.
DEPLOYABLE_FIELDS = (
    "taskDefinition",
    "launchType",
    "capacityProviderStrategy",
    "platformVersion",
    "networkConfiguration",
    "loadBalancers",
    "serviceRegistries",
)


class ServiceNotActiveException(ECSException):
    code = "ServiceNotActiveException"

    def __init__(self) -> None:
        super().__init__("Service was not ACTIVE.")


def get_field(obj: Any, member: str) -> Any:
    """Reads the attribute that moto serialises as the API member `member`."""
    return getattr(obj, xform_name(member), None)


def set_fields(obj: Any, fields: dict[str, Any]) -> None:
    for member, value in fields.items():
        setattr(obj, xform_name(member), value)


def is_fargate(fields: dict[str, Any]) -> bool:
    strategy = fields.get("capacityProviderStrategy") or []
    if strategy:
        return all(item["capacityProvider"] in FARGATE_PROVIDERS for item in strategy)
    return fields.get("launchType") == "FARGATE"


def new_deployment_id() -> str:
    # ECS deployment ids are "ecs-svc/" and 19 digits.
    return f"ecs-svc/{random.randrange(10**18, 10**19)}"


class ServiceTask(Task):
    """A task started by a service's scheduler.

    Its lastStatus is driven by the emulator's clock. moto's own Task hands its status to the state
    manager, which moves a task towards STOPPED whenever it is described; a service task must stay
    RUNNING until its scheduler stops it.
    """

    # Task members moto's Task lacks, set by the scheduler as the task moves on.
    created_at: datetime | None = None
    started_at: datetime | None = None
    stopping_at: datetime | None = None
    stopped_at: datetime | None = None
    stop_code: str | None = None

    @property
    def status(self) -> str | None:
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        self._status = value
        for container in self.containers:
            container.last_status = value


@dataclass
class Deployment:
    """One entry of a service's `deployments`, with the tasks it started."""

    id: str
    spec: dict[str, Any]  # the DEPLOYABLE_FIELDS this deployment runs
    desired_count: int
    status: str = "PRIMARY"
    pending_count: int = 0
    running_count: int = 0
    failed_tasks: int = 0
    rollout_state: str = "IN_PROGRESS"
    rollout_state_reason: str = ""
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    tasks: list[ServiceTask] = field(default_factory=list)  # not an API member: never serialised
    # Not API members either: the service revision this deployment runs and the service deployment
    # (service_deployment_history.Record) it belongs to; a rollback deployment belongs to the one
    # it rolls back.
    revision_arn: str = ""
    record: Any = None

    def __post_init__(self) -> None:
        if not self.rollout_state_reason:
            self.rollout_state_reason = f"ECS deployment {self.id} in progress."

    @property
    def task_definition(self) -> str:
        return str(self.spec["taskDefinition"])

    @property
    def launch_type(self) -> str | None:
        return self.spec.get("launchType")

    @property
    def capacity_provider_strategy(self) -> list[dict[str, Any]] | None:
        return self.spec.get("capacityProviderStrategy")

    @property
    def network_configuration(self) -> dict[str, Any] | None:
        return self.spec.get("networkConfiguration")

    @property
    def platform_version(self) -> str | None:
        if not is_fargate(self.spec):
            return None
        version = self.spec.get("platformVersion") or "LATEST"
        return FARGATE_LATEST if version == "LATEST" else version

    @property
    def platform_family(self) -> str | None:
        return "Linux" if is_fargate(self.spec) else None

    def live_tasks(self) -> list[ServiceTask]:
        return [t for t in self.tasks if t.last_status != "STOPPED"]


@dataclass
class ServiceRuntime:
    """The emulator's bookkeeping for one service (what ECS keeps but does not return)."""

    create_params: dict[str, Any]
    client_token: str | None
    # The last deployment that reached COMPLETED, for the circuit breaker's rollback.
    last_completed: Deployment | None = None
    # Whether "has reached a steady state" was written since the service last changed.
    steady: bool = False
    # The service's service deployments (service_deployment_history.Record), oldest first.
    history: list[Any] = field(default_factory=list)
    # Its service revisions (service_deployment_history.Revision) by ARN.
    revisions: dict[str, Any] = field(default_factory=dict)


def runtime(service: Service) -> ServiceRuntime:
    return service.emulator_runtime  # type: ignore[no-any-return]


def deployments(service: Service) -> list[Deployment]:
    return service.deployments  # type: ignore[no-any-return]


def primary(service: Service) -> Deployment | None:
    return next((d for d in deployments(service) if d.status == "PRIMARY"), None)


def add_event(service: Service, message: str) -> None:
    """Adds a service event; DescribeServices lists the newest first."""
    service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": utcnow(), "message": message})
    del service.events[MAX_EVENTS:]


def is_emulated(service: Service) -> bool:
    """Whether the service was created through the patched CreateService (and so has deployments
    that the emulator runs)."""
    return hasattr(service, "emulator_runtime")


def all_services() -> Iterator[tuple[EC2ContainerServiceBackend, Service]]:
    for _account, _region, backend in ecs_backends.iter_backends():
        for service in list(backend.services.values()):
            if is_emulated(service):
                yield backend, service
