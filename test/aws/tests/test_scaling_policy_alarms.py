"""Step scaling policies list their alarms and keep their ARN (patches/scaling_policy_alarms.py)."""

from __future__ import annotations

from typing import Any

from support import Aws


def scalable_service(aws: Aws) -> str:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1)
    resource = f"service/{cluster}/web"
    scaling = aws.server.client("application-autoscaling")
    scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=4,
    )
    return resource


def step_policy(aws: Aws, resource: str, cooldown: int = 60) -> str:
    scaling = aws.server.client("application-autoscaling")
    response = scaling.put_scaling_policy(
        PolicyName="scale-out",
        ServiceNamespace="ecs",
        ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount",
        PolicyType="StepScaling",
        StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity",
            "Cooldown": cooldown,
            "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
        },
    )
    return str(response["PolicyARN"])


def policy_alarms(aws: Aws, resource: str) -> list[dict[str, Any]]:
    scaling = aws.server.client("application-autoscaling")
    [policy] = scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)["ScalingPolicies"]
    return list(policy.get("Alarms", []))


def put_alarm(aws: Aws, name: str, actions: list[str]) -> str:
    cloudwatch = aws.server.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        MetricName="CPUUtilization",
        Namespace="AWS/ECS",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=70,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=actions,
    )
    return str(cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmArn"])


def test_describe_scaling_policies_lists_alarms_whose_actions_name_the_policy(aws: Aws) -> None:
    resource = scalable_service(aws)
    policy = step_policy(aws, resource)
    arn = put_alarm(aws, "cpu-high", [policy])
    put_alarm(aws, "unrelated", ["arn:aws:sns:us-east-1:123456789012:topic"])
    assert policy_alarms(aws, resource) == [{"AlarmName": "cpu-high", "AlarmARN": arn}]

    aws.server.client("cloudwatch").delete_alarms(AlarmNames=["cpu-high"])
    assert policy_alarms(aws, resource) == []


def test_updating_a_scaling_policy_keeps_its_arn_and_alarms(aws: Aws) -> None:
    resource = scalable_service(aws)
    policy = step_policy(aws, resource, cooldown=60)
    put_alarm(aws, "cpu-high", [policy])
    assert step_policy(aws, resource, cooldown=120) == policy
    assert [a["AlarmName"] for a in policy_alarms(aws, resource)] == ["cpu-high"]
