"""A scaling policy's alarms: listed, kept on update, and what deleting the policy does to them
(patches/scaling_policy_alarms.py)."""

from __future__ import annotations

from typing import Any

from support import ECS_DESIRED_COUNT, Aws


def policy_alarms(aws: Aws, resource: str, name: str = "scale-out") -> list[dict[str, Any]]:
    [policy] = aws.scaling.describe_scaling_policies(
        ServiceNamespace="ecs", ResourceId=resource, PolicyNames=[name]
    )["ScalingPolicies"]
    return list(policy.get("Alarms", []))


def delete_policy(aws: Aws, resource: str, name: str) -> None:
    aws.scaling.delete_scaling_policy(
        PolicyName=name, ServiceNamespace="ecs", ResourceId=resource, ScalableDimension=ECS_DESIRED_COUNT
    )


def test_describe_scaling_policies_lists_alarms_whose_actions_name_the_policy(aws: Aws) -> None:
    _, resource = aws.scalable_service()
    policy = aws.step_policy(resource)
    arn = aws.metric_alarm("cpu-high", [policy])
    aws.metric_alarm("unrelated", ["arn:aws:sns:us-east-1:123456789012:topic"])
    assert policy_alarms(aws, resource) == [{"AlarmName": "cpu-high", "AlarmARN": arn}]

    aws.cloudwatch.delete_alarms(AlarmNames=["cpu-high"])
    assert policy_alarms(aws, resource) == []


def test_updating_a_scaling_policy_keeps_its_arn_and_alarms(aws: Aws) -> None:
    _, resource = aws.scalable_service()
    policy = aws.step_policy(resource, cooldown=60)
    aws.metric_alarm("cpu-high", [policy])
    assert aws.step_policy(resource, cooldown=120) == policy
    assert [a["AlarmName"] for a in policy_alarms(aws, resource)] == ["cpu-high"]


def test_deleting_a_step_policy_keeps_its_alarm_without_the_policy_action(aws: Aws) -> None:
    _, resource = aws.scalable_service()
    policy = aws.step_policy(resource)
    topic = "arn:aws:sns:us-east-1:123456789012:topic"
    aws.metric_alarm("cpu-high", [policy, topic])
    delete_policy(aws, resource, "scale-out")
    assert aws.alarms()["cpu-high"]["AlarmActions"] == [topic]


def test_updating_a_target_tracking_policy_replaces_its_alarms(aws: Aws) -> None:
    _, resource = aws.scalable_service()
    first = aws.target_tracking_policy(resource, target=50)
    second = aws.target_tracking_policy(resource, target=60)
    assert second["PolicyARN"] == first["PolicyARN"]
    assert sorted(aws.alarms()) == sorted(a["AlarmName"] for a in second["Alarms"])
    assert len(second["Alarms"]) == 2
    for alarm in aws.alarms().values():
        assert all(action.startswith(first["PolicyARN"] + ":") for action in alarm["AlarmActions"])


def test_deleting_a_target_tracking_policy_deletes_the_alarms_it_created(aws: Aws) -> None:
    _, resource = aws.scalable_service()
    aws.target_tracking_policy(resource)
    aws.metric_alarm("mine", ["arn:aws:sns:us-east-1:123456789012:topic"])
    delete_policy(aws, resource, "cpu")
    assert list(aws.alarms()) == ["mine"]
