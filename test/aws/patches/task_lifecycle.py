"""Standalone tasks move through their lifecycle on the emulator's clock.

ECS Developer Guide ("Amazon ECS task lifecycle"): a task is PROVISIONING while capacity is found,
PENDING while its images are pulled and its network attached, then RUNNING; when its essential
container exits (or StopTask asks it to stop) desiredStatus becomes STOPPED and the task goes
through STOPPING to STOPPED. API reference (Task): createdAt, pullStartedAt/pullStoppedAt,
startedAt, stoppingAt, executionStoppedAt and stoppedAt mark those steps. moto 5.2.5 moves a task
one state towards STOPPED each time it is described.

One tick, for every task RunTask started (task_outcomes says how each ends):
  PROVISIONING -> PENDING;
  PENDING -> RUNNING, or stays PENDING while its task definition is held (pending_tasks), or
    stops without running (TaskFailedToStart) when its image cannot be pulled, or stops with the
    reason set by /task-failures (as service tasks do);
  RUNNING, after its outcome's run ticks -> STOPPING with every container's exit code
    (EssentialContainerExited); a task asked to stop (stop_task) -> STOPPING, its containers
    exiting 143 (SIGTERM, the emulator's choice: ECS reports what the container returned);
  STOPPING -> STOPPED.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from moto.core.utils import utcnow
from moto.ecs.models import ecs_backends

from . import circuit_breaker, pending_tasks, task_outcomes
from .standalone_tasks import StandaloneTask

ESSENTIAL_EXITED = "Essential container in task exited"
SIGTERM_EXIT_CODE = 143


def standalone_tasks() -> Iterator[StandaloneTask]:
    for _account, _region, backend in ecs_backends.iter_backends():
        for tasks in backend.tasks.values():
            for task in list(tasks.values()):
                if isinstance(task, StandaloneTask) and task.last_status != "STOPPED":
                    yield task


def tick_all() -> None:
    for task in standalone_tasks():
        tick(task)


def tick(task: StandaloneTask) -> None:
    status = task.last_status
    if status == "STOPPING":
        _stopped(task)
    elif task.desired_status == "STOPPED":
        # Asked to stop (StopTask): a task that never ran stops at once.
        if status == "RUNNING":
            _exit(task, lambda _name: SIGTERM_EXIT_CODE)
        else:
            _stopped(task)
    elif status == "PROVISIONING":
        task.last_status = "PENDING"
        task.pull_started_at = utcnow()
    elif status == "PENDING":
        _start(task)
    elif status == "RUNNING":
        run_ticks = task.outcome.run_ticks
        if run_ticks is not None and task.ticks_running >= run_ticks:
            _ask_to_stop(task, ESSENTIAL_EXITED, "EssentialContainerExited")
            _exit(task, task.outcome.code_of)
        else:
            task.ticks_running += 1


def _start(task: StandaloneTask) -> None:
    if pending_tasks.stays_pending(task.task_definition_arn):
        return
    if task.outcome.kind == task_outcomes.CANNOT_PULL:
        first = next(c for c in task.containers if c.essential)
        first.reason = task_outcomes.pull_failure(first.image)
        _ask_to_stop(task, first.reason, "TaskFailedToStart")
        _stopped(task)
        return
    reason = circuit_breaker.stopped_reason(task.task_definition_arn)
    if reason is not None:
        _ask_to_stop(task, reason, "EssentialContainerExited")
        _stopped(task)
        return
    now = utcnow()
    task.pull_stopped_at = now
    task.last_status = "RUNNING"
    task.started_at = now


def _ask_to_stop(task: StandaloneTask, reason: str, stop_code: str) -> None:
    task.desired_status = "STOPPED"
    task.stopped_reason = reason
    task.stop_code = stop_code
    task.stopping_at = utcnow()


def _exit(task: StandaloneTask, code_of: Callable[[str], int]) -> None:
    for container in task.containers:
        container.exit_code = code_of(container.name)
        container.last_status = "STOPPED"
    task.execution_stopped_at = utcnow()
    task.last_status = "STOPPING"


def _stopped(task: StandaloneTask) -> None:
    now = utcnow()
    if task.stopping_at is None:
        task.stopping_at = now
    if task.execution_stopped_at is None:
        task.execution_stopped_at = now
    task.last_status = "STOPPED"
    task.stopped_at = now
