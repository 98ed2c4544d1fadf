"""StopTask (patches/stop_task.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def test_stop_task_records_the_user_and_reason_and_the_task_stops_on_the_clock(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("job", fargate=False)
    aws.container_instances(cluster, 1)
    aws.server.ok("/task-outcomes", {"taskDefinition": "job", "runsUntilStopped": True})
    [task] = aws.ecs.run_task(cluster=cluster, taskDefinition="job")["tasks"]
    aws.server.advance(2)
    stopping = aws.ecs.stop_task(cluster=cluster, task=task["taskArn"], reason="deadline exceeded")["task"]
    assert (stopping["desiredStatus"], stopping["lastStatus"]) == ("STOPPED", "RUNNING")
    assert (stopping["stopCode"], stopping["stoppedReason"]) == ("UserInitiated", "deadline exceeded")
    aws.server.advance()
    [described] = aws.ecs.describe_tasks(cluster=cluster, tasks=[task["taskArn"]])["tasks"]
    assert described["lastStatus"] == "STOPPING" and described["containers"][0]["exitCode"] == 143
    aws.server.advance()
    [described] = aws.ecs.describe_tasks(cluster=cluster, tasks=[task["taskArn"]])["tasks"]
    assert described["lastStatus"] == "STOPPED" and "stoppedAt" in described
    assert (described["stopCode"], described["stoppedReason"]) == ("UserInitiated", "deadline exceeded")


def test_stopping_an_unknown_task_is_invalid(aws: Aws) -> None:
    cluster = aws.cluster()
    with pytest.raises(ClientError, match="The referenced task was not found"):
        aws.ecs.stop_task(cluster=cluster, task="0123456789abcdef")
