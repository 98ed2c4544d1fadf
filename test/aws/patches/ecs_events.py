"""ECS sends its services' and tasks' state changes to EventBridge, as the developer guide shows.

ECS Developer Guide, "Amazon ECS events" and its pages "Amazon ECS service deployment state change
events", "Amazon ECS service action events" and "Amazon ECS task state change events": every event
has version "0", an id, detail-type, source "aws.ecs", account, time, region, resources and detail.
- "ECS Deployment State Change" (resources: the service ARN): detail eventType INFO with eventName
  SERVICE_DEPLOYMENT_IN_PROGRESS when a deployment (initial or rollback) starts and
  SERVICE_DEPLOYMENT_COMPLETED once the service reaches a steady state after it; eventType ERROR
  with SERVICE_DEPLOYMENT_FAILED when the circuit breaker (or a deployment alarm) fails it; with
  deploymentId, updatedAt and reason (the deployment's rolloutStateReason).
- "ECS Service Action" (resources: the service ARN): detail eventType INFO, eventName
  SERVICE_STEADY_STATE when the service runs its desired count healthy, with clusterArn and
  createdAt; service action events carry no version in their detail.
- "ECS Task State Change" (resources: the task ARN): the task as DescribeTasks shows it (clusterArn,
  taskArn, taskDefinitionArn, group, startedBy, launchType, lastStatus, desiredStatus, containers,
  createdAt, startedAt, stoppedAt, stoppedReason, stopCode, updatedAt) and `version`, which grows
  with each change of the task, so that a consumer can spot a repeated event.
The events go to the default bus of the service's account and region (event_delivery.emit) when the
emulator's clock moves the service or task on; a deployment that UpdateService or CreateService
starts is reported at the next tick (the guide promises no delay, and ECS's are seconds long).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from moto.ecs.models import Service, ecs_backends

from . import event_delivery, task_lifecycle
from .clock import Clock
from .ecs_model import ServiceTask, all_services, deployments, runtime

DEPLOYMENT = "ECS Deployment State Change"
SERVICE_ACTION = "ECS Service Action"
TASK = "ECS Task State Change"

_DEPLOYMENT_EVENTS = {
    "IN_PROGRESS": ("INFO", "SERVICE_DEPLOYMENT_IN_PROGRESS"),
    "COMPLETED": ("INFO", "SERVICE_DEPLOYMENT_COMPLETED"),
    "FAILED": ("ERROR", "SERVICE_DEPLOYMENT_FAILED"),
}


@dataclass
class _Seen:
    """What was last reported, so that each change is sent once."""

    rollouts: dict[str, str] = field(default_factory=dict)  # deployment id -> rolloutState
    steady: dict[str, bool] = field(default_factory=dict)  # service ARN -> steady
    tasks: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # task ARN -> (last, desired, version)


_seen = _Seen()


def _iso(when: dt.datetime | None) -> str | None:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _where(arn: str) -> tuple[str, str]:
    """(account, region) of an ECS ARN."""
    parts = arn.split(":")
    return parts[4], parts[3]


def _service_events(service: Service) -> None:
    account, region = _where(service.arn)
    for deployment in deployments(service):
        if _seen.rollouts.get(deployment.id) == deployment.rollout_state:
            continue
        _seen.rollouts[deployment.id] = deployment.rollout_state
        event_type, name = _DEPLOYMENT_EVENTS[deployment.rollout_state]
        detail = {
            "eventType": event_type,
            "eventName": name,
            "deploymentId": deployment.id,
            "updatedAt": _iso(deployment.updated_at),
            "reason": deployment.rollout_state_reason,
        }
        event_delivery.emit(account, region, "aws.ecs", DEPLOYMENT, [service.arn], detail)
    steady = runtime(service).steady
    if steady and not _seen.steady.get(service.arn):
        detail = {
            "eventType": "INFO",
            "eventName": "SERVICE_STEADY_STATE",
            "clusterArn": service.cluster_arn,
            "createdAt": _iso(dt.datetime.now(dt.timezone.utc)),
        }
        event_delivery.emit(account, region, "aws.ecs", SERVICE_ACTION, [service.arn], detail)
    _seen.steady[service.arn] = steady


def _task_detail(task: ServiceTask, version: int) -> dict[str, Any]:
    detail = {
        "clusterArn": task.cluster_arn,
        "taskArn": task.task_arn,
        "taskDefinitionArn": task.task_definition_arn,
        "group": task.group,
        "startedBy": task.started_by,
        "launchType": task.launch_type or None,
        "lastStatus": task.last_status,
        "desiredStatus": task.desired_status,
        "containers": [
            {"containerArn": c.container_arn, "lastStatus": c.last_status, "name": c.name, "taskArn": task.task_arn}
            for c in task.containers
        ],
        "createdAt": _iso(task.created_at),
        "startedAt": _iso(task.started_at),
        "stoppedAt": _iso(task.stopped_at),
        "stoppedReason": task.stopped_reason or None,
        "stopCode": task.stop_code,
        "updatedAt": _iso(dt.datetime.now(dt.timezone.utc)),
        "version": version,
    }
    return {k: v for k, v in detail.items() if v is not None}


def _task_events() -> None:
    for account, region, backend in ecs_backends.iter_backends():
        for tasks in backend.tasks.values():
            for task in list(tasks.values()):
                if not isinstance(task, ServiceTask):
                    continue
                last, desired, version = _seen.tasks.get(task.task_arn, ("", "", 0))
                if (task.last_status, task.desired_status) == (last, desired):
                    continue
                version += 1
                _seen.tasks[task.task_arn] = (task.last_status, task.desired_status, version)
                event_delivery.emit(account, region, "aws.ecs", TASK, [task.task_arn], _task_detail(task, version))


def publish_changes() -> None:
    """Sends an event for each change since the last call (the caller holds ecs_model.LOCK)."""
    for _backend, service in all_services():
        _service_events(service)
    _task_events()


def reset() -> None:
    global _seen
    _seen = _Seen()


_original_tick = task_lifecycle.tick_all
_original_reset = Clock.reset


def tick_all() -> None:
    """The clock's last step of a tick; the changes it made are then published."""
    _original_tick()
    publish_changes()


def clock_reset(self: Clock) -> None:
    _original_reset(self)
    reset()


def apply() -> None:
    # The clock calls task_lifecycle.tick_all after the services' step, once per tick.
    task_lifecycle.tick_all = tick_all
    Clock.reset = clock_reset  # type: ignore[method-assign]
