"""Firing a schedule now (control endpoint): the target is invoked as EventBridge Scheduler would.

EventBridge Scheduler User Guide ("Using templated targets", Amazon ECS RunTask) and API reference
(Target, EcsParameters, ActionAfterCompletion): when a schedule's time comes, an ENABLED schedule
invokes its target with the target's role; an ECS target calls RunTask with EcsParameters and the
target's Input as the task overrides (ecs_targets); a DISABLED schedule invokes nothing; a one-time
(at) schedule with ActionAfterCompletion DELETE is deleted once it has invoked its target. The
emulator has no timer for schedules: a test says when a schedule's time has come.
"""

from __future__ import annotations

from typing import Any

from moto.scheduler.models import scheduler_backends

from . import ecs_targets


def fire(body: dict[str, Any]) -> dict[str, Any]:
    """Fires the schedule the control endpoint's body names by `scheduleArn`, or by `name` (and
    `groupName`, `region`, `accountId`)."""
    arn = body.get("scheduleArn")
    if arn is not None:
        _, _, _, region, account, resource = str(arn).split(":", 5)
        _, group, name = resource.split("/", 2)
    else:
        name = str(body["name"])
        group = str(body.get("groupName") or "default")
        region = str(body.get("region") or "us-east-1")
        account = str(body.get("accountId") or "123456789012")
    backend = scheduler_backends[account][region]
    schedule = backend.get_schedule(group, name)
    if schedule.state != "ENABLED":
        return {"scheduleArn": schedule.arn, "fired": False, "reason": "the schedule is DISABLED"}
    target = schedule.target
    if not ecs_targets.is_cluster(target["Arn"]) or "EcsParameters" not in target:
        raise ValueError(f"only ECS targets are emulated, not {target['Arn']}")
    request = ecs_targets.run_task_request(
        target["Arn"], target["EcsParameters"], f"chronos-schedule/{schedule.name}", target.get("Input")
    )
    result = ecs_targets.run(request)
    if schedule.schedule_expression.startswith("at(") and schedule.action_after_completion == "DELETE":
        backend.delete_schedule(group, name)
    return {"scheduleArn": schedule.arn, "fired": True, **result}
