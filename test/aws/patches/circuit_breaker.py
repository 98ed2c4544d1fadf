"""The deployment circuit breaker, and the control that makes a task definition's tasks fail.

ECS Developer Guide ("How the Amazon ECS deployment circuit breaker detects failures") and API
reference (DeploymentCircuitBreaker, ServiceDeploymentCircuitBreaker): when the tasks of a
deployment keep failing to reach RUNNING, the deployment goes FAILED once its failed-task count
reaches the threshold, 0.5 x the desired count, at least 3 and at most 200, and launches no new
tasks. With rollback on, ECS starts a new deployment of the most recent COMPLETED deployment; that
deployment is not eligible for another rollback until it completes itself. With no COMPLETED
deployment to go back to the failed deployment stays where it is.

Which tasks fail is set only through the emulator's control endpoint (fail_tasks_of), never by a
resource name or a value in a request.
"""

from __future__ import annotations

import math

from moto.ecs.models import Service

from . import deployment_rollback
from .ecs_model import Deployment, add_event, runtime

DEFAULT_STOPPED_REASON = "Essential container in task exited"

# "family:revision" -> the stoppedReason its failing tasks report
_failing: dict[str, str] = {}


def revision_key(task_definition: str) -> str:
    """family:revision from an ARN or from family:revision itself."""
    return task_definition.rsplit("/", 1)[-1]


def fail_tasks_of(task_definition: str, stopped_reason: str = DEFAULT_STOPPED_REASON) -> None:
    if ":" not in revision_key(task_definition):
        raise ValueError("taskDefinition must be an ARN or family:revision")
    _failing[revision_key(task_definition)] = stopped_reason


def clear(task_definition: str | None = None) -> None:
    if task_definition is None:
        _failing.clear()
    else:
        _failing.pop(revision_key(task_definition), None)


def failing() -> dict[str, str]:
    return dict(_failing)


def stopped_reason(task_definition_arn: str) -> str | None:
    """Why a task of this revision fails to start, or None when its tasks start."""
    return _failing.get(revision_key(task_definition_arn))


def threshold(desired_count: int) -> int:
    return min(200, max(3, math.ceil(0.5 * desired_count)))


def check(service: Service, deployment: Deployment) -> None:
    """Fails the PRIMARY deployment (and rolls back) once enough of its tasks failed."""
    breaker = service.deployment_configuration.get("deploymentCircuitBreaker") or {}
    if not breaker.get("enable") or deployment.rollout_state != "IN_PROGRESS":
        return
    if deployment.failed_tasks < threshold(deployment.desired_count):
        return
    deployment.rollout_state = "FAILED"
    deployment.rollout_state_reason = "ECS deployment circuit breaker: tasks failed to start."
    add_event(service, f"(service {service.name}) deployment {deployment.id} deployment failed: tasks failed to start.")
    record = deployment.record
    record.circuit_breaker_status = "TRIGGERED"
    target = runtime(service).last_completed if breaker.get("rollback") else None
    reason = f"ECS deployment circuit breaker: rolling back to deploymentId {target.id}." if target else ""
    if record.rollback_deployment is deployment:
        record.set_status("ROLLBACK_FAILED", deployment.rollout_state_reason)
    elif target is None or not deployment_rollback.roll_back(service, record, reason, target):
        record.set_status("STOPPED", deployment.rollout_state_reason)
