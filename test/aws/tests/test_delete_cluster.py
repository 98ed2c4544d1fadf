"""DeleteCluster refuses a cluster with services, tasks or instances (patches/delete_cluster.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def test_cluster_with_a_service_cannot_be_deleted_until_the_service_is_gone(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1)
    aws.server.advance(2)
    with pytest.raises(ClientError) as error:
        aws.ecs.delete_cluster(cluster=cluster)
    assert error.value.response["Error"]["Code"] == "ClusterContainsServicesException"

    aws.ecs.delete_service(cluster=cluster, service="web", force=True)
    with pytest.raises(ClientError) as error:
        aws.ecs.delete_cluster(cluster=cluster)  # still draining
    assert error.value.response["Error"]["Code"] == "ClusterContainsServicesException"

    aws.advance_until(cluster, "web", lambda s: s["status"] == "INACTIVE")
    assert aws.ecs.delete_cluster(cluster=cluster)["cluster"]["status"] == "INACTIVE"


def test_cluster_with_a_running_task_cannot_be_deleted(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("job", fargate=False)
    aws.container_instances(cluster, 1)
    aws.ecs.run_task(cluster=cluster, taskDefinition="job", launchType="EC2")
    with pytest.raises(ClientError) as error:
        aws.ecs.delete_cluster(cluster=cluster)
    assert error.value.response["Error"]["Code"] in ("ClusterContainsTasksException",)


def test_cluster_with_container_instances_cannot_be_deleted(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.container_instances(cluster, 1)
    with pytest.raises(ClientError) as error:
        aws.ecs.delete_cluster(cluster=cluster)
    assert error.value.response["Error"]["Code"] == "ClusterContainsContainerInstancesException"
