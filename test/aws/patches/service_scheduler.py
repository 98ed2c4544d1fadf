"""Services' deployments progress on the emulator's clock the way ECS's rolling update does.

ECS Developer Guide (rolling update, service event messages) and API reference (Deployment,
Service): tasks go PENDING -> RUNNING; the PRIMARY deployment starts tasks up to its desired count
within maximumPercent of the service's desired count; older deployments' tasks are stopped while
minimumHealthyPercent of the desired count stays RUNNING; rolloutState goes IN_PROGRESS ->
COMPLETED when the PRIMARY deployment runs its desired count and nothing else runs; drained
deployments leave the list; the service's runningCount and pendingCount are the sums over its
deployments. Events carry ECS's messages ("has started N tasks", "has stopped N running tasks",
"deployment completed", "has reached a steady state"). moto 5.2.5 never starts a task for a service.

One tick is one scheduling step for every service:
  1. drained non-PRIMARY deployments are removed (a FAILED one stays until the PRIMARY completes);
  2. tasks move on: PENDING -> RUNNING, or -> STOPPED when their task definition is made to fail
     (failedTasks grows), or stay PENDING when it is held; tasks being stopped reach STOPPED;
  3. the circuit breaker and the deployment alarms judge the PRIMARY deployment (and may roll
     back); a BLUE_GREEN, LINEAR or CANARY deployment moves through its stages (native_strategies);
  4. the PRIMARY deployment starts tasks; 5. surplus tasks are asked to stop;
  6. the rollout completes when it can; 7. counts are refreshed.
A deleted (DRAINING) service stops all its tasks and becomes INACTIVE once none is left.
"""

from __future__ import annotations

import math

from moto.core.utils import utcnow
from moto.ecs.models import EC2ContainerServiceBackend, Service

from . import (
    circuit_breaker,
    daemon_services,
    default_security_group,
    deployment_alarms,
    deployment_rollback,
    native_strategies,
    pending_tasks,
    service_deployment_history,
    service_deployments,
)
from .ecs_model import (
    Deployment,
    ServiceTask,
    add_event,
    all_services,
    deployments,
    primary,
    runtime,
)


def tick_all() -> None:
    for backend, service in all_services():
        if service.status != "INACTIVE" and service_deployments.uses_ecs_controller(service):
            tick(backend, service)


def tick(backend: EC2ContainerServiceBackend, service: Service) -> None:
    remove_drained(service)
    if daemon_services.is_daemon(service) and service.status == "ACTIVE":
        service_deployments.set_desired_count(service, daemon_services.desired_count(backend, service))
    progress_tasks(service)
    deployment_rollback.carry_out_requests(service)
    current = primary(service)
    if current is not None:
        circuit_breaker.check(service, current)
        deployment_alarms.check(service)
        native_strategies.tick(service)
        current = primary(service)
    if current is not None and service.status == "ACTIVE":
        launch(backend, service, current)
    stop_surplus(service, current)
    if current is not None:
        complete(service, current)
    refresh_counts(service)
    if service.status == "DRAINING":
        service_deployment_history.service_deleted(service)
    if service.status == "DRAINING" and not any(d.live_tasks() for d in deployments(service)):
        service.status = "INACTIVE"


def remove_drained(service: Service) -> None:
    current = primary(service)
    rollout_done = current is None or current.rollout_state == "COMPLETED"

    def keep(d: Deployment) -> bool:
        return d.status == "PRIMARY" or bool(d.live_tasks()) or (d.rollout_state == "FAILED" and not rollout_done)

    service.deployments = [d for d in deployments(service) if keep(d)]


def progress_tasks(service: Service) -> None:
    for deployment in deployments(service):
        for task in deployment.live_tasks():
            if task.desired_status == "STOPPED":
                _stopped(task)
            elif task.last_status == "PENDING" and not pending_tasks.stays_pending(task.task_definition_arn):
                reason = circuit_breaker.stopped_reason(task.task_definition_arn)
                if reason is None:
                    task.last_status = "RUNNING"
                    task.started_at = utcnow()
                else:
                    _ask_to_stop(task, reason, "EssentialContainerExited")
                    _stopped(task)
                    deployment.failed_tasks += 1
                    deployment.updated_at = utcnow()


def launch(backend: EC2ContainerServiceBackend, service: Service, current: Deployment) -> None:
    if current.rollout_state == "FAILED":
        return  # a failed deployment launches no new tasks
    wanted = current.desired_count - len(_kept(current))
    native = native_strategies.launch_allowed(service)
    if native is None:
        ceiling = math.floor(service.desired_count * service.deployment_configuration["maximumPercent"] / 100)
        in_use = sum(len(d.live_tasks()) for d in deployments(service))
        count = min(wanted, max(0, ceiling - in_use))
    else:
        count = min(wanted, native)
    if count <= 0:
        return
    tasks = []
    for _ in range(count):
        tasks.append(_new_task(backend, service, current))
        current.tasks.append(tasks[-1])  # before the next placement, which avoids busy instances
    runtime(service).steady = False
    add_event(service, f"(service {service.name}) has started {count} tasks: {_task_list(tasks)}.")


