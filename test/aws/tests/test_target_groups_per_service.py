"""A service has at most 5 target groups (patches/target_groups_per_service.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def test_a_sixth_target_group_is_invalid_parameter_exception(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128, "portMappings": [{"containerPort": 80}]}],
    )
    groups = [
        {"targetGroupArn": f"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg{i}/0123456789abcdef", "containerName": "app", "containerPort": 80}
        for i in range(6)
    ]
    with pytest.raises(ClientError) as error:
        aws.ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="web", desiredCount=1, loadBalancers=groups)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert error.value.response["Error"]["Message"] == "loadBalancers can have at most 5 items."
    aws.ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="web", desiredCount=1, loadBalancers=groups[:5])
    with pytest.raises(ClientError) as error:
        aws.ecs.update_service(cluster=cluster, service="web", loadBalancers=groups)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert len(aws.describe(cluster, "web")["loadBalancers"]) == 5
