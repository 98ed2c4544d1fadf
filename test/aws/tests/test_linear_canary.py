"""LINEAR and CANARY production traffic shifts (patches/native_strategies.py)."""

from __future__ import annotations

from typing import Any

from native_support import HOOK_ROLE, current_deployment, native_service, stages, task_definition, weights
from support import Aws

HOOK = "arn:aws:lambda:us-east-1:123456789012:function:step-check"


def production_shift(aws: Aws, configuration: dict[str, Any]) -> tuple[list[int], list[int], list[float]]:
    """Updates the service and follows PRODUCTION_TRAFFIC_SHIFT: the green weights the production
    rule takes, the ticks each lasted, and the weights the service deployment reported."""
    cluster, lb = native_service(aws, configuration)
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=task_definition(aws, "nginx:2"))
    for _ in range(30):
        if current_deployment(aws, cluster).get("lifecycleStage") == "PRODUCTION_TRAFFIC_SHIFT":
            break
        aws.server.advance()
    shares: list[int] = []
    ticks: list[int] = []
    reported: list[float] = []
    while True:
        deployment = current_deployment(aws, cluster)
        share = weights(aws, lb.production_rule)[lb.green]
        if deployment["lifecycleStage"] != "PRODUCTION_TRAFFIC_SHIFT":
            if shares[-1] != share:  # the last step and the next stage come in one tick
                shares.append(share)
                reported.append(deployment["targetServiceRevision"]["requestedProductionTrafficWeight"])
            break
        if share == 0:  # the tick the stage starts, before the first step
            aws.server.advance()
            continue
        if not shares or shares[-1] != share:
            shares.append(share)
            ticks.append(0)
            reported.append(deployment["targetServiceRevision"]["requestedProductionTrafficWeight"])
        ticks[-1] += 1
        aws.server.advance()
    assert stages(aws, cluster)[-1][0] == "SUCCESSFUL"
    assert weights(aws, lb.production_rule) == {lb.blue: 0, lb.green: 100}
    return shares, ticks, reported


def test_linear_shifts_step_percent_at_a_time_with_the_step_bake_time_between_steps(aws: Aws) -> None:
    shares, ticks, reported = production_shift(
        aws,
        {"strategy": "LINEAR", "bakeTimeInMinutes": 0, "linearConfiguration": {"stepPercent": 30.0, "stepBakeTimeInMinutes": 2}},
    )
    assert shares == [30, 60, 90, 100]
    assert reported == [30.0, 60.0, 90.0, 100.0]
    assert ticks[:3] == [3, 3, 3]  # the step's own tick, then 2 minutes of one tick each


def test_canary_shifts_canary_percent_then_the_rest_after_the_canary_bake_time(aws: Aws) -> None:
    shares, ticks, reported = production_shift(
        aws,
        {"strategy": "CANARY", "bakeTimeInMinutes": 0, "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 4}},
    )
    assert shares == [10, 100]
    assert reported == [10.0, 100.0]
    assert ticks[0] == 5


def test_linear_defaults_are_ten_percent_steps(aws: Aws) -> None:
    shares, _, _ = production_shift(aws, {"strategy": "LINEAR", "bakeTimeInMinutes": 0, "linearConfiguration": {"stepBakeTimeInMinutes": 0}})
    assert shares == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]


def test_production_traffic_shift_hooks_run_at_every_step(aws: Aws) -> None:
    configuration = {
        "strategy": "LINEAR",
        "bakeTimeInMinutes": 0,
        "linearConfiguration": {"stepPercent": 50.0, "stepBakeTimeInMinutes": 1},
        "lifecycleHooks": [{"hookTargetArn": HOOK, "roleArn": HOOK_ROLE, "lifecycleStages": ["PRODUCTION_TRAFFIC_SHIFT"]}],
    }
    shares, _, _ = production_shift(aws, configuration)
    assert shares == [50, 100]
    invocations = aws.server.control("/state", method="GET")[1]["lifecycleHooks"]["invocations"]
    assert [(i["stage"], i["status"]) for i in invocations] == [("PRODUCTION_TRAFFIC_SHIFT", "SUCCEEDED")] * 2
