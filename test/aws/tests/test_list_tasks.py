"""ListTasks filters (patches/list_tasks.py)."""

from __future__ import annotations

from support import Aws, completed


def test_list_tasks_filters_by_service_name_and_defaults_to_running_tasks(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=2)
    aws.fargate_service(cluster, "api", "web", desired=1)
    aws.advance_until(cluster, "web", completed)
    assert len(aws.ecs.list_tasks(cluster=cluster, serviceName="web")["taskArns"]) == 2
    assert len(aws.ecs.list_tasks(cluster=cluster, serviceName="api")["taskArns"]) == 1

    [api_task] = aws.ecs.list_tasks(cluster=cluster, serviceName="api")["taskArns"]
    aws.ecs.stop_task(cluster=cluster, task=api_task)
    assert api_task not in aws.ecs.list_tasks(cluster=cluster)["taskArns"]
    assert api_task in aws.ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"]
