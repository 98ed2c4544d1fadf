"""Schedule expressions, time zones and windows (patches/schedule_expressions.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws
from test_schedule_fields import ecs_target


@pytest.mark.parametrize(
    "expression",
    ["rate(1 hour)", "rate(15 minutes)", "cron(0 8 1 * ? *)", "cron(0/5 8-17 ? * MON-FRI *)", "at(2030-06-01T12:00:00)"],
)
def test_valid_expressions_are_accepted(aws: Aws, expression: str) -> None:
    cluster_arn, task_definition, subnet = aws.fargate_job()
    aws.scheduler.create_schedule(
        Name="s", ScheduleExpression=expression, FlexibleTimeWindow={"Mode": "OFF"}, Target=ecs_target(cluster_arn, task_definition, subnet)
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"ScheduleExpression": "every hour"},
        {"ScheduleExpression": "rate(0 hours)"},
        {"ScheduleExpression": "rate(1 week)"},
        {"ScheduleExpression": "cron(0 8 * * *)"},
        {"ScheduleExpression": "cron(0 8 1 * MON *)"},
        {"ScheduleExpression": "at(2030-13-01T12:00:00)"},
        {"ScheduleExpressionTimezone": "Mars/Olympus"},
        {"FlexibleTimeWindow": {"Mode": "FLEXIBLE"}},
    ],
)
def test_invalid_expressions_time_zones_and_windows_are_refused(aws: Aws, changes: dict) -> None:
    cluster_arn, task_definition, subnet = aws.fargate_job()
    params = {
        "Name": "s", "ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": ecs_target(cluster_arn, task_definition, subnet), **changes,
    }
    with pytest.raises(ClientError) as error:
        aws.scheduler.create_schedule(**params)
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert aws.scheduler.list_schedules()["Schedules"] == []
