"""RunTask starts standalone tasks as ECS does: where they run, how many, and what they carry.

ECS API reference (RunTask, Task, Container):
- with neither launchType nor capacityProviderStrategy the cluster's defaultCapacityProviderStrategy
  is used; a cluster without one runs the task on EC2 ("The default launch type is EC2"). A task on
  the FARGATE or FARGATE_SPOT provider reports launchType FARGATE, its capacityProviderName, the
  platform version it runs (LATEST resolves to 1.4.0) and platformFamily Linux;
- launchType and capacityProviderStrategy together are refused; `count` is 1 to 10 ("You can
  specify up to 10 tasks for each call");
- `startedBy` and `group` are stored (the group defaults to `family:<family>`), `overrides` are
  stored and returned, `enableExecuteCommand` is returned;
- `propagateTags` TASK_DEFINITION copies the task definition's tags to the task; SERVICE is refused
  ("An error will be received if you specify the SERVICE option when running a task");
- a task has one container per container definition (name, image, lastStatus, exitCode, reason),
  and its task-level cpu and memory are the task definition's;
- an EC2 task needs a container instance: with none, InvalidParameterException "No Container
  Instances were found in your cluster.".
moto 5.2.5 leaves launchType empty when none is given, answers HTTP 500 on an EC2 cluster without
instances, has a single container named after the first definition with exitCode 0 from the
start, ignores propagateTags, count limits and enableExecuteCommand, and moves a task to STOPPED
whenever it is described. Here a task starts PROVISIONING and moves on the emulator's clock
(task_lifecycle); what it ends with is set on the control endpoint (task_outcomes).
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import Cluster, EC2ContainerServiceBackend, TaskDefinition
from moto.ecs.responses import EC2ContainerServiceResponse

from . import default_security_group, run_task_idempotency, task_outcomes
from .ecs_model import FARGATE_LATEST, FARGATE_PROVIDERS, ServiceTask

MAX_COUNT = 10


class TaskContainer:
    """One container of a task (API reference, Container); attributes named after its members."""

    def __init__(self, task: ServiceTask, definition: dict[str, Any]) -> None:
        self.container_arn = (
            f"arn:aws:ecs:{task.region_name}:{task._account_id}:container/{task.cluster_name}/{task.id}/{uuid.uuid4()}"
        )
        self.task_arn = task.task_arn
        self.name = definition.get("name")
        self.image = definition.get("image")
        self.last_status = "PENDING"
        self.exit_code: int | None = None
        self.reason: str | None = None
        self.health_status = "UNKNOWN" if not definition.get("healthCheck") else "UNHEALTHY"
        self.cpu = str(definition.get("cpu") or 0)
        self.memory = None if definition.get("memory") is None else str(definition["memory"])
        self.memory_reservation = (
            None if definition.get("memoryReservation") is None else str(definition["memoryReservation"])
        )
        self.network_interfaces: list[dict[str, Any]] = []
        self.network_bindings: list[dict[str, Any]] = []
        self.essential = definition.get("essential", True) is not False


class StandaloneTask(ServiceTask):
    """A task started by RunTask: it moves on the emulator's clock (task_lifecycle) and ends as its
    outcome says (task_outcomes)."""

    enable_execute_command: bool = False
    pull_started_at = None
    pull_stopped_at = None
    execution_stopped_at = None
    # How many ticks the task has been RUNNING, and the outcome it was given when it started.
    ticks_running = 0
    outcome: task_outcomes.Outcome

    @property
    def status(self) -> str | None:
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        # Containers move with the task until they stop; a stopped container keeps its own state.
        self._status = value
        for container in getattr(self, "containers", []):
            if container.last_status != "STOPPED":
                container.last_status = "STOPPED" if value in ("STOPPED", "DEPROVISIONING") else _container_status(value)


def _container_status(task_status: str) -> str:
    return "RUNNING" if task_status in ("RUNNING", "DEACTIVATING", "STOPPING") else "PENDING"


def placement(
    backend: EC2ContainerServiceBackend, cluster: Cluster, params: dict[str, Any]
) -> tuple[str, list[dict[str, Any]] | None]:
    """The launch type the tasks report and the strategy they were placed with."""
    launch_type = params.get("launchType")
    strategy = params.get("capacityProviderStrategy") or None
    if launch_type and strategy:
        raise InvalidParameterException("Specify either Launch Type or Capacity Provider Strategy, but not both.")
    if not launch_type and not strategy:
        strategy = cluster.default_capacity_provider_strategy or None
    if launch_type:
        return launch_type, None
    if not strategy:
        return "EC2", None
    for item in strategy:
        if item["capacityProvider"] not in (cluster.capacity_providers or []):
            raise InvalidParameterException(
                "The specified capacity provider strategy cannot contain a capacity provider that is not associated "
                "with the cluster. Associate the capacity provider with the cluster or specify a valid capacity "
                "provider and try again."
            )
    on_fargate = all(item["capacityProvider"] in FARGATE_PROVIDERS for item in strategy)
    return ("FARGATE" if on_fargate else "EC2"), strategy


def task_tags(backend: EC2ContainerServiceBackend, definition: TaskDefinition, params: dict[str, Any]) -> list[dict[str, str]]:
    tags = list(params.get("tags") or [])
    propagate = params.get("propagateTags")
    if propagate == "SERVICE":
        raise InvalidParameterException("The SERVICE option of propagateTags is only valid for tasks that a service starts.")
    if propagate == "TASK_DEFINITION":
        given = {t["key"] for t in tags}
        tags.extend(t for t in definition.tags or [] if t["key"] not in given)
    return tags


def _instances(backend: EC2ContainerServiceBackend, cluster: Cluster) -> list[str]:
    return [
        i.container_instance_arn
        for i in backend.container_instances.get(cluster.name, {}).values()
        if i.status == "ACTIVE"
    ]


def start_tasks(backend: EC2ContainerServiceBackend, params: dict[str, Any]) -> list[StandaloneTask]:
    """Starts the tasks a RunTask request asks for (already known not to repeat an earlier one)."""
    count = params.get("count", 1)
    if not 1 <= count <= MAX_COUNT:
        raise InvalidParameterException(f"count must be between 1 and {MAX_COUNT}.")
    cluster = backend._get_cluster(params.get("cluster") or "default")
    definition = backend.describe_task_definition(params["taskDefinition"])
    launch_type, strategy = placement(backend, cluster, params)
    instances = _instances(backend, cluster) if launch_type == "EC2" else []
    if launch_type == "EC2" and not instances:
        raise InvalidParameterException("No Container Instances were found in your cluster.")
    network = params.get("networkConfiguration")
    if definition.network_mode == "awsvpc" and not network:
        raise InvalidParameterException("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
    if network:
        network = default_security_group.for_tasks(backend, default_security_group.complete(backend, network))
    tags = task_tags(backend, definition, params)
    tasks = []
    for index in range(count):
        task = StandaloneTask(
            cluster=cluster,
            task_definition=definition,
            container_instance_arn=instances[index % len(instances)] if instances else None,
            resource_requirements=None,
            backend=backend,
            group=params.get("group") or f"family:{definition.family}",
            launch_type=launch_type,
            overrides=params.get("overrides") or {},
            started_by=params.get("startedBy") or "",
            tags=tags,
            networking_configuration=network,
            platform_version=_platform_version(launch_type, params.get("platformVersion")),
            capacity_provider_name=strategy[0]["capacityProvider"] if strategy else None,
        )
        task.containers = [TaskContainer(task, d) for d in definition.container_definitions]
        task.platform_family = "Linux" if launch_type == "FARGATE" else None
        task.cpu = definition.cpu
        task.memory = definition.memory
        task.enable_execute_command = bool(params.get("enableExecuteCommand"))
        task.stopped_reason = None
        task.started_by = params.get("startedBy")  # absent, not empty, when not given
        task.last_status = "PROVISIONING"
        task.created_at = utcnow()
        task.outcome = task_outcomes.outcome_for(definition, params.get("startedBy"))
        backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
        tasks.append(task)
    return tasks


def _platform_version(launch_type: str, asked: str | None) -> str | None:
    if launch_type != "FARGATE":
        return None
    version = asked or "LATEST"
    return FARGATE_LATEST if version == "LATEST" else version


def run_task(self: EC2ContainerServiceResponse) -> ActionResult:
    params: dict[str, Any] = dict(self.params)
    backend = self.ecs_backend
    tasks = run_task_idempotency.repeated(backend, params)
    if tasks is None:
        tasks = start_tasks(backend, params)
        run_task_idempotency.remember(backend, params, tasks)
    return ActionResult({"tasks": tasks, "failures": []})


def apply() -> None:
    EC2ContainerServiceResponse.run_task = run_task
