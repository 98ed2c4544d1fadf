"""Every network interface has a private DNS name, so awsvpc tasks can start in any VPC.

EC2 API reference (NetworkInterface.PrivateDnsName): an interface's private DNS name is derived
from its private IPv4 address (ip-10-0-1-5.ec2.internal). moto 5.2.5 sets it only in VPCs with
enableDnsHostnames, and its ECS task model reads it unconditionally: RunTask (and any service task)
with awsvpc networking in a new VPC fails with HTTP 500 (AttributeError).
"""

from __future__ import annotations

from moto.ec2.models.elastic_network_interfaces import NetworkInterface
from moto.ec2.utils import generate_dns_from_ip


def _get(interface: NetworkInterface) -> str:
    return interface.__dict__.get("_private_dns_name") or generate_dns_from_ip(interface.private_ip_address)


def _set(interface: NetworkInterface, name: str) -> None:
    interface.__dict__["_private_dns_name"] = name


def apply() -> None:
    NetworkInterface.private_dns_name = property(_get, _set)
