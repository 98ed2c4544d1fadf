"""DAEMON services (patches/daemon_services.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def test_daemon_scheduling_strategy_is_rejected_on_fargate(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("agent")
    with pytest.raises(ClientError) as error:
        aws.fargate_service(cluster, "agent", "agent", desired=0, schedulingStrategy="DAEMON")
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_daemon_desired_count_follows_active_container_instances(aws: Aws) -> None:
    cluster = aws.cluster(providers=())
    aws.task_definition("agent", fargate=False)
    instances = aws.container_instances(cluster, 2)
    service = aws.ecs.create_service(
        cluster=cluster, serviceName="agent", taskDefinition="agent", launchType="EC2", schedulingStrategy="DAEMON"
    )["service"]
    assert service["desiredCount"] == 2
    assert service["deploymentConfiguration"]["maximumPercent"] == 100
    assert service["deploymentConfiguration"]["minimumHealthyPercent"] == 0
    service = aws.advance_until(cluster, "agent", lambda s: s["runningCount"] == 2)
    arns = aws.ecs.list_tasks(cluster=cluster, serviceName="agent")["taskArns"]
    placed = {t["containerInstanceArn"] for t in aws.ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]}
    assert placed == set(instances)

    aws.ecs.update_container_instances_state(cluster=cluster, containerInstances=[instances[0]], status="DRAINING")
    service = aws.advance_until(cluster, "agent", lambda s: s["runningCount"] == 1)
    assert service["desiredCount"] == 1
