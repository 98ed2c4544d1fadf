"""The control that keeps a task definition's tasks PENDING: a rollout that never completes and
never fails.

ECS Developer Guide ("Amazon ECS standalone tasks", task workflow; it applies to service tasks
too): a task is PROVISIONING while ECS finds compute capacity for it and PENDING while it is being
prepared (the image pulled, the network interface attached); only then RUNNING. Capacity that never
comes, or an image pull that keeps retrying, leaves tasks there: the deployment's pendingCount
(API reference, Deployment) stays up, the circuit breaker does not count them as failed, and the
rollout stays IN_PROGRESS while ECS keeps trying. moto 5.2.5 starts no service task at all.

Which tasks are held is set only through the emulator's control endpoint (hold_tasks_of), never by
a resource name or a value in a request.
"""

from __future__ import annotations

from .circuit_breaker import revision_key

# "family:revision" of the task definitions whose tasks stay PENDING
_held: set[str] = set()


def hold_tasks_of(task_definition: str) -> None:
    if ":" not in revision_key(task_definition):
        raise ValueError("taskDefinition must be an ARN or family:revision")
    _held.add(revision_key(task_definition))


def clear(task_definition: str | None = None) -> None:
    if task_definition is None:
        _held.clear()
    else:
        _held.discard(revision_key(task_definition))


def held() -> list[str]:
    return sorted(_held)


def stays_pending(task_definition_arn: str) -> bool:
    return revision_key(task_definition_arn) in _held
