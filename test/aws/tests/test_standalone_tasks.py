"""RunTask as ECS runs standalone tasks (patches/standalone_tasks.py)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import Aws


def run(aws: Aws, cluster: str, family: str = "job", **extra: Any) -> list[dict[str, Any]]:
    subnet, _ = aws.subnet()
    params: dict[str, Any] = {
        "cluster": cluster,
        "taskDefinition": family,
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": [subnet]}},
        **extra,
    }
    return list(aws.ecs.run_task(**params)["tasks"])


def test_a_task_without_launch_type_uses_the_cluster_default_strategy(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.ecs.put_cluster_capacity_providers(
        cluster=cluster,
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
    )
    aws.task_definition("job")
    [task] = run(aws, cluster)
    assert (task["launchType"], task["capacityProviderName"]) == ("FARGATE", "FARGATE_SPOT")
    assert (task["platformVersion"], task["platformFamily"]) == ("1.4.0", "Linux")
    assert task["lastStatus"] == "PROVISIONING" and task["desiredStatus"] == "RUNNING"


def test_a_task_without_launch_type_or_default_strategy_runs_on_ec2(aws: Aws) -> None:
    cluster = aws.cluster(providers=())
    aws.task_definition("job", fargate=False)
    with pytest.raises(ClientError, match="No Container Instances were found in your cluster"):
        aws.ecs.run_task(cluster=cluster, taskDefinition="job")
    [instance] = aws.container_instances(cluster, 1)
    [task] = aws.ecs.run_task(cluster=cluster, taskDefinition="job")["tasks"]
    assert (task["launchType"], task["containerInstanceArn"]) == ("EC2", instance)
    assert "capacityProviderName" not in task and "platformVersion" not in task


def test_count_started_by_group_overrides_and_execute_command_are_kept(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("job")
    overrides = {
        "containerOverrides": [{"name": "app", "command": ["migrate"], "environment": [{"name": "K", "value": "v"}]}],
        "taskRoleArn": "arn:aws:iam::123456789012:role/job",
    }
    tasks = run(
        aws, cluster, launchType="FARGATE", count=3, startedBy="me", group="batch", overrides=overrides,
        enableExecuteCommand=True,
    )
    assert len({t["taskArn"] for t in tasks}) == 3
    described = aws.ecs.describe_tasks(cluster=cluster, tasks=[t["taskArn"] for t in tasks])["tasks"]
    for task in described:
        assert (task["startedBy"], task["group"], task["enableExecuteCommand"]) == ("me", "batch", True)
        assert task["overrides"] == overrides
        assert [c["name"] for c in task["containers"]] == ["app"]
        assert "exitCode" not in task["containers"][0]
    [default] = run(aws, cluster, launchType="FARGATE")
    assert default["group"] == "family:job" and "startedBy" not in default


@pytest.mark.parametrize("count", [0, 11])
def test_count_is_one_to_ten(aws: Aws, count: int) -> None:
    cluster = aws.cluster()
    aws.task_definition("job")
    with pytest.raises(ClientError, match="InvalidParameterException"):
        run(aws, cluster, launchType="FARGATE", count=count)


def test_launch_type_and_strategy_together_are_refused(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("job")
    with pytest.raises(ClientError, match="either Launch Type or Capacity Provider Strategy"):
        run(aws, cluster, launchType="FARGATE", capacityProviderStrategy=[{"capacityProvider": "FARGATE"}])


def test_propagate_tags_from_the_task_definition(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.ecs.register_task_definition(
        family="job",
        containerDefinitions=[{"name": "app", "image": "busybox", "memory": 128}, {"name": "side", "image": "envoy", "memory": 64}],
        networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        tags=[{"key": "team", "value": "data"}, {"key": "env", "value": "td"}],
    )
    [task] = run(
        aws, cluster, launchType="FARGATE", propagateTags="TASK_DEFINITION", tags=[{"key": "env", "value": "run"}]
    )
    [described] = aws.ecs.describe_tasks(cluster=cluster, tasks=[task["taskArn"]], include=["TAGS"])["tasks"]
    assert sorted((t["key"], t["value"]) for t in described["tags"]) == [("env", "run"), ("team", "data")]
    assert [c["name"] for c in described["containers"]] == ["app", "side"]
    assert (described["cpu"], described["memory"]) == ("256", "512")
    with pytest.raises(ClientError, match="SERVICE"):
        run(aws, cluster, launchType="FARGATE", propagateTags="SERVICE")
