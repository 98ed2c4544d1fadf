"""How standalone tasks end, set on the control endpoint (patches/task_outcomes.py)."""

from __future__ import annotations

from typing import Any

from support import Aws
from test_task_lifecycle import fargate_task


def two_containers(aws: Aws, family: str = "job") -> None:
    aws.ecs.register_task_definition(
        family=family,
        containerDefinitions=[
            {"name": "app", "image": "registry.example/app:1", "memory": 128},
            {"name": "log", "image": "fluent-bit", "memory": 64, "essential": False},
        ],
        networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
    )


def stopped(aws: Aws, cluster: str, arn: str, max_ticks: int = 30) -> dict[str, Any]:
    for _ in range(max_ticks):
        [task] = aws.ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"]
        if task["lastStatus"] == "STOPPED":
            return dict(task)
        aws.server.advance()
    raise AssertionError(f"task not stopped in {max_ticks} ticks")


def test_a_non_zero_exit_code_per_container(aws: Aws) -> None:
    cluster = aws.cluster()
    two_containers(aws)
    state = aws.server.ok("/task-outcomes", {"taskDefinition": "job", "exitCodes": {"app": 3}, "runTicks": 1})
    assert state["added"]["exitCodes"] == {"app": 3}
    task = stopped(aws, cluster, fargate_task(aws, cluster))
    assert task["stopCode"] == "EssentialContainerExited"
    assert {c["name"]: c["exitCode"] for c in task["containers"]} == {"app": 3, "log": 0}


def test_cannot_pull_container_stops_the_task_before_it_runs(aws: Aws) -> None:
    cluster = aws.cluster()
    two_containers(aws)
    aws.server.ok("/task-outcomes", {"taskDefinition": "job:1", "outcome": "CannotPullContainerError"})
    task = stopped(aws, cluster, fargate_task(aws, cluster))
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith("CannotPullContainerError: pull image manifest has been retried")
    assert "registry.example/app:1" in task["stoppedReason"]
    app, log = task["containers"]
    assert app["reason"] == task["stoppedReason"] and "exitCode" not in app and "exitCode" not in log
    assert "startedAt" not in task


def test_a_rule_picks_tasks_by_started_by_for_its_count_and_the_newest_rule_wins(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("job")
    aws.server.ok("/task-outcomes", {"taskDefinition": "job", "exitCode": 1, "runTicks": 0})
    aws.server.ok("/task-outcomes", {"taskDefinition": "job", "startedBy": "nightly", "exitCode": 2, "runTicks": 0, "count": 1})
    nightly = fargate_task(aws, cluster, startedBy="nightly")
    again = fargate_task(aws, cluster, startedBy="nightly")
    other = fargate_task(aws, cluster)
    codes = {arn: stopped(aws, cluster, arn)["containers"][0]["exitCode"] for arn in (nightly, again, other)}
    assert codes == {nightly: 2, again: 1, other: 1}
    [left] = aws.server.control("/state", method="GET")[1]["taskOutcomes"]
    assert (left["startedBy"], left["applied"]) == (None, 2)
    assert aws.server.ok("/task-outcomes/clear", {"id": left["id"]})["taskOutcomes"] == []


def test_a_task_that_runs_until_stopped_keeps_running(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("job")
    aws.server.ok("/task-outcomes", {"taskDefinition": "job", "runsUntilStopped": True})
    arn = fargate_task(aws, cluster)
    aws.server.advance(50)
    assert aws.ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]["lastStatus"] == "RUNNING"


def test_bad_rules_are_refused_and_reset_clears_them(aws: Aws) -> None:
    for body in ({}, {"taskDefinition": "job", "outcome": "OOM"}, {"taskDefinition": "job", "exitCodes": {"app": 300}}):
        status, _ = aws.server.control("/task-outcomes", body)
        assert status == 400
    aws.server.ok("/task-outcomes", {"taskDefinition": "job"})
    assert aws.server.ok("/reset")["taskOutcomes"] == []
