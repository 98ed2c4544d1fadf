"""A load balancer names a container and a port of the task definition
(patches/load_balancer_containers.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws

GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"


def register(aws: Aws, port: int) -> str:
    response = aws.ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128, "portMappings": [{"containerPort": port}]}],
    )
    return str(response["taskDefinition"]["taskDefinitionArn"])


def error_of(call: object) -> str:
    with pytest.raises(ClientError) as error:
        call()  # type: ignore[operator]
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    return str(error.value.response["Error"]["Message"])


def test_a_container_or_port_missing_from_the_task_definition_is_refused_on_create_and_update(aws: Aws) -> None:
    cluster = aws.cluster()
    port_80 = register(aws, 80)
    create = dict(cluster=cluster, serviceName="web", taskDefinition=port_80, desiredCount=1)
    assert error_of(
        lambda: aws.ecs.create_service(**create, loadBalancers=[{"targetGroupArn": GROUP, "containerName": "app", "containerPort": 8080}])
    ) == "The container app did not have a container port 8080 defined."
    assert error_of(
        lambda: aws.ecs.create_service(**create, loadBalancers=[{"targetGroupArn": GROUP, "containerName": "web", "containerPort": 80}])
    ) == "The container web does not exist in the task definition."
    aws.ecs.create_service(**create, loadBalancers=[{"targetGroupArn": GROUP, "containerName": "app", "containerPort": 80}])

    port_8080 = register(aws, 8080)
    # The current load balancer (port 80) against the new task definition (port 8080 only).
    assert error_of(
        lambda: aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=port_8080)
    ) == "The container app did not have a container port 80 defined."
    aws.ecs.update_service(
        cluster=cluster,
        service="web",
        taskDefinition=port_8080,
        loadBalancers=[{"targetGroupArn": GROUP, "containerName": "app", "containerPort": 8080}],
    )
    assert aws.describe(cluster, "web")["taskDefinition"] == port_8080
