"""Auto Scaling group capacity providers (patches/capacity_providers.py)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import Aws, unique


def group(aws: Aws, protected: bool = False) -> dict[str, Any]:
    """A new Auto Scaling group (with a launch template) and its description."""
    autoscaling = aws.server.client("autoscaling")
    image = aws.ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    template = unique("lt")
    aws.ec2.create_launch_template(LaunchTemplateName=template, LaunchTemplateData={"ImageId": image, "InstanceType": "t3.small"})
    name = unique("asg")
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateName": template},
        MinSize=0,
        MaxSize=2,
        AvailabilityZones=["us-east-1a"],
        NewInstancesProtectedFromScaleIn=protected,
    )
    return dict(autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0])


def provider(aws: Aws, name: str) -> dict[str, Any]:
    return dict(aws.ecs.describe_capacity_providers(capacityProviders=[name])["capacityProviders"][0])


def code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


@pytest.mark.parametrize("name", ["FARGATE", "fargate-mine", "ecs-mine", "aws-mine", "AWSmine"])
def test_reserved_names_are_refused(aws: Aws, name: str) -> None:
    asg = group(aws)
    with pytest.raises(ClientError) as error:
        aws.ecs.create_capacity_provider(name=name, autoScalingGroupProvider={"autoScalingGroupArn": asg["AutoScalingGroupARN"]})
    assert code(error) == "InvalidParameterException"


def test_the_auto_scaling_group_must_exist(aws: Aws) -> None:
    with pytest.raises(ClientError) as error:
        aws.ecs.create_capacity_provider(name=unique("cp"), autoScalingGroupProvider={"autoScalingGroupArn": "no-such-group"})
    assert code(error) == "InvalidParameterException"


def test_group_given_by_name_is_reported_by_arn_with_documented_defaults(aws: Aws) -> None:
    asg = group(aws)
    name = unique("cp")
    aws.ecs.create_capacity_provider(name=name, autoScalingGroupProvider={"autoScalingGroupArn": asg["AutoScalingGroupName"]})
    described = provider(aws, name)
    assert described["status"] == "ACTIVE"
    assert described["autoScalingGroupProvider"]["autoScalingGroupArn"] == asg["AutoScalingGroupARN"]
    assert described["autoScalingGroupProvider"]["managedDraining"] == "ENABLED"
    assert described["autoScalingGroupProvider"]["managedTerminationProtection"] == "DISABLED"


def test_a_second_provider_of_the_same_name_is_refused(aws: Aws) -> None:
    asg = group(aws)
    name = unique("cp")
    aws.ecs.create_capacity_provider(name=name, autoScalingGroupProvider={"autoScalingGroupArn": asg["AutoScalingGroupARN"]})
    with pytest.raises(ClientError) as error:
        aws.ecs.create_capacity_provider(name=name, autoScalingGroupProvider={"autoScalingGroupArn": asg["AutoScalingGroupARN"]})
    assert code(error) == "ClientException"


def test_managed_termination_protection_needs_managed_scaling_and_scale_in_protection(aws: Aws) -> None:
    unprotected = group(aws)
    protected = group(aws, protected=True)
    scaling = {"status": "ENABLED", "targetCapacity": 100}
    for asg, managed in ((unprotected, scaling), (protected, {"status": "DISABLED"})):
        with pytest.raises(ClientError) as error:
            aws.ecs.create_capacity_provider(
                name=unique("cp"),
                autoScalingGroupProvider={"autoScalingGroupArn": asg["AutoScalingGroupARN"], "managedScaling": managed, "managedTerminationProtection": "ENABLED"},
            )
        assert code(error) == "ClientException"
    name = unique("cp")
    aws.ecs.create_capacity_provider(
        name=name,
        autoScalingGroupProvider={"autoScalingGroupArn": protected["AutoScalingGroupARN"], "managedScaling": scaling, "managedTerminationProtection": "ENABLED"},
    )
    assert provider(aws, name)["autoScalingGroupProvider"]["managedTerminationProtection"] == "ENABLED"


def test_update_is_in_progress_then_complete(aws: Aws) -> None:
    asg = group(aws)
    name = unique("cp")
    aws.ecs.create_capacity_provider(name=name, autoScalingGroupProvider={"autoScalingGroupArn": asg["AutoScalingGroupARN"]})
    answer = aws.ecs.update_capacity_provider(name=name, autoScalingGroupProvider={"managedScaling": {"status": "ENABLED", "targetCapacity": 80}, "managedDraining": "DISABLED"})
    assert answer["capacityProvider"]["updateStatus"] == "UPDATE_IN_PROGRESS"
    described = provider(aws, name)
    assert described["updateStatus"] == "UPDATE_COMPLETE"
    assert described["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] == 80
    assert described["autoScalingGroupProvider"]["managedDraining"] == "DISABLED"


def test_provider_associated_with_a_cluster_cannot_be_deleted_then_deletion_leaves_it_inactive(aws: Aws) -> None:
    asg = group(aws)
    name = unique("cp")
    aws.ecs.create_capacity_provider(name=name, autoScalingGroupProvider={"autoScalingGroupArn": asg["AutoScalingGroupARN"]})
    cluster = unique("cluster")
    aws.ecs.create_cluster(clusterName=cluster, capacityProviders=[name])
    with pytest.raises(ClientError) as error:
        aws.ecs.delete_capacity_provider(capacityProvider=name)
    assert code(error) == "ClientException"

    aws.ecs.put_cluster_capacity_providers(cluster=cluster, capacityProviders=[], defaultCapacityProviderStrategy=[])
    answer = aws.ecs.delete_capacity_provider(capacityProvider=name)
    assert answer["capacityProvider"]["updateStatus"] == "DELETE_IN_PROGRESS"
    described = provider(aws, name)
    assert (described["status"], described["updateStatus"]) == ("INACTIVE", "DELETE_COMPLETE")
    # An INACTIVE provider cannot be associated again.
    with pytest.raises(ClientError) as error:
        aws.ecs.put_cluster_capacity_providers(cluster=cluster, capacityProviders=[name], defaultCapacityProviderStrategy=[])
    assert code(error) == "InvalidParameterException"


def test_fargate_providers_are_reserved_and_always_described(aws: Aws) -> None:
    with pytest.raises(ClientError) as error:
        aws.ecs.delete_capacity_provider(capacityProvider="FARGATE")
    assert code(error) == "InvalidParameterException"
    names = [p["name"] for p in aws.ecs.describe_capacity_providers()["capacityProviders"]]
    assert {"FARGATE", "FARGATE_SPOT"} <= set(names)
    assert provider(aws, "FARGATE_SPOT")["status"] == "ACTIVE"
