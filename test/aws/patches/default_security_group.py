"""awsvpc network configuration without securityGroups uses the VPC's default security group.

ECS API reference (AwsVpcConfiguration): "If you don't specify a security group, the default
security group for the VPC is used"; assignPublicIp defaults to DISABLED. moto 5.2.5 answers such a
request with HTTP 500 (a KeyError). The service keeps the configuration as it was given (plus the
assignPublicIp default); the tasks' network interfaces get the default group.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.ec2.exceptions import InvalidSecurityGroupNotFoundError, InvalidSubnetIdError
from moto.ec2.models import ec2_backends
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend


def complete(backend: EC2ContainerServiceBackend, network: dict[str, Any]) -> dict[str, Any]:
    """Validates a service's networkConfiguration and returns it as ECS stores it."""
    network = copy.deepcopy(network)
    vpc = network.get("awsvpcConfiguration")
    if vpc is None:
        return network
    subnets = vpc.get("subnets") or []
    if not subnets:
        raise InvalidParameterException("subnets can not be empty.")
    ec2 = ec2_backends[backend.account_id][backend.region_name]
    for subnet_id in subnets:
        try:
            ec2.get_subnet(subnet_id)
        except InvalidSubnetIdError as exc:
            raise InvalidParameterException(
                f"Error retrieving subnet information for [{subnet_id}]: {exc.message} (ErrorCode: {exc.code})"
            ) from exc
    for group_id in vpc.get("securityGroups") or []:
        if ec2.get_security_group_from_id(group_id) is None:
            error = InvalidSecurityGroupNotFoundError(group_id)
            raise InvalidParameterException(
                f"Error retrieving security group information for [{group_id}]: {error.message} (ErrorCode: {error.code})"
            )
    vpc.setdefault("assignPublicIp", "DISABLED")
    return network


def for_tasks(backend: EC2ContainerServiceBackend, network: dict[str, Any]) -> dict[str, Any]:
    """The configuration a task's network interface gets: the default group when none is named."""
    network = copy.deepcopy(network)
    vpc = network["awsvpcConfiguration"]
    if not vpc.get("securityGroups"):
        ec2 = ec2_backends[backend.account_id][backend.region_name]
        vpc_id = ec2.get_subnet(vpc["subnets"][0]).vpc_id
        vpc["securityGroups"] = [ec2.get_default_security_group(vpc_id).id]
    return network
