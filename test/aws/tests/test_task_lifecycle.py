"""Standalone tasks on the emulator's clock (patches/task_lifecycle.py)."""

from __future__ import annotations

from typing import Any

from support import Aws


def fargate_task(aws: Aws, cluster: str, family: str = "job", **extra: Any) -> str:
    subnet, _ = aws.subnet()
    return str(
        aws.ecs.run_task(
            cluster=cluster,
            taskDefinition=family,
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
            **extra,
        )["tasks"][0]["taskArn"]
    )


def history(aws: Aws, cluster: str, arn: str, ticks: int) -> list[tuple[str, str]]:
    seen = []
    for _ in range(ticks):
        task = aws.ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]
        seen.append((task["lastStatus"], task["desiredStatus"]))
        aws.server.advance()
    return seen


def test_a_task_is_provisioned_pending_running_and_by_default_exits_0_after_a_few_ticks(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("job")
    arn = fargate_task(aws, cluster)
    assert history(aws, cluster, arn, 7) == [
        ("PROVISIONING", "RUNNING"),
        ("PENDING", "RUNNING"),
        ("RUNNING", "RUNNING"),
        ("RUNNING", "RUNNING"),
        ("RUNNING", "RUNNING"),
        ("RUNNING", "RUNNING"),
        ("STOPPING", "STOPPED"),
    ]
    [task] = aws.ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"]
    assert task["lastStatus"] == "STOPPED"
    assert (task["stopCode"], task["stoppedReason"]) == ("EssentialContainerExited", "Essential container in task exited")
    assert [(c["lastStatus"], c["exitCode"]) for c in task["containers"]] == [("STOPPED", 0)]
    for stamp in ("createdAt", "pullStartedAt", "pullStoppedAt", "startedAt", "stoppingAt", "executionStoppedAt", "stoppedAt"):
        assert stamp in task
    assert arn in aws.ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"]


def test_held_and_failing_task_definitions_apply_to_standalone_tasks(aws: Aws) -> None:
    cluster = aws.cluster()
    held = aws.task_definition("held")
    failing = aws.task_definition("failing")
    aws.server.ok("/pending-tasks", {"taskDefinition": held})
    aws.server.ok("/task-failures", {"taskDefinition": failing, "stoppedReason": "OutOfMemoryError: Container killed"})
    held_arn, failing_arn = fargate_task(aws, cluster, "held"), fargate_task(aws, cluster, "failing")
    aws.server.advance(10)
    tasks = {t["taskArn"]: t for t in aws.ecs.describe_tasks(cluster=cluster, tasks=[held_arn, failing_arn])["tasks"]}
    assert tasks[held_arn]["lastStatus"] == "PENDING"
    assert (tasks[failing_arn]["lastStatus"], tasks[failing_arn]["stoppedReason"]) == (
        "STOPPED",
        "OutOfMemoryError: Container killed",
    )
    assert "startedAt" not in tasks[failing_arn]


def test_services_tasks_are_not_standalone_tasks(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1)
    aws.server.advance(20)
    [arn] = aws.ecs.list_tasks(cluster=cluster)["taskArns"]
    assert aws.ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]["lastStatus"] == "RUNNING"
