"""EventBridge Scheduler schedules as the API reference holds them (patches/schedule_fields.py)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import Aws

ROLE = "arn:aws:iam::123456789012:role/scheduler"


def ecs_target(cluster_arn: str, task_definition: str, subnet: str, **extra: Any) -> dict[str, Any]:
    return {
        "Arn": cluster_arn,
        "RoleArn": ROLE,
        "EcsParameters": {
            "TaskDefinitionArn": task_definition,
            "LaunchType": "FARGATE",
            "NetworkConfiguration": {"awsvpcConfiguration": {"Subnets": [subnet], "AssignPublicIp": "DISABLED"}},
            **extra,
        },
    }


def test_a_schedule_keeps_every_ecs_parameter_and_its_defaults(aws: Aws) -> None:
    cluster_arn, task_definition, subnet = aws.fargate_job()
    target = ecs_target(
        cluster_arn, task_definition, subnet,
        TaskCount=2, PlatformVersion="1.4.0", Group="nightly", EnableECSManagedTags=True, EnableExecuteCommand=False,
        PropagateTags="TASK_DEFINITION", ReferenceId="ref", Tags=[{"team": "data"}],
        PlacementConstraints=[{"type": "distinctInstance"}], PlacementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}],
    )
    target.update(
        Input='{"containerOverrides": [{"name": "app", "command": ["report"]}]}',
        DeadLetterConfig={"Arn": "arn:aws:sqs:us-east-1:123456789012:dlq"},
        RetryPolicy={"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3},
    )
    aws.scheduler.create_schedule(
        Name="hourly", ScheduleExpression="cron(0 * * * ? *)", ScheduleExpressionTimezone="Europe/Paris",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5}, Target=target,
    )
    schedule = aws.scheduler.get_schedule(Name="hourly")
    assert schedule["Target"] == target
    assert (schedule["State"], schedule["ActionAfterCompletion"], schedule["GroupName"]) == ("ENABLED", "NONE", "default")
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert "Description" not in schedule and "KmsKeyArn" not in schedule


def test_update_schedule_replaces_the_whole_schedule_with_defaults_for_what_it_leaves_out(aws: Aws) -> None:
    cluster_arn, task_definition, subnet = aws.fargate_job()
    target = ecs_target(cluster_arn, task_definition, subnet)
    aws.scheduler.create_schedule(
        Name="once", ScheduleExpression="at(2030-01-01T00:00:00)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target,
        State="DISABLED", ActionAfterCompletion="DELETE", Description="first",
    )
    aws.scheduler.update_schedule(
        Name="once", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target
    )
    schedule = aws.scheduler.get_schedule(Name="once")
    assert (schedule["State"], schedule["ActionAfterCompletion"]) == ("ENABLED", "NONE")
    assert "Description" not in schedule
    assert schedule["Target"]["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}


def test_list_schedules_returns_summaries_and_duplicates_and_missing_groups_are_refused(aws: Aws) -> None:
    cluster_arn, task_definition, subnet = aws.fargate_job()
    target = ecs_target(cluster_arn, task_definition, subnet)
    aws.scheduler.create_schedule_group(Name="jobs")
    aws.scheduler.create_schedule(Name="a", GroupName="jobs", ScheduleExpression="rate(5 minutes)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
    [summary] = aws.scheduler.list_schedules(GroupName="jobs")["Schedules"]
    assert set(summary) == {"Arn", "Name", "GroupName", "State", "CreationDate", "LastModificationDate", "Target"}
    assert summary["Target"] == {"Arn": cluster_arn}
    with pytest.raises(ClientError) as duplicate:
        aws.scheduler.create_schedule(Name="a", GroupName="jobs", ScheduleExpression="rate(5 minutes)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
    assert duplicate.value.response["Error"]["Code"] == "ConflictException"
    with pytest.raises(ClientError) as missing:
        aws.scheduler.create_schedule(Name="b", GroupName="nope", ScheduleExpression="rate(5 minutes)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