def stop_surplus(service: Service, current: Deployment | None) -> None:
    """Stops old deployments' tasks and any tasks above the desired count, pending ones first and
    running ones only as far as minimumHealthyPercent allows."""
    candidates: list[tuple[Deployment, ServiceTask]] = []
    for deployment in deployments(service):
        if native_strategies.keeps_tasks_of(service, deployment):
            continue
        kept = _kept(deployment)
        surplus = (
            len(kept)
            if deployment is not current or service.status != "ACTIVE"
            else len(kept) - deployment.desired_count
        )
        kept.sort(key=lambda t: t.last_status != "PENDING")
        candidates.extend((deployment, task) for task in kept[: max(0, surplus)])
    if not candidates:
        return
    healthy = sum(1 for d in deployments(service) for t in _kept(d) if t.last_status == "RUNNING")
    floor = math.ceil(service.desired_count * service.deployment_configuration["minimumHealthyPercent"] / 100)
    allowance = healthy - floor if service.status == "ACTIVE" else healthy
    stopped: list[ServiceTask] = []
    stopped_running: list[ServiceTask] = []
    for deployment, task in candidates:
        if task.last_status == "RUNNING":
            if allowance <= 0:
                continue
            allowance -= 1
            stopped_running.append(task)
        _ask_to_stop(task, f"Scaling activity initiated by (deployment {deployment.id})", "ServiceSchedulerInitiated")
        stopped.append(task)
        if deployment is not current:
            deployment.desired_count = len(_kept(deployment))
        deployment.updated_at = utcnow()
    if stopped:
        runtime(service).steady = False
    if stopped_running:
        add_event(
            service,
            f"(service {service.name}) has stopped {len(stopped_running)} running tasks: {_task_list(stopped_running)}.",
        )


def complete(service: Service, current: Deployment) -> None:
    others_live = any(d.live_tasks() for d in deployments(service) if d is not current)
    running = [t for t in _kept(current) if t.last_status == "RUNNING"]
    steady = not others_live and len(running) == len(current.live_tasks()) == current.desired_count
    if not steady or current.rollout_state == "FAILED" or native_strategies.holds_completion(service):
        return
    state = runtime(service)
    if current.rollout_state == "IN_PROGRESS":
        current.rollout_state = "COMPLETED"
        current.rollout_state_reason = f"ECS deployment {current.id} completed."
        current.updated_at = utcnow()
        state.last_completed = current
        service_deployment_history.completed(current)
        add_event(service, f"(service {service.name}) (deployment {current.id}) deployment completed.")
    if not state.steady:
        state.steady = True
        add_event(service, f"(service {service.name}) has reached a steady state.")


def refresh_counts(service: Service) -> None:
    for deployment in deployments(service):
        live = deployment.live_tasks()
        counts = (sum(t.last_status == "PENDING" for t in live), sum(t.last_status == "RUNNING" for t in live))
        if counts != (deployment.pending_count, deployment.running_count):
            deployment.pending_count, deployment.running_count = counts
            deployment.updated_at = utcnow()
    service.pending_count = sum(d.pending_count for d in deployments(service))
    service.running_count = sum(d.running_count for d in deployments(service))


def _kept(deployment: Deployment) -> list[ServiceTask]:
    """The deployment's tasks that are not being stopped."""
    return [t for t in deployment.live_tasks() if t.desired_status != "STOPPED"]


def _ask_to_stop(task: ServiceTask, reason: str, stop_code: str) -> None:
    task.desired_status = "STOPPED"
    task.stopped_reason = reason
    task.stop_code = stop_code
    task.stopping_at = utcnow()


def _stopped(task: ServiceTask) -> None:
    task.last_status = "STOPPED"
    task.stopped_at = utcnow()


def _task_list(tasks: list[ServiceTask]) -> str:
    return " ".join(f"(task {t.id})" for t in tasks)


def _new_task(backend: EC2ContainerServiceBackend, service: Service, deployment: Deployment) -> ServiceTask:
    cluster = backend.clusters[service.cluster_name]
    task_definition = backend.describe_task_definition(deployment.task_definition)
    network = deployment.network_configuration
    strategy = deployment.capacity_provider_strategy
    task = ServiceTask(
        cluster=cluster,
        task_definition=task_definition,
        container_instance_arn=None if _on_fargate(deployment) else _pick_instance(backend, service),
        resource_requirements=None,
        backend=backend,
        group=f"service:{service.name}",
        launch_type=deployment.launch_type or "",
        started_by=deployment.id,
        networking_configuration=default_security_group.for_tasks(backend, network) if network else None,
        platform_version=deployment.platform_version,
        capacity_provider_name=strategy[0]["capacityProvider"] if strategy else None,
    )
    task.last_status = "PENDING"
    task.created_at = utcnow()
    backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    return task


def _on_fargate(deployment: Deployment) -> bool:
    return deployment.platform_family is not None


def _pick_instance(backend: EC2ContainerServiceBackend, service: Service) -> str | None:
    """An ACTIVE container instance, preferring one without a task of this service (which is
    what a DAEMON service needs and what spread placement does)."""
    instances = [i for i in backend.container_instances.get(service.cluster_name, {}).values() if i.status == "ACTIVE"]
    busy = {t.container_instance_arn for d in deployments(service) for t in _kept(d)}
    free = [i for i in instances if i.container_instance_arn not in busy]
    chosen = (free or instances or [None])[0]
    return chosen.container_instance_arn if chosen is not None else None
