"""Firing a schedule from the control endpoint (patches/schedule_firing.py, ecs_targets.py)."""

from __future__ import annotations

from support import Aws
from test_schedule_fields import ecs_target


def test_firing_runs_the_tasks_the_ecs_target_describes(aws: Aws) -> None:
    cluster_arn, task_definition, subnet = aws.fargate_job()
    target = ecs_target(cluster_arn, task_definition, subnet, TaskCount=2, Group="nightly", Tags=[{"team": "data"}])
    target["Input"] = '{"containerOverrides": [{"name": "app", "command": ["report"]}]}'
    arn = aws.scheduler.create_schedule(
        Name="a-rather-long-schedule-name", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target
    )["ScheduleArn"]
    fired = aws.server.ok("/schedules/fire", {"scheduleArn": arn})
    assert fired["fired"] is True and len(fired["taskArns"]) == 2
    tasks = aws.ecs.describe_tasks(cluster=cluster_arn, tasks=fired["taskArns"], include=["TAGS"])["tasks"]
    for task in tasks:
        assert task["startedBy"] == "chronos-schedule/a-rather-long-sched"  # 36 characters
        assert (task["group"], task["launchType"], task["taskDefinitionArn"]) == ("nightly", "FARGATE", task_definition)
        assert task["overrides"] == {"containerOverrides": [{"name": "app", "command": ["report"]}]}
        assert task["tags"] == [{"key": "team", "value": "data"}]
    assert aws.ecs.list_tasks(cluster=cluster_arn, startedBy="chronos-schedule/a-rather-long-sched")["taskArns"]


def test_a_disabled_schedule_starts_nothing_and_a_one_time_schedule_may_delete_itself(aws: Aws) -> None:
    cluster_arn, task_definition, subnet = aws.fargate_job()
    target = ecs_target(cluster_arn, task_definition, subnet)
    aws.scheduler.create_schedule(Name="off", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target, State="DISABLED")
    assert aws.server.ok("/schedules/fire", {"name": "off"})["fired"] is False
    aws.scheduler.create_schedule(
        Name="once", ScheduleExpression="at(2030-01-01T00:00:00)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target, ActionAfterCompletion="DELETE"
    )
    assert len(aws.server.ok("/schedules/fire", {"name": "once"})["taskArns"]) == 1
    assert [s["Name"] for s in aws.scheduler.list_schedules()["Schedules"]] == ["off"]
    assert len(aws.ecs.list_tasks(cluster=cluster_arn)["taskArns"]) == 1


def test_a_run_task_that_fails_is_reported_and_starts_nothing(aws: Aws) -> None:
    cluster_arn, task_definition, subnet = aws.fargate_job()
    target = ecs_target(cluster_arn, task_definition.rsplit(":", 1)[0] + ":9", subnet)
    aws.scheduler.create_schedule(Name="bad", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
    fired = aws.server.ok("/schedules/fire", {"name": "bad"})
    assert fired["error"].startswith("ClientException") and "taskArns" not in fired
    status, payload = aws.server.control("/schedules/fire", {"name": "missing"})
    assert status == 400 and "ResourceNotFoundException" in payload["error"]
