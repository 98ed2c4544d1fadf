"""Auto Scaling group capacity providers: names, the group, termination protection, lifecycle.

ECS API reference (CreateCapacityProvider, UpdateCapacityProvider, DeleteCapacityProvider,
DescribeCapacityProviders, CapacityProvider, AutoScalingGroupProvider):
- a name can't be prefixed with "aws", "ecs" or "fargate"; FARGATE and FARGATE_SPOT are reserved,
  available to every account, and can't be deleted;
- `autoScalingGroupArn` is the ARN or the name of an existing Auto Scaling group;
- managed termination protection needs managed scaling, and the group must have instance
  protection from scale-in on;
- managed draining is on (ENABLED) by default when a capacity provider is created (Developer
  Guide, "Configuring Amazon ECS capacity providers to safely shut down instances");
- UpdateCapacityProvider reports `updateStatus` UPDATE_IN_PROGRESS, then UPDATE_COMPLETE;
- only capacity providers that aren't associated with a cluster can be deleted; a deleted one is
  DELETE_IN_PROGRESS, then INACTIVE with DELETE_COMPLETE, and stays discoverable for a while;
- DescribeCapacityProviders without names describes every capacity provider.
moto 5.2.5 checks none of this: any name, any group, a provider deleted while in use, removed at
once (describing it then reports MISSING), UPDATE_COMPLETE at once, and a describe without names
fails.

The emulator finishes an update or a deletion before the next read of the provider: the call's
answer shows the IN_PROGRESS state, any later DescribeCapacityProviders the completed one.
"""

from __future__ import annotations

from typing import Any

from moto.autoscaling.models import FakeAutoScalingGroup, autoscaling_backends
from moto.core.responses import ActionResult
from moto.ecs.exceptions import EcsClientException, InvalidParameterException
from moto.ecs.models import CapacityProvider, EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse

from .ecs_model import FARGATE_PROVIDERS

RESERVED_PREFIXES = ("aws", "ecs", "fargate")


def fargate_provider(backend: EC2ContainerServiceBackend, name: str) -> CapacityProvider:
    """FARGATE or FARGATE_SPOT as DescribeCapacityProviders reports them (no Auto Scaling group)."""
    provider = CapacityProvider.__new__(CapacityProvider)
    provider.name = name
    provider.capacity_provider_arn = f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:capacity-provider/{name}"
    provider.status = "ACTIVE"
    provider.auto_scaling_group_provider = None
    provider.tags = []
    provider.update_status = None
    return provider


def auto_scaling_group(backend: EC2ContainerServiceBackend, name_or_arn: str) -> FakeAutoScalingGroup:
    groups = autoscaling_backends[backend.account_id][backend.region_name].autoscaling_groups
    name = name_or_arn.rsplit("autoScalingGroupName/", 1)[-1]
    group = groups.get(name)
    if group is None or (name_or_arn.startswith("arn:") and group.arn != name_or_arn):
        raise InvalidParameterException(f"The specified Auto Scaling group {name_or_arn} could not be found.")
    return group


def check_termination_protection(group: FakeAutoScalingGroup, asg_provider: dict[str, Any]) -> None:
    if asg_provider.get("managedTerminationProtection") != "ENABLED":
        return
    if (asg_provider.get("managedScaling") or {}).get("status") != "ENABLED":
        raise EcsClientException(
            "The managed termination protection setting for the capacity provider is invalid. "
            "To enable managed termination protection for a capacity provider, managed scaling must be enabled."
        )
    if not group.new_instances_protected_from_scale_in:
        raise EcsClientException(
            "The managed termination protection setting for the capacity provider is invalid. To enable managed "
            "termination protection for a capacity provider, the Auto Scaling group must have instance protection "
            "from scale in enabled."
        )


def live(backend: EC2ContainerServiceBackend, name_or_arn: str) -> CapacityProvider | None:
    provider = backend._get_provider(name_or_arn)
    return provider if provider is not None and provider.status == "ACTIVE" else None


def settle(provider: CapacityProvider) -> None:
    """Completes an update or deletion that a previous call started."""
    if provider.update_status == "UPDATE_IN_PROGRESS":
        provider.update_status = "UPDATE_COMPLETE"
    elif provider.update_status == "DELETE_IN_PROGRESS":
        provider.status = "INACTIVE"
        provider.update_status = "DELETE_COMPLETE"


def associated_clusters(backend: EC2ContainerServiceBackend, name: str) -> list[str]:
    return [c.name for c in backend.clusters.values() if c.status == "ACTIVE" and name in (c.capacity_providers or [])]


