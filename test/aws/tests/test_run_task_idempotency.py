"""RunTask's clientToken (patches/run_task_idempotency.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def test_the_same_token_and_parameters_return_the_same_tasks_and_start_none(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("job", fargate=False)
    aws.container_instances(cluster, 1)
    first = aws.ecs.run_task(cluster=cluster, taskDefinition="job", count=2, clientToken="token-1")["tasks"]
    aws.server.advance()
    again = aws.ecs.run_task(cluster=cluster, taskDefinition="job", count=2, clientToken="token-1")["tasks"]
    assert [t["taskArn"] for t in again] == [t["taskArn"] for t in first]
    assert again[0]["lastStatus"] == "PENDING"  # the tasks as they are now
    assert len(aws.ecs.list_tasks(cluster=cluster)["taskArns"]) == 2

    other = aws.ecs.run_task(cluster=cluster, taskDefinition="job", count=2, clientToken="token-2")["tasks"]
    assert len(aws.ecs.list_tasks(cluster=cluster)["taskArns"]) == 4
    assert {t["taskArn"] for t in other}.isdisjoint(t["taskArn"] for t in first)


def test_the_same_token_with_other_parameters_is_a_conflict(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("job", fargate=False)
    aws.container_instances(cluster, 1)
    aws.ecs.run_task(cluster=cluster, taskDefinition="job", clientToken="token-1")
    with pytest.raises(ClientError) as error:
        aws.ecs.run_task(cluster=cluster, taskDefinition="job", startedBy="x", clientToken="token-1")
    assert error.value.response["Error"]["Code"] == "ConflictException"
    assert len(aws.ecs.list_tasks(cluster=cluster)["taskArns"]) == 1


def test_tokens_are_scoped_to_a_cluster(aws: Aws) -> None:
    one, two = aws.cluster(), aws.cluster()
    aws.task_definition("job", fargate=False)
    aws.container_instances(one, 1)
    aws.container_instances(two, 1)
    a = aws.ecs.run_task(cluster=one, taskDefinition="job", clientToken="t")["tasks"][0]["taskArn"]
    b = aws.ecs.run_task(cluster=two, taskDefinition="job", clientToken="t")["tasks"][0]["taskArn"]
    assert a != b
