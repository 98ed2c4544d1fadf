"""An empty capacity provider strategy moves a service back to its launch type (patches/launch_type_restore.py)."""

from __future__ import annotations

from support import Aws


def test_empty_strategy_moves_a_service_back_to_the_launch_type_it_was_created_with(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1)
    aws.ecs.update_service(cluster=cluster, service="web", capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}], forceNewDeployment=True)
    assert "launchType" not in aws.describe(cluster, "web")

    aws.ecs.update_service(cluster=cluster, service="web", capacityProviderStrategy=[], forceNewDeployment=True)
    service = aws.describe(cluster, "web")
    assert service["launchType"] == "FARGATE"
    assert service.get("capacityProviderStrategy", []) == []
    assert service["platformVersion"] == "LATEST"


def test_a_service_created_with_a_fargate_strategy_goes_back_to_fargate(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    subnet, _ = aws.subnet()
    aws.ecs.create_service(
        cluster=cluster,
        serviceName="web",
        taskDefinition="web",
        desiredCount=1,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
    )
    aws.ecs.update_service(cluster=cluster, service="web", capacityProviderStrategy=[])
    assert aws.describe(cluster, "web")["launchType"] == "FARGATE"
