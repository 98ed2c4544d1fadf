"""A cluster's counts follow its services and tasks (patches/cluster_counts.py)."""

from __future__ import annotations

from support import Aws, completed


def test_counts_follow_services_and_tasks(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=2)
    aws.server.advance(1)
    counts = aws.ecs.describe_clusters(clusters=[cluster])["clusters"][0]
    assert (counts["activeServicesCount"], counts["pendingTasksCount"]) == (1, 2)

    aws.advance_until(cluster, "web", completed)
    counts = aws.ecs.describe_clusters(clusters=[cluster])["clusters"][0]
    assert (counts["activeServicesCount"], counts["runningTasksCount"], counts["pendingTasksCount"]) == (1, 2, 0)

    aws.ecs.delete_service(cluster=cluster, service="web", force=True)
    aws.advance_until(cluster, "web", lambda s: s["status"] == "INACTIVE")
    counts = aws.ecs.describe_clusters(clusters=[cluster])["clusters"][0]
    assert (counts["activeServicesCount"], counts["runningTasksCount"]) == (0, 0)
