"""Deployment alarms fail and roll back deployments (patches/deployment_alarms.py)."""

from __future__ import annotations

from typing import Any

from native_support import current_deployment, native_service, task_definition, weights
from support import Aws, completed


def alarm(aws: Aws, name: str = "web-5xx") -> str:
    aws.metric_alarm(name, [])
    return name


def raise_alarm(aws: Aws, name: str) -> None:
    aws.cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="5xx above threshold")


def rolling_update(aws: Aws, rollback: bool) -> tuple[str, str, str]:
    name = alarm(aws)
    cluster = aws.cluster()
    first = aws.task_definition("web", "nginx:1")
    configuration = {"alarms": {"alarmNames": [name], "enable": True, "rollback": rollback}}
    aws.fargate_service(cluster, "web", "web", desired=2, deploymentConfiguration=configuration)
    aws.advance_until(cluster, "web", completed)
    second = aws.task_definition("web", "nginx:2")
    aws.server.ok("/pending-tasks", {"taskDefinition": second})
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=second)
    aws.server.advance()
    raise_alarm(aws, name)
    aws.server.advance()
    return cluster, first, second


def test_an_alarm_during_a_rolling_update_rolls_it_back(aws: Aws) -> None:
    cluster, first, _ = rolling_update(aws, rollback=True)
    deployment = current_deployment(aws, cluster)
    assert deployment["status"] == "ROLLBACK_IN_PROGRESS"
    assert deployment["alarms"] == {"status": "TRIGGERED", "alarmNames": ["web-5xx"], "triggeredAlarmNames": ["web-5xx"]}
    assert "web-5xx" in deployment["rollback"]["reason"]
    service = aws.describe(cluster, "web")
    assert service["taskDefinition"] == first
    assert any(d["rolloutState"] == "FAILED" for d in service["deployments"])
    aws.advance_until(cluster, "web", completed)
    assert current_deployment(aws, cluster)["status"] == "ROLLBACK_SUCCESSFUL"


def test_without_rollback_an_alarm_stops_the_deployment_and_it_stays_failed(aws: Aws) -> None:
    cluster, _, second = rolling_update(aws, rollback=False)
    deployment = current_deployment(aws, cluster)
    assert deployment["status"] == "STOPPED" and "stoppedAt" in deployment
    primary = aws.describe(cluster, "web")["deployments"][0]
    assert (primary["taskDefinition"], primary["rolloutState"]) == (second, "FAILED")


def test_an_alarm_during_bake_time_returns_blue_green_traffic_to_blue(aws: Aws) -> None:
    name = alarm(aws)
    configuration: dict[str, Any] = {
        "strategy": "BLUE_GREEN",
        "bakeTimeInMinutes": 10,
        "alarms": {"alarmNames": [name], "enable": True, "rollback": True},
    }
    cluster, lb = native_service(aws, configuration)
    old = aws.describe(cluster, "web")["taskDefinition"]
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=task_definition(aws, "nginx:2"))
    for _ in range(30):
        if current_deployment(aws, cluster).get("lifecycleStage") == "BAKE_TIME":
            break
        aws.server.advance()
    assert weights(aws, lb.production_rule) == {lb.blue: 0, lb.green: 100}
    raise_alarm(aws, name)
    aws.server.advance()
    deployment = current_deployment(aws, cluster)
    assert deployment["status"] == "ROLLBACK_IN_PROGRESS"
    assert deployment["alarms"]["triggeredAlarmNames"] == [name]
    assert weights(aws, lb.production_rule) == {lb.blue: 100, lb.green: 0}
    service = aws.advance_until(cluster, "web", completed)
    assert service["taskDefinition"] == old
    assert current_deployment(aws, cluster)["status"] == "ROLLBACK_SUCCESSFUL"


def test_alarms_that_stay_ok_let_the_deployment_succeed(aws: Aws) -> None:
    name = alarm(aws)
    cluster = aws.cluster()
    aws.task_definition("web", "nginx:1")
    configuration = {"alarms": {"alarmNames": [name], "enable": True, "rollback": True}}
    aws.fargate_service(cluster, "web", "web", desired=1, deploymentConfiguration=configuration)
    aws.advance_until(cluster, "web", completed)
    deployment = current_deployment(aws, cluster)
    assert deployment["status"] == "SUCCESSFUL"
    assert deployment["alarms"]["status"] == "MONITORING_COMPLETE"
