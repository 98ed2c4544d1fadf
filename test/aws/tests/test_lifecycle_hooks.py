"""Lifecycle hooks answered through the control endpoint (patches/lifecycle_hooks.py)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from native_support import HOOK_ROLE, current_deployment, native_service, stages, task_definition, weights
from support import Aws, completed

HOOK = "arn:aws:lambda:us-east-1:123456789012:function:check"


def hooked(stages_: list[str]) -> dict[str, Any]:
    return {
        "strategy": "BLUE_GREEN",
        "bakeTimeInMinutes": 1,
        "lifecycleHooks": [{"hookTargetArn": HOOK, "roleArn": HOOK_ROLE, "lifecycleStages": stages_}],
    }


def deploy(aws: Aws, cluster: str) -> None:
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=task_definition(aws, "nginx:2"))


def advance_to(aws: Aws, cluster: str, stage: str) -> dict[str, Any]:
    for _ in range(30):
        deployment = current_deployment(aws, cluster)
        if deployment.get("lifecycleStage") == stage:
            return deployment
        aws.server.advance()
    raise AssertionError(f"{stage} not reached")


def invocations(aws: Aws) -> list[dict[str, Any]]:
    status, state = aws.server.control("/state", method="GET")
    return list(state["lifecycleHooks"]["invocations"])


def test_a_hook_in_progress_holds_its_stage_until_it_succeeds(aws: Aws) -> None:
    cluster, _ = native_service(aws, hooked(["POST_SCALE_UP"]))
    aws.server.ok("/lifecycle-hooks", {"outcome": "IN_PROGRESS", "ticks": 2, "stage": "POST_SCALE_UP"})
    deploy(aws, cluster)
    advance_to(aws, cluster, "POST_SCALE_UP")
    aws.server.advance()
    waiting = current_deployment(aws, cluster)
    assert waiting["lifecycleStage"] == "POST_SCALE_UP"
    assert waiting["lifecycleHookDetails"] == [
        {"hookId": "0", "targetType": "AWS_LAMBDA", "targetArn": HOOK, "status": "IN_PROGRESS"}
    ]
    aws.server.advance(2)
    assert current_deployment(aws, cluster)["lifecycleStage"] == "TEST_TRAFFIC_SHIFT"
    assert [i["status"] for i in invocations(aws)] == ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"]
    assert {i["stage"] for i in invocations(aws)} == {"POST_SCALE_UP"}
    assert stages(aws, cluster)[-1][0] == "SUCCESSFUL"


def test_a_failed_hook_rolls_the_deployment_back_to_blue(aws: Aws) -> None:
    cluster, lb = native_service(aws, hooked(["POST_TEST_TRAFFIC_SHIFT"]))
    old = aws.describe(cluster, "web")["taskDefinition"]
    aws.server.ok("/lifecycle-hooks", {"outcome": "FAILED", "service": "web", "hookTargetArn": HOOK})
    deploy(aws, cluster)
    advance_to(aws, cluster, "POST_TEST_TRAFFIC_SHIFT")
    assert weights(aws, lb.test_rule) == {lb.blue: 0, lb.green: 100}
    aws.server.advance()
    failed = current_deployment(aws, cluster)
    assert failed["status"] == "ROLLBACK_IN_PROGRESS"
    assert HOOK in failed["statusReason"] and "POST_TEST_TRAFFIC_SHIFT" in failed["statusReason"]
    assert failed["lifecycleHookDetails"][0]["status"] == "FAILED"
    assert weights(aws, lb.test_rule) == {lb.blue: 100, lb.green: 0}
    assert weights(aws, lb.production_rule) == {lb.blue: 100, lb.green: 0}
    service = aws.advance_until(cluster, "web", completed)
    assert service["taskDefinition"] == old
    assert current_deployment(aws, cluster)["status"] == "ROLLBACK_SUCCESSFUL"


def test_pre_production_hooks_run_before_any_production_traffic_moves(aws: Aws) -> None:
    cluster, lb = native_service(aws, hooked(["PRE_PRODUCTION_TRAFFIC_SHIFT"]))
    aws.server.ok("/lifecycle-hooks", {"outcome": "IN_PROGRESS", "ticks": 3})
    deploy(aws, cluster)
    advance_to(aws, cluster, "PRODUCTION_TRAFFIC_SHIFT")
    aws.server.advance(2)
    assert current_deployment(aws, cluster)["lifecycleStage"] == "PRODUCTION_TRAFFIC_SHIFT"
    assert weights(aws, lb.production_rule) == {lb.blue: 100, lb.green: 0}
    aws.server.advance(2)
    assert weights(aws, lb.production_rule) == {lb.blue: 0, lb.green: 100}
    assert {i["stage"] for i in invocations(aws)} == {"PRE_PRODUCTION_TRAFFIC_SHIFT"}


def test_hooks_need_a_target_a_role_and_stages(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    for hook in (
        {"roleArn": HOOK_ROLE, "lifecycleStages": ["PRE_SCALE_UP"]},
        {"hookTargetArn": HOOK, "lifecycleStages": ["PRE_SCALE_UP"]},
        {"hookTargetArn": HOOK, "roleArn": HOOK_ROLE, "lifecycleStages": []},
    ):
        with pytest.raises(ClientError) as error:
            aws.fargate_service(
                cluster, "web", "web", deploymentConfiguration={"strategy": "BLUE_GREEN", "lifecycleHooks": [hook]}
            )
        assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_control_endpoint_refuses_unknown_outcomes_and_ticks_without_in_progress(aws: Aws) -> None:
    assert aws.server.control("/lifecycle-hooks", {"outcome": "MAYBE"})[0] == 400
    assert aws.server.control("/lifecycle-hooks", {"outcome": "FAILED", "ticks": 2})[0] == 400
    aws.server.ok("/lifecycle-hooks", {"outcome": "FAILED", "service": "a"})
    aws.server.ok("/lifecycle-hooks", {"outcome": "FAILED", "service": "b"})
    rules = aws.server.ok("/lifecycle-hooks/clear", {"service": "a"})["lifecycleHooks"]["rules"]
    assert [r["service"] for r in rules] == ["b"]
