"""DeleteService drains the service (patches/delete_service.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws, completed


def test_service_scaled_above_zero_cannot_be_deleted_without_force(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1)
    with pytest.raises(ClientError) as error:
        aws.ecs.delete_service(cluster=cluster, service="web")
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert aws.describe(cluster, "web")["status"] == "ACTIVE"


def test_deleted_service_is_draining_until_its_tasks_stop_then_inactive(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=2)
    aws.advance_until(cluster, "web", completed)
    deleted = aws.ecs.delete_service(cluster=cluster, service="web", force=True)["service"]
    assert (deleted["status"], deleted["desiredCount"], deleted["runningCount"]) == ("DRAINING", 0, 2)

    service = aws.advance_until(cluster, "web", lambda s: s["status"] == "INACTIVE")
    assert service["runningCount"] == 0
    assert aws.ecs.list_services(cluster=cluster)["serviceArns"] == []
    assert aws.ecs.list_tasks(cluster=cluster, serviceName="web")["taskArns"] == []


def test_service_at_zero_can_be_deleted_without_force(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=0)
    assert aws.ecs.delete_service(cluster=cluster, service="web")["service"]["status"] == "DRAINING"


def test_update_or_delete_of_a_service_that_is_not_active_fails(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=0)
    aws.ecs.delete_service(cluster=cluster, service="web")
    for call in (
        lambda: aws.ecs.update_service(cluster=cluster, service="web", desiredCount=1),
        lambda: aws.ecs.delete_service(cluster=cluster, service="web"),
    ):
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "ServiceNotActiveException"