def create_capacity_provider(self: EC2ContainerServiceResponse) -> ActionResult:
    backend = self.ecs_backend
    name: str = self._get_param("name")
    asg_provider: dict[str, Any] = self._get_param("autoScalingGroupProvider") or {}
    if name in FARGATE_PROVIDERS or name.lower().startswith(RESERVED_PREFIXES):
        raise InvalidParameterException(
            'The specified capacity provider name is invalid. A capacity provider name can\'t be prefixed with "aws", "ecs", or "fargate".'
        )
    existing = backend._get_provider(name)
    if existing is not None:
        settle(existing)
        if existing.status == "ACTIVE":
            raise EcsClientException(
                "The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider."
            )
    group = auto_scaling_group(backend, asg_provider.get("autoScalingGroupArn", ""))
    check_termination_protection(group, asg_provider)
    asg_provider = {**asg_provider, "autoScalingGroupArn": group.arn}
    asg_provider.setdefault("managedDraining", "ENABLED")
    provider = backend.create_capacity_provider(name, asg_provider, self._get_param("tags"))
    return ActionResult({"capacityProvider": provider})


def update_capacity_provider(self: EC2ContainerServiceResponse) -> ActionResult:
    backend = self.ecs_backend
    name: str = self._get_param("name")
    update: dict[str, Any] = self._get_param("autoScalingGroupProvider") or {}
    provider = backend._get_provider(name)
    if provider is not None:
        settle(provider)
    if provider is None or provider.status != "ACTIVE" or provider.update_status == "DELETE_IN_PROGRESS":
        raise EcsClientException("The specified capacity provider does not exist.")
    current = provider.auto_scaling_group_provider
    merged = {
        **current,
        **{k: v for k, v in update.items() if k != "managedScaling"},
        "managedScaling": {**current.get("managedScaling", {}), **(update.get("managedScaling") or {})},
    }
    check_termination_protection(auto_scaling_group(backend, current["autoScalingGroupArn"]), merged)
    if "managedDraining" in update:
        current["managedDraining"] = update["managedDraining"]
    provider.update(update)
    provider.update_status = "UPDATE_IN_PROGRESS"
    return ActionResult({"capacityProvider": provider})


def delete_capacity_provider(self: EC2ContainerServiceResponse) -> ActionResult:
    backend = self.ecs_backend
    name: str = self._get_param("capacityProvider")
    if name.rsplit("/", 1)[-1] in FARGATE_PROVIDERS:
        raise InvalidParameterException("The FARGATE and FARGATE_SPOT capacity providers are reserved and can't be deleted.")
    provider = backend._get_provider(name)
    if provider is not None:
        settle(provider)
    if provider is None or provider.status != "ACTIVE":
        raise EcsClientException("The specified capacity provider does not exist.")
    clusters = associated_clusters(backend, provider.name)
    if clusters:
        raise EcsClientException(
            f"The specified capacity provider is in use by cluster {clusters[0]}. Remove it from the cluster with "
            "PutClusterCapacityProviders, or delete the cluster, and try again."
        )
    provider.update_status = "DELETE_IN_PROGRESS"
    return ActionResult({"capacityProvider": provider})


def describe_capacity_providers(self: EC2ContainerServiceResponse) -> ActionResult:
    backend = self.ecs_backend
    names: list[str] | None = self._get_param("capacityProviders")
    for provider in backend.capacity_providers.values():
        settle(provider)
    if not names:
        providers = [fargate_provider(backend, n) for n in FARGATE_PROVIDERS] + list(backend.capacity_providers.values())
        return ActionResult({"capacityProviders": providers, "failures": []})
    fargate = [fargate_provider(backend, n.rsplit("/", 1)[-1]) for n in names if n.rsplit("/", 1)[-1] in FARGATE_PROVIDERS]
    others = [n for n in names if n.rsplit("/", 1)[-1] not in FARGATE_PROVIDERS]
    providers, failures = backend.describe_capacity_providers(others)
    return ActionResult({"capacityProviders": fargate + providers, "failures": failures})


def apply() -> None:
    EC2ContainerServiceResponse.create_capacity_provider = create_capacity_provider
    EC2ContainerServiceResponse.update_capacity_provider = update_capacity_provider
    EC2ContainerServiceResponse.delete_capacity_provider = delete_capacity_provider
    EC2ContainerServiceResponse.describe_capacity_providers = describe_capacity_providers
