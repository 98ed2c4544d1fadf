"""Deregistering a scalable target deletes its policies and scheduled actions
(patches/scalable_target_deregistration.py)."""

from __future__ import annotations

from support import ECS_DESIRED_COUNT, Aws


def names(aws: Aws, resource: str) -> tuple[list[str], list[str]]:
    """The target's scaling policy names and scheduled action names."""
    policies = aws.scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)["ScalingPolicies"]
    actions = aws.scaling.describe_scheduled_actions(ServiceNamespace="ecs", ResourceId=resource)["ScheduledActions"]
    return sorted(p["PolicyName"] for p in policies), sorted(a["ScheduledActionName"] for a in actions)


def test_deregistering_a_scalable_target_deletes_its_policies_their_alarms_and_its_scheduled_actions(
    aws: Aws,
) -> None:
    _, resource = aws.scalable_service()
    _, other = aws.scalable_service(name="api")
    tracking = aws.target_tracking_policy(resource)
    step = aws.step_policy(resource)
    aws.metric_alarm("cpu-high", [step])
    aws.scheduled_action(resource, "morning")
    kept = aws.target_tracking_policy(other)
    aws.scheduled_action(other, "morning")

    aws.scaling.deregister_scalable_target(
        ServiceNamespace="ecs", ResourceId=resource, ScalableDimension=ECS_DESIRED_COUNT
    )

    assert names(aws, resource) == ([], [])
    assert names(aws, other) == (["cpu"], ["morning"])
    alarms = aws.alarms()
    assert not {a["AlarmName"] for a in tracking["Alarms"]} & set(alarms)  # target tracking alarms deleted
    assert {a["AlarmName"] for a in kept["Alarms"]} <= set(alarms)
    assert alarms["cpu-high"]["AlarmActions"] == []  # a step policy's alarm stays, without the action
