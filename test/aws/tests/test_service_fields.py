"""CreateService/UpdateService keep every field; DescribeServices returns them (patches/service_fields.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws, unique


def test_describe_services_returns_every_field_create_service_was_given(aws: Aws) -> None:
    cluster = aws.cluster()
    subnet, _ = aws.subnet()
    aws.task_definition("web")
    group = aws.ec2.create_security_group(
        GroupName=unique("sg"),
        Description="web",
        VpcId=aws.ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["VpcId"],
    )["GroupId"]
    given = {
        "capacityProviderStrategy": [
            {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
        ],
        "platformVersion": "1.4.0",
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 150,
            "minimumHealthyPercent": 50,
            "alarms": {"alarmNames": ["web-5xx"], "enable": True, "rollback": False},
        },
        "deploymentController": {"type": "ECS"},
        "healthCheckGracePeriodSeconds": 45,
        "placementConstraints": [],
        "placementStrategy": [],
        "enableExecuteCommand": True,
        "propagateTags": "SERVICE",
        "enableECSManagedTags": True,
        "serviceRegistries": [{"registryArn": "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1"}],
        "networkConfiguration": {
            "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "ENABLED"}
        },
        "schedulingStrategy": "REPLICA",
    }
    aws.ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="web", desiredCount=2, **given)

    service = aws.describe(cluster, "web")
    for member, value in given.items():
        assert service[member] == value, member
    assert "launchType" not in service


def test_service_without_launch_type_or_strategy_runs_on_ec2_or_the_cluster_default_strategy(aws: Aws) -> None:
    plain = aws.cluster(providers=())
    aws.task_definition("batch", fargate=False)
    aws.ecs.create_service(cluster=plain, serviceName="batch", taskDefinition="batch", desiredCount=0)
    assert aws.describe(plain, "batch")["launchType"] == "EC2"

    with_default = aws.cluster()
    aws.ecs.put_cluster_capacity_providers(
        cluster=with_default,
        capacityProviders=["FARGATE"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
    )
    subnet, _ = aws.subnet()
    aws.task_definition("web")
    aws.ecs.create_service(
        cluster=with_default,
        serviceName="web",
        taskDefinition="web",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
    )
    service = aws.describe(with_default, "web")
    assert "launchType" not in service
    assert service["capacityProviderStrategy"] == [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]
    assert service["platformVersion"] == "LATEST"


def test_describe_services_fills_documented_defaults(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web")
    service = aws.describe(cluster, "web")
    assert service["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    assert service["deploymentController"] == {"type": "ECS"}
    assert service["schedulingStrategy"] == "REPLICA"
    assert service["propagateTags"] == "NONE"
    assert service["enableECSManagedTags"] is False
    assert service["enableExecuteCommand"] is False
    assert service["launchType"] == "FARGATE"
    assert service["platformVersion"] == "LATEST"
    assert service["deployments"][0]["platformVersion"] == "1.4.0"


def test_task_definition_is_returned_as_full_arn_whatever_form_was_passed(aws: Aws) -> None:
    cluster = aws.cluster()
    first = aws.task_definition("web", "nginx:1")
    second = aws.task_definition("web", "nginx:2")
    assert aws.fargate_service(cluster, "by-family", "web")["taskDefinition"] == second
    assert aws.fargate_service(cluster, "by-revision", "web:1")["taskDefinition"] == first
    assert aws.fargate_service(cluster, "by-arn", first)["taskDefinition"] == first

    updated = aws.ecs.update_service(cluster=cluster, service="by-revision", taskDefinition="web:2")["service"]
    assert updated["taskDefinition"] == second
    assert updated["deployments"][0]["taskDefinition"] == second


def test_update_service_keeps_fields_it_does_not_name_and_changes_those_it_does(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", healthCheckGracePeriodSeconds=30, enableExecuteCommand=True)
    aws.ecs.update_service(
        cluster=cluster,
        service="web",
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": False}},
        placementStrategy=[],
        propagateTags="TASK_DEFINITION",
        capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
    )
    service = aws.describe(cluster, "web")
    assert service["healthCheckGracePeriodSeconds"] == 30
    assert service["enableExecuteCommand"] is True
    assert service["propagateTags"] == "TASK_DEFINITION"
    assert service["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": False}
    assert service["deploymentConfiguration"]["maximumPercent"] == 200
    assert service["capacityProviderStrategy"] == [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]
    assert "launchType" not in service


def test_load_balancer_advanced_configuration_is_stored_and_returned(aws: Aws) -> None:
    # LoadBalancer.advancedConfiguration (ECS API reference): the blue/green alternate target group,
    # listener rules and role. Kept as given, like the rest of the binding.
    cluster = aws.cluster()
    # The binding's container and port must be in the task definition (load_balancer_containers).
    aws.ecs.register_task_definition(
        family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:1", "memory": 128, "portMappings": [{"containerPort": 80}]}],
    )
    binding = {
        "targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/0123456789abcdef",
        "containerName": "app",
        "containerPort": 80,
        "advancedConfiguration": {
            "alternateTargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/0123456789abcdef",
            "productionListenerRule": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop/1/2/3",
            "roleArn": "arn:aws:iam::123456789012:role/ecs-blue-green",
        },
    }
    aws.fargate_service(cluster, "web", "web", loadBalancers=[binding])
    assert aws.describe(cluster, "web")["loadBalancers"] == [binding]


def test_launch_type_and_capacity_provider_strategy_together_are_rejected(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    with pytest.raises(ClientError) as error:
        aws.fargate_service(
            cluster, "web", "web", capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}]
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_capacity_provider_must_be_associated_with_the_cluster(aws: Aws) -> None:
    cluster = aws.cluster(providers=("FARGATE",))
    aws.task_definition("web")
    subnet, _ = aws.subnet()
    with pytest.raises(ClientError) as error:
        aws.ecs.create_service(
            cluster=cluster,
            serviceName="web",
            taskDefinition="web",
            capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
            networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "not associated with the cluster" in error.value.response["Error"]["Message"]


def test_awsvpc_task_definition_needs_a_network_configuration(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    with pytest.raises(ClientError) as error:
        aws.ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="web", launchType="FARGATE")
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
