"""awsvpc without securityGroups uses the VPC's default group (patches/default_security_group.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws, completed


def test_awsvpc_without_security_groups_uses_the_vpcs_default_group(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    service = aws.fargate_service(cluster, "web", "web", desired=1)
    assert service["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"

    aws.advance_until(cluster, "web", completed)
    [arn] = aws.ecs.list_tasks(cluster=cluster, serviceName="web")["taskArns"]
    [task] = aws.ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"]
    eni = next(d["value"] for d in task["attachments"][0]["details"] if d["name"] == "networkInterfaceId")
    [interface] = aws.ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"]
    vpc = interface["VpcId"]
    default = aws.ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]
    assert [g["GroupId"] for g in interface["Groups"]] == [default["GroupId"]]


def test_unknown_subnet_is_an_invalid_parameter(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    with pytest.raises(ClientError) as error:
        aws.ecs.create_service(
            cluster=cluster,
            serviceName="web",
            taskDefinition="web",
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-00000000"]}},
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
