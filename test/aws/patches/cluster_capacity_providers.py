"""A cluster's capacity providers and default strategy (CreateCluster, PutClusterCapacityProviders).

ECS API reference (PutClusterCapacityProviders, CreateCluster, CapacityProviderStrategyItem):
- the providers named must exist and be ACTIVE (FARGATE and FARGATE_SPOT always do);
- PutClusterCapacityProviders takes the whole list and the whole default strategy: providers
  left out are disassociated, and an empty strategy ([]) clears it;
- a provider can only be disassociated if nothing uses it: a service whose strategy names it or
  a task placed on it makes the call fail with ResourceInUseException;
- the default strategy names only providers of the cluster, with at most one base above 0.
moto 5.2.5 stores whatever it is given and never refuses a removal.
"""

from __future__ import annotations

from typing import Any

from moto.ecs.exceptions import ECSException, InvalidParameterException
from moto.ecs.models import Cluster, EC2ContainerServiceBackend

from .ecs_model import FARGATE_PROVIDERS


class ResourceInUseException(ECSException):
    code = "ResourceInUseException"

    def __init__(self, message: str) -> None:
        super().__init__(message)


def check_providers(backend: EC2ContainerServiceBackend, providers: list[str]) -> None:
    for name in providers:
        if name in FARGATE_PROVIDERS:
            continue
        provider = backend._get_provider(name)
        if provider is None or provider.status != "ACTIVE" or provider.update_status == "DELETE_IN_PROGRESS":
            raise InvalidParameterException(f"The specified capacity provider {name} is not in an ACTIVE state. Specify a valid capacity provider and try again.")


def check_strategy(providers: list[str], strategy: list[dict[str, Any]]) -> None:
    for item in strategy:
        if item["capacityProvider"] not in providers:
            raise InvalidParameterException(
                "The specified capacity provider strategy cannot contain a capacity provider that is not associated "
                "with the cluster. Associate the capacity provider with the cluster or specify a valid capacity "
                "provider and try again."
            )
    if len([i for i in strategy if (i.get("base") or 0) > 0]) > 1:
        raise InvalidParameterException("A capacity provider strategy can have only one capacity provider with a base greater than 0.")


def users(backend: EC2ContainerServiceBackend, cluster: Cluster, provider: str) -> list[str]:
    """Services (not INACTIVE) and live tasks of the cluster that use the provider."""
    services = [
        s.name
        for s in backend.services.values()
        if s.cluster_name == cluster.name
        and s.status != "INACTIVE"
        and any(i["capacityProvider"] == provider for i in s.capacity_provider_strategy or [])
    ]
    tasks = [
        t.task_arn
        for t in backend.tasks.get(cluster.name, {}).values()
        if t.last_status != "STOPPED" and getattr(t, "capacity_provider_name", None) == provider
    ]
    return services + tasks


_original_create: Any = None
_original_put: Any = None


def create_cluster(self: EC2ContainerServiceBackend, cluster_name: str, *args: Any, **kwargs: Any) -> Cluster:
    # moto's handler passes (tags, settings, configuration, providers, strategy) by position.
    providers = kwargs.get("capacity_providers", args[3] if len(args) > 3 else None) or []
    strategy = kwargs.get("default_capacity_provider_strategy", args[4] if len(args) > 4 else None) or []
    check_providers(self, providers)
    check_strategy(providers, strategy)
    return _original_create(self, cluster_name, *args, **kwargs)


def put_cluster_capacity_providers(
    self: EC2ContainerServiceBackend,
    cluster_name: str,
    capacity_providers: list[str] | None,
    default_capacity_provider_strategy: list[dict[str, Any]] | None,
) -> Cluster:
    cluster = self._get_cluster(cluster_name)
    providers = capacity_providers or []
    strategy = default_capacity_provider_strategy or []
    check_providers(self, providers)
    check_strategy(providers, strategy)
    for removed in [p for p in cluster.capacity_providers or [] if p not in providers]:
        if users(self, cluster, removed):
            raise ResourceInUseException(f"The specified capacity provider {removed} is in use and cannot be removed.")
    return _original_put(self, cluster_name, providers, strategy)


def apply() -> None:
    # Wrapped as other patches left them: several patches wrap the same call.
    global _original_create, _original_put
    _original_create = EC2ContainerServiceBackend.create_cluster
    _original_put = EC2ContainerServiceBackend.put_cluster_capacity_providers
    EC2ContainerServiceBackend.create_cluster = create_cluster
    EC2ContainerServiceBackend.put_cluster_capacity_providers = put_cluster_capacity_providers
