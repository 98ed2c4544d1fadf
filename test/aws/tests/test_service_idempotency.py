"""CreateService on an existing name (patches/service_idempotency.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def test_create_service_on_an_active_name_is_not_idempotent(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1)
    with pytest.raises(ClientError) as error:
        aws.fargate_service(cluster, "web", "web", desired=3)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert error.value.response["Error"]["Message"] == "Creation of service was not idempotent."
    assert aws.describe(cluster, "web")["desiredCount"] == 1


def test_same_client_token_and_parameters_return_the_existing_service(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    subnet, _ = aws.subnet()
    params = {
        "cluster": cluster,
        "serviceName": "web",
        "taskDefinition": "web",
        "desiredCount": 1,
        "launchType": "FARGATE",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": [subnet]}},
        "clientToken": "token-1",
    }
    first = aws.ecs.create_service(**params)["service"]
    again = aws.ecs.create_service(**params)["service"]
    assert again["serviceArn"] == first["serviceArn"]
    assert again["deployments"][0]["id"] == first["deployments"][0]["id"]

    with pytest.raises(ClientError) as error:
        aws.ecs.create_service(**{**params, "desiredCount": 2})
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_draining_or_inactive_service_name_can_be_used_again(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    old = aws.fargate_service(cluster, "web", "web", desired=1)
    aws.ecs.delete_service(cluster=cluster, service="web", force=True)
    assert aws.describe(cluster, "web")["status"] == "DRAINING"

    new = aws.fargate_service(cluster, "web", "web", desired=2)
    assert new["status"] == "ACTIVE"
    assert new["deployments"][0]["id"] != old["deployments"][0]["id"]
    assert aws.describe(cluster, "web")["desiredCount"] == 2
