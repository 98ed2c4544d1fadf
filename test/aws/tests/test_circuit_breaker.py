"""The deployment circuit breaker and failing tasks (patches/circuit_breaker.py)."""

from __future__ import annotations

from support import Aws, completed, messages

from patches.circuit_breaker import threshold


def test_circuit_breaker_threshold_is_half_the_desired_count_between_3_and_200() -> None:
    assert [threshold(n) for n in (1, 2, 6, 7, 10, 400, 1000)] == [3, 3, 3, 4, 5, 200, 200]


def failing_update(aws: Aws, rollback: bool) -> tuple[str, dict, str]:
    cluster = aws.cluster()
    aws.task_definition("web", "nginx:1")
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": rollback}}
    aws.fargate_service(cluster, "web", "web", desired=2, deploymentConfiguration=breaker)
    good = aws.advance_until(cluster, "web", completed)
    bad = aws.task_definition("web", "nginx:broken")
    aws.server.ok(
        "/task-failures",
        {
            "taskDefinition": bad,
            "stoppedReason": "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
        },
    )
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=bad)
    return cluster, good, bad


def test_deployment_whose_tasks_keep_failing_goes_failed_and_rolls_back(aws: Aws) -> None:
    cluster, good, bad = failing_update(aws, rollback=True)
    failed = aws.advance_until(cluster, "web", lambda s: any(d["rolloutState"] == "FAILED" for d in s["deployments"]))
    primary, failed_deployment = (
        failed["deployments"][0],
        next(d for d in failed["deployments"] if d["rolloutState"] == "FAILED"),
    )
    good_id = good["deployments"][0]["id"]
    assert failed_deployment["taskDefinition"] == bad and failed_deployment["status"] == "ACTIVE"
    assert failed_deployment["failedTasks"] >= 3
    assert failed_deployment["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert primary["taskDefinition"] == good["taskDefinition"] and primary["rolloutState"] == "IN_PROGRESS"
    assert primary["rolloutStateReason"] == f"ECS deployment circuit breaker: rolling back to deploymentId {good_id}."
    assert failed["taskDefinition"] == good["taskDefinition"]
    assert f"(service web) deployment {failed_deployment['id']} deployment failed: tasks failed to start." in messages(
        failed
    )
    assert f"(service web) rolling back to deployment {good_id}." in messages(failed)

    rolled_back = aws.advance_until(cluster, "web", completed)
    assert rolled_back["deployments"][0]["id"] == primary["id"]
    assert rolled_back["runningCount"] == 2
    stopped = aws.ecs.list_tasks(cluster=cluster, serviceName="web", desiredStatus="STOPPED")["taskArns"]
    reasons = {
        t["stoppedReason"]
        for t in aws.ecs.describe_tasks(cluster=cluster, tasks=stopped)["tasks"]
        if t["taskDefinitionArn"] == bad
    }
    assert reasons == {"CannotPullContainerError: pull image manifest has been retried 5 time(s)"}


def test_without_rollback_the_failed_deployment_stays_primary_and_old_tasks_keep_running(aws: Aws) -> None:
    cluster, good, bad = failing_update(aws, rollback=False)
    service = aws.advance_until(cluster, "web", lambda s: s["deployments"][0]["rolloutState"] == "FAILED")
    aws.server.advance(3)
    service = aws.describe(cluster, "web")
    primary, old = service["deployments"]
    assert (primary["taskDefinition"], primary["status"], primary["rolloutState"]) == (bad, "PRIMARY", "FAILED")
    assert old["taskDefinition"] == good["taskDefinition"] and old["runningCount"] == 2
    assert primary["pendingCount"] == 0  # a failed deployment launches no new tasks


def test_without_circuit_breaker_failing_tasks_are_retried_forever(aws: Aws) -> None:
    cluster = aws.cluster()
    bad = aws.task_definition("web", "nginx:broken")
    aws.server.ok("/task-failures", {"taskDefinition": bad})
    aws.fargate_service(cluster, "web", "web", desired=2)
    aws.server.advance(10)
    deployment = aws.describe(cluster, "web")["deployments"][0]
    assert deployment["rolloutState"] == "IN_PROGRESS"
    assert deployment["failedTasks"] >= 8
