"""BLUE_GREEN deployments on the clock (patches/native_strategies.py, listener_traffic.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from native_support import (
    ROLE,
    balancer,
    current_deployment,
    load_balancers,
    native_service,
    stage_names,
    stages,
    task_definition,
    weights,
)
from support import Aws, completed

BLUE_GREEN = {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 3}


def test_blue_green_goes_through_the_documented_stages_and_moves_traffic_to_the_alternate_group(aws: Aws) -> None:
    cluster, lb = native_service(aws, BLUE_GREEN)
    assert weights(aws, lb.production_rule) == {lb.blue: 100, lb.green: 0}
    new = task_definition(aws, "nginx:2")
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=new)

    seen = stages(aws, cluster, until="SUCCESSFUL")
    assert stage_names(seen) == [
        "PRE_SCALE_UP",
        "SCALE_UP",
        "POST_SCALE_UP",
        "TEST_TRAFFIC_SHIFT",
        "POST_TEST_TRAFFIC_SHIFT",
        "PRODUCTION_TRAFFIC_SHIFT",
        "POST_PRODUCTION_TRAFFIC_SHIFT",
        "BAKE_TIME",
        "CLEAN_UP",
    ]
    assert weights(aws, lb.production_rule) == {lb.blue: 0, lb.green: 100}
    assert weights(aws, lb.test_rule) == {lb.blue: 0, lb.green: 100}
    service = aws.advance_until(cluster, "web", completed)
    assert service["taskDefinition"] == new and service["runningCount"] == 2


def test_green_runs_its_full_count_beside_blue_until_clean_up_and_bake_time_lasts_its_minutes(aws: Aws) -> None:
    cluster, lb = native_service(aws, BLUE_GREEN)
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=task_definition(aws, "nginx:2"))
    stages(aws, cluster, until="IN_PROGRESS")
    while current_deployment(aws, cluster)["lifecycleStage"] != "BAKE_TIME":
        aws.server.advance()
    baking = current_deployment(aws, cluster)
    assert aws.describe(cluster, "web")["runningCount"] == 4  # blue and green, 2 each
    assert baking["targetServiceRevision"]["requestedProductionTrafficWeight"] == 100.0
    assert baking["sourceServiceRevisions"][0]["requestedProductionTrafficWeight"] == 0.0
    ticks = 0
    while current_deployment(aws, cluster)["lifecycleStage"] == "BAKE_TIME":
        aws.server.advance()
        ticks += 1
    assert ticks == 3  # bakeTimeInMinutes 3, one tick a minute

    aws.server.ok("/deployment-clock", {"ticksPerMinute": 2})
    aws.ecs.update_service(cluster=cluster, service="web", forceNewDeployment=True)
    aws.advance_until(cluster, "web", lambda s: current_deployment(aws, cluster).get("lifecycleStage") == "BAKE_TIME", 40)
    ticks = 0
    while current_deployment(aws, cluster)["lifecycleStage"] == "BAKE_TIME":
        aws.server.advance()
        ticks += 1
    assert ticks == 6


def test_the_next_deployment_shifts_traffic_back_to_the_first_target_group(aws: Aws) -> None:
    cluster, lb = native_service(aws, BLUE_GREEN)
    for image in ("nginx:2", "nginx:3"):
        aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=task_definition(aws, image))
        stages(aws, cluster)
    assert weights(aws, lb.production_rule) == {lb.blue: 100, lb.green: 0}


def test_stop_with_rollback_during_bake_time_returns_traffic_to_blue(aws: Aws) -> None:
    cluster, lb = native_service(aws, {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 30})
    old = aws.describe(cluster, "web")["taskDefinition"]
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=task_definition(aws, "nginx:2"))
    stages(aws, cluster, until="IN_PROGRESS")
    while current_deployment(aws, cluster)["lifecycleStage"] != "BAKE_TIME":
        aws.server.advance()
    assert weights(aws, lb.production_rule) == {lb.blue: 0, lb.green: 100}
    arn = current_deployment(aws, cluster)["serviceDeploymentArn"]
    aws.ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    aws.server.advance()
    rolling = current_deployment(aws, cluster)
    assert rolling["status"] == "ROLLBACK_IN_PROGRESS"
    assert rolling["rollback"]["serviceRevisionArn"] == rolling["sourceServiceRevisions"][0]["arn"]
    assert weights(aws, lb.production_rule) == {lb.blue: 100, lb.green: 0}
    assert weights(aws, lb.test_rule) == {lb.blue: 100, lb.green: 0}
    service = aws.advance_until(cluster, "web", completed)
    assert service["taskDefinition"] == old and service["runningCount"] == 2
    assert current_deployment(aws, cluster)["status"] == "ROLLBACK_SUCCESSFUL"


def expect_invalid(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ClientError) as error:
        call(*args, **kwargs)  # type: ignore[operator]
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    return str(error.value.response["Error"]["Message"])


def test_blue_green_needs_advanced_configuration_and_the_ecs_controller(aws: Aws) -> None:
    lb, subnet = balancer(aws)
    cluster = aws.cluster()
    task_definition(aws, "nginx:1")
    base = {
        "cluster": cluster,
        "serviceName": "web",
        "taskDefinition": "web",
        "desiredCount": 1,
        "launchType": "FARGATE",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": [subnet]}},
    }
    message = expect_invalid(
        aws.ecs.create_service,
        **base,
        loadBalancers=load_balancers(lb, {"productionListenerRule": lb.production_rule, "roleArn": ROLE}),
        deploymentConfiguration=BLUE_GREEN,
    )
    assert "alternateTargetGroupArn" in message
    expect_invalid(
        aws.ecs.create_service,
        **base,
        loadBalancers=load_balancers(lb),
        deploymentConfiguration=BLUE_GREEN,
        deploymentController={"type": "CODE_DEPLOY"},
    )
    expect_invalid(
        aws.ecs.create_service,
        **base,
        loadBalancers=load_balancers(lb),
        deploymentConfiguration={"strategy": "LINEAR", "linearConfiguration": {"stepPercent": 2.0}},
    )
    aws.ecs.create_service(**base, loadBalancers=load_balancers(lb), deploymentConfiguration=BLUE_GREEN)
    stored = aws.describe(cluster, "web")
    assert stored["deploymentConfiguration"]["strategy"] == "BLUE_GREEN"
    assert stored["loadBalancers"][0]["advancedConfiguration"]["alternateTargetGroupArn"] == lb.green


def test_deleting_a_service_mid_deployment_stops_blue_and_green_tasks(aws: Aws) -> None:
    cluster, _ = native_service(aws, {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 30})
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=task_definition(aws, "nginx:2"))
    while current_deployment(aws, cluster)["lifecycleStage"] != "BAKE_TIME":
        aws.server.advance()
    aws.ecs.delete_service(cluster=cluster, service="web", force=True)
    service = aws.advance_until(cluster, "web", lambda s: s["status"] == "INACTIVE")
    assert service["runningCount"] == 0
    assert current_deployment(aws, cluster)["status"] == "STOPPED"
