"""Deployments progress on the clock as ECS's rolling update does (patches/service_scheduler.py)."""

from __future__ import annotations

import re

from support import Aws, completed, messages

TASK = r"\(task [0-9a-f-]{36}\)"


def test_new_service_tasks_go_pending_then_running_and_the_rollout_completes(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    created = aws.fargate_service(cluster, "web", "web", desired=2)
    deployment = created["deployments"][0]
    assert (created["status"], deployment["status"], deployment["rolloutState"]) == ("ACTIVE", "PRIMARY", "IN_PROGRESS")
    assert (created["runningCount"], created["pendingCount"]) == (0, 0)

    aws.server.advance()
    service = aws.describe(cluster, "web")
    assert (service["pendingCount"], service["runningCount"]) == (2, 0)
    assert service["deployments"][0]["pendingCount"] == 2

    aws.server.advance()
    service = aws.describe(cluster, "web")
    assert (service["pendingCount"], service["runningCount"]) == (0, 2)
    deployment = service["deployments"][0]
    assert deployment["rolloutState"] == "COMPLETED"
    assert deployment["rolloutStateReason"] == f"ECS deployment {deployment['id']} completed."


def test_old_deployment_drains_within_the_percents_and_disappears(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web", "nginx:1")
    aws.fargate_service(
        cluster, "web", "web", desired=4, deploymentConfiguration={"maximumPercent": 150, "minimumHealthyPercent": 50}
    )
    aws.advance_until(cluster, "web", completed)
    aws.task_definition("web", "nginx:2")
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition="web:2")

    history = []
    service = aws.describe(cluster, "web")
    while not completed(service):
        aws.server.advance()
        service = aws.describe(cluster, "web")
        in_use = sum(d["runningCount"] + d["pendingCount"] for d in service["deployments"])
        history.append((in_use, service["runningCount"]))
        assert in_use <= 6  # maximumPercent 150 of 4
        assert len(history) < 20
    old_running = [r for _, r in history]
    assert min(old_running) >= 2  # minimumHealthyPercent 50 of 4
    assert service["deployments"][0]["taskDefinition"].endswith("web:2")
    assert service["runningCount"] == 4


def test_service_counts_are_sums_over_deployments(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web", "nginx:1")
    aws.fargate_service(cluster, "web", "web", desired=2)
    aws.advance_until(cluster, "web", completed)
    aws.task_definition("web", "nginx:2")
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition="web:2")
    aws.server.advance()
    service = aws.describe(cluster, "web")
    assert len(service["deployments"]) == 2
    assert service["runningCount"] == sum(d["runningCount"] for d in service["deployments"]) == 2
    assert service["pendingCount"] == sum(d["pendingCount"] for d in service["deployments"]) == 2


def test_service_events_carry_ecs_messages_newest_first(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web", "nginx:1")
    aws.fargate_service(cluster, "web", "web", desired=2)
    first = aws.advance_until(cluster, "web", completed)
    aws.task_definition("web", "nginx:2")
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition="web:2")
    aws.server.advance()
    second = aws.advance_until(cluster, "web", completed)

    name, first_id, second_id = "web", first["deployments"][0]["id"], second["deployments"][0]["id"]
    expected = [
        rf"\(service {name}\) has started 2 tasks: {TASK} {TASK}\.",
        rf"\(service {name}\) \(deployment {first_id}\) deployment completed\.",
        rf"\(service {name}\) has reached a steady state\.",
        rf"\(service {name}\) has started 2 tasks: {TASK} {TASK}\.",
        rf"\(service {name}\) has stopped 2 running tasks: {TASK} {TASK}\.",
        rf"\(service {name}\) \(deployment {second_id}\) deployment completed\.",
        rf"\(service {name}\) has reached a steady state\.",
    ]
    got = messages(second)
    assert len(got) == len(expected), got
    for pattern, message in zip(expected, got, strict=True):
        assert re.fullmatch(pattern, message), (pattern, message)
    assert second["events"][0]["createdAt"] >= second["events"][-1]["createdAt"]


def test_service_tasks_are_real_tasks_started_by_the_deployment(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    service = aws.fargate_service(cluster, "web", "web", desired=2)
    service = aws.advance_until(cluster, "web", completed)
    arns = aws.ecs.list_tasks(cluster=cluster, serviceName="web")["taskArns"]
    tasks = aws.ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]
    assert len(tasks) == 2
    for task in tasks:
        assert task["lastStatus"] == "RUNNING" and task["desiredStatus"] == "RUNNING"
        assert task["startedBy"] == service["deployments"][0]["id"]
        assert task["group"] == "service:web"
        assert task["taskDefinitionArn"] == service["taskDefinition"]
    started = re.findall(r"task ([0-9a-f-]{36})", messages(service)[0])
    assert sorted(started) == sorted(arn.rsplit("/", 1)[-1] for arn in arns)


def test_stopped_task_is_replaced_by_the_scheduler(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1)
    aws.advance_until(cluster, "web", completed)
    [arn] = aws.ecs.list_tasks(cluster=cluster, serviceName="web")["taskArns"]
    aws.ecs.stop_task(cluster=cluster, task=arn, reason="test")
    service = aws.advance_until(
        cluster,
        "web",
        lambda s: (
            s["runningCount"] == 1 and aws.ecs.list_tasks(cluster=cluster, serviceName="web")["taskArns"] != [arn]
        ),
    )
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"
