"""DescribeTasks (patches/describe_tasks.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def test_unknown_tasks_are_failures_and_other_clusters_tasks_are_not_described(aws: Aws) -> None:
    one, two = aws.cluster(), aws.cluster()
    aws.task_definition("job", fargate=False)
    aws.container_instances(one, 1)
    aws.container_instances(two, 1)
    [mine] = aws.ecs.run_task(cluster=one, taskDefinition="job")["tasks"]
    [theirs] = aws.ecs.run_task(cluster=two, taskDefinition="job")["tasks"]
    task_id = mine["taskArn"].rsplit("/", 1)[-1]
    answer = aws.ecs.describe_tasks(cluster=one, tasks=[task_id, theirs["taskArn"], "nope"])
    assert [t["taskArn"] for t in answer["tasks"]] == [mine["taskArn"]]
    assert answer["failures"] == [{"arn": theirs["taskArn"], "reason": "MISSING"}, {"arn": "nope", "reason": "MISSING"}]
    # Describing does not move a task on: only the clock does.
    assert answer["tasks"][0]["lastStatus"] == "PROVISIONING"


def test_at_most_100_tasks(aws: Aws) -> None:
    cluster = aws.cluster()
    with pytest.raises(ClientError, match="InvalidParameterException"):
        aws.ecs.describe_tasks(cluster=cluster, tasks=[f"t{i}" for i in range(101)])
    assert len(aws.ecs.describe_tasks(cluster=cluster, tasks=[f"t{i}" for i in range(100)])["failures"]) == 100
