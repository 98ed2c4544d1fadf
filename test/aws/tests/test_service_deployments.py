"""Which UpdateService changes start a deployment (patches/service_deployments.py)."""

from __future__ import annotations

from support import Aws, completed


def settled_service(aws: Aws) -> tuple[str, dict]:
    cluster = aws.cluster()
    aws.task_definition("web", "nginx:1")
    aws.fargate_service(cluster, "web", "web", desired=2)
    return cluster, aws.advance_until(cluster, "web", completed)


def test_new_task_definition_starts_a_new_primary_deployment(aws: Aws) -> None:
    cluster, before = settled_service(aws)
    second = aws.task_definition("web", "nginx:2")
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition="web:2")

    deployments = aws.describe(cluster, "web")["deployments"]
    assert [(d["status"], d["taskDefinition"]) for d in deployments] == [
        ("PRIMARY", second),
        ("ACTIVE", before["taskDefinition"]),
    ]
    new, old = deployments
    assert new["id"].startswith("ecs-svc/") and new["id"][8:].isdigit()
    assert new["rolloutState"] == "IN_PROGRESS"
    assert new["rolloutStateReason"] == f"ECS deployment {new['id']} in progress."
    assert (new["desiredCount"], new["runningCount"], new["pendingCount"], new["failedTasks"]) == (2, 0, 0, 0)
    assert old["id"] == before["deployments"][0]["id"] and old["runningCount"] == 2
    for member in ("launchType", "platformVersion", "networkConfiguration", "createdAt", "updatedAt"):
        assert member in new, member


def test_force_new_deployment_starts_a_deployment_of_the_same_task_definition(aws: Aws) -> None:
    cluster, before = settled_service(aws)
    aws.ecs.update_service(cluster=cluster, service="web", forceNewDeployment=True)
    deployments = aws.describe(cluster, "web")["deployments"]
    assert [d["status"] for d in deployments] == ["PRIMARY", "ACTIVE"]
    assert deployments[0]["taskDefinition"] == before["taskDefinition"]


def test_network_configuration_change_starts_a_deployment(aws: Aws) -> None:
    cluster, _ = settled_service(aws)
    subnet, _ = aws.subnet()
    aws.ecs.update_service(
        cluster=cluster, service="web", networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}}
    )
    new = aws.describe(cluster, "web")["deployments"][0]
    assert new["status"] == "PRIMARY" and new["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == [subnet]


def test_desired_count_alone_changes_the_primary_deployment_and_starts_none(aws: Aws) -> None:
    cluster, before = settled_service(aws)
    aws.ecs.update_service(cluster=cluster, service="web", desiredCount=3)
    service = aws.describe(cluster, "web")
    assert len(service["deployments"]) == 1
    assert service["deployments"][0]["id"] == before["deployments"][0]["id"]
    assert service["deployments"][0]["desiredCount"] == 3
    service = aws.advance_until(cluster, "web", lambda s: s["runningCount"] == 3)
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"


def test_capacity_provider_strategy_alone_starts_no_deployment(aws: Aws) -> None:
    cluster, before = settled_service(aws)
    spot = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    aws.ecs.update_service(cluster=cluster, service="web", capacityProviderStrategy=spot)
    service = aws.describe(cluster, "web")
    assert service["capacityProviderStrategy"] == [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]
    assert [d["id"] for d in service["deployments"]] == [before["deployments"][0]["id"]]
    aws.ecs.update_service(cluster=cluster, service="web", capacityProviderStrategy=spot, forceNewDeployment=True)
    assert aws.describe(cluster, "web")["deployments"][0]["capacityProviderStrategy"][0]["capacityProvider"] == "FARGATE_SPOT"


def test_unchanged_settings_start_no_deployment(aws: Aws) -> None:
    cluster, before = settled_service(aws)
    aws.ecs.update_service(
        cluster=cluster,
        service="web",
        taskDefinition=before["taskDefinition"],
        networkConfiguration=before["networkConfiguration"],
    )
    assert [d["id"] for d in aws.describe(cluster, "web")["deployments"]] == [before["deployments"][0]["id"]]
