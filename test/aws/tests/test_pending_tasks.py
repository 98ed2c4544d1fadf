"""Tasks held PENDING: a rollout that never completes and never fails (patches/pending_tasks.py)."""

from __future__ import annotations

from support import Aws, completed


def test_tasks_of_a_held_revision_stay_pending_and_the_rollout_stays_in_progress_without_failing(aws: Aws) -> None:
    cluster = aws.cluster()
    good = aws.task_definition("web", "nginx:1")
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    aws.fargate_service(cluster, "web", good, desired=2, deploymentConfiguration=breaker)
    aws.advance_until(cluster, "web", completed)
    stuck = aws.task_definition("web", "nginx:2")
    state = aws.server.ok("/pending-tasks", {"taskDefinition": stuck})
    assert state["pendingTasks"] == ["web:2"]
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=stuck)

    aws.server.advance(20)
    service = aws.describe(cluster, "web")
    new, old = service["deployments"]
    assert (new["taskDefinition"], new["rolloutState"]) == (stuck, "IN_PROGRESS")
    assert (new["runningCount"], new["pendingCount"], new["failedTasks"]) == (0, 2, 0)
    # The old deployment keeps serving: minimumHealthyPercent 100 lets none of its tasks stop.
    assert (old["taskDefinition"], old["runningCount"]) == (good, 2)
    assert (service["runningCount"], service["pendingCount"]) == (2, 2)


def test_clearing_the_hold_lets_the_tasks_start_and_the_rollout_complete(aws: Aws) -> None:
    cluster = aws.cluster()
    stuck = aws.task_definition("web", "nginx:1")
    aws.server.ok("/pending-tasks", {"taskDefinition": stuck.rsplit("/", 1)[-1]})
    aws.fargate_service(cluster, "web", stuck, desired=1)
    aws.server.advance(5)
    assert aws.describe(cluster, "web")["deployments"][0]["rolloutState"] == "IN_PROGRESS"

    state = aws.server.ok("/pending-tasks/clear", {"taskDefinition": stuck})
    assert state["pendingTasks"] == []
    done = aws.advance_until(cluster, "web", completed)
    assert (done["runningCount"], done["pendingCount"]) == (1, 0)


def test_a_hold_needs_a_revision_and_reset_lifts_it(aws: Aws) -> None:
    status, payload = aws.server.control("/pending-tasks", {"taskDefinition": "web"})
    assert status == 400 and "family:revision" in payload["error"]
    aws.server.ok("/pending-tasks", {"taskDefinition": "web:3"})
    assert aws.server.ok("/reset")["pendingTasks"] == []
