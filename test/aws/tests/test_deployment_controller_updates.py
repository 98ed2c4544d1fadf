"""What UpdateService may change under each deployment controller (patches/deployment_controller_updates.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def code_deploy_service(aws: Aws) -> str:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1, deploymentController={"type": "CODE_DEPLOY"})
    return cluster


def test_code_deploy_service_refuses_a_task_definition_with_awss_message(aws: Aws) -> None:
    cluster = code_deploy_service(aws)
    aws.task_definition("web")
    with pytest.raises(ClientError) as error:
        aws.ecs.update_service(cluster=cluster, service="web", taskDefinition="web:2")
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert error.value.response["Error"]["Message"] == (
        "Unable to update task definition on services with a CODE_DEPLOY deployment controller. "
        "Use AWS CodeDeploy to trigger a new deployment."
    )


@pytest.mark.parametrize(
    "member",
    [
        {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0aaa"]}}},
        {"loadBalancers": []},
        {"platformVersion": "1.4.0"},
        {"forceNewDeployment": True},
        {"enableExecuteCommand": True},
    ],
)
def test_code_deploy_service_refuses_what_codedeploy_deploys(aws: Aws, member: dict[str, object]) -> None:
    cluster = code_deploy_service(aws)
    with pytest.raises(ClientError) as error:
        aws.ecs.update_service(cluster=cluster, service="web", **member)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_code_deploy_service_takes_count_configuration_grace_period_placement_and_tag_settings(aws: Aws) -> None:
    cluster = code_deploy_service(aws)
    aws.ecs.update_service(
        cluster=cluster,
        service="web",
        desiredCount=3,
        deploymentConfiguration={"maximumPercent": 150, "minimumHealthyPercent": 50},
        healthCheckGracePeriodSeconds=30,
        placementConstraints=[],
        placementStrategy=[],
        enableECSManagedTags=True,
        propagateTags="SERVICE",
    )
    service = aws.describe(cluster, "web")
    assert service["desiredCount"] == 3
    assert service["deploymentConfiguration"]["maximumPercent"] == 150
    assert service["propagateTags"] == "SERVICE"


def test_external_service_refuses_a_deployment_configuration(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1, deploymentController={"type": "EXTERNAL"})
    aws.ecs.update_service(cluster=cluster, service="web", desiredCount=2)
    with pytest.raises(ClientError) as error:
        aws.ecs.update_service(cluster=cluster, service="web", deploymentConfiguration={"maximumPercent": 150})
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_controller_moves_between_ecs_and_code_deploy_in_place_but_not_with_a_task_definition(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1)
    aws.task_definition("web")
    # The members are checked against the controller the request leaves the service with.
    with pytest.raises(ClientError):
        aws.ecs.update_service(cluster=cluster, service="web", deploymentController={"type": "CODE_DEPLOY"}, taskDefinition="web:2")

    aws.ecs.update_service(cluster=cluster, service="web", deploymentController={"type": "CODE_DEPLOY"})
    assert aws.describe(cluster, "web")["deploymentController"] == {"type": "CODE_DEPLOY"}
    aws.ecs.update_service(cluster=cluster, service="web", deploymentController={"type": "ECS"})
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition="web:2")
    assert aws.describe(cluster, "web")["taskDefinition"].endswith("/web:2")


def test_controller_does_not_move_to_or_from_external(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1)
    with pytest.raises(ClientError) as error:
        aws.ecs.update_service(cluster=cluster, service="web", deploymentController={"type": "EXTERNAL"})
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
