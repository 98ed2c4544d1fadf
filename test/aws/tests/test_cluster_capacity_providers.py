"""A cluster's capacity providers and default strategy (patches/cluster_capacity_providers.py)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import Aws, unique

STRATEGY = [
    {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
    {"capacityProvider": "FARGATE_SPOT", "weight": 4},
]


def cluster(aws: Aws, name: str) -> dict[str, Any]:
    return dict(aws.ecs.describe_clusters(clusters=[name])["clusters"][0])


def test_put_cluster_capacity_providers_replaces_the_list_and_the_default_strategy(aws: Aws) -> None:
    name = unique("cluster")
    aws.ecs.create_cluster(clusterName=name)
    aws.ecs.put_cluster_capacity_providers(cluster=name, capacityProviders=["FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategy=STRATEGY)
    described = cluster(aws, name)
    assert described["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert [i["capacityProvider"] for i in described["defaultCapacityProviderStrategy"]] == ["FARGATE", "FARGATE_SPOT"]

    aws.ecs.put_cluster_capacity_providers(cluster=name, capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=[])
    described = cluster(aws, name)
    assert described["capacityProviders"] == ["FARGATE"]
    assert described.get("defaultCapacityProviderStrategy", []) == []


def test_default_strategy_naming_a_provider_not_in_the_list_is_refused(aws: Aws) -> None:
    name = unique("cluster")
    aws.ecs.create_cluster(clusterName=name)
    with pytest.raises(ClientError) as error:
        aws.ecs.put_cluster_capacity_providers(cluster=name, capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=STRATEGY)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_a_provider_that_does_not_exist_is_refused(aws: Aws) -> None:
    with pytest.raises(ClientError) as error:
        aws.ecs.create_cluster(clusterName=unique("cluster"), capacityProviders=["nothing-here"])
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_strategy_with_two_bases_is_refused(aws: Aws) -> None:
    two_bases = [{"capacityProvider": "FARGATE", "base": 1}, {"capacityProvider": "FARGATE_SPOT", "base": 1}]
    with pytest.raises(ClientError) as error:
        aws.ecs.create_cluster(clusterName=unique("cluster"), capacityProviders=["FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategy=two_bases)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_removing_a_provider_a_service_uses_is_resource_in_use(aws: Aws) -> None:
    name = aws.cluster()
    aws.task_definition("web")
    subnet, _ = aws.subnet()
    aws.ecs.create_service(
        cluster=name,
        serviceName="web",
        taskDefinition="web",
        desiredCount=1,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
    )
    with pytest.raises(ClientError) as error:
        aws.ecs.put_cluster_capacity_providers(cluster=name, capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=[])
    assert error.value.response["Error"]["Code"] == "ResourceInUseException"
    assert cluster(aws, name)["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    # A provider nothing uses can go.
    aws.ecs.put_cluster_capacity_providers(cluster=name, capacityProviders=["FARGATE_SPOT"], defaultCapacityProviderStrategy=[])
    assert cluster(aws, name)["capacityProviders"] == ["FARGATE_SPOT"]
