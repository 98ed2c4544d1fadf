"""Cluster settings: UpdateClusterSettings, and containerInsights values checked.

ECS API reference (UpdateClusterSettings, ClusterSetting, CreateCluster, UpdateCluster): the only
setting is `containerInsights`, whose value is `enhanced`, `enabled` or `disabled`; a cluster that
names none reports the account default (`disabled` unless the account setting says otherwise).
UpdateClusterSettings changes the named settings and answers with the cluster. moto 5.2.5 has no
UpdateClusterSettings (the call fails) and stores any setting name and value it is given.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import Cluster, EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse

VALUES = ("enhanced", "enabled", "disabled")


def validate(settings: list[dict[str, Any]] | None) -> None:
    for setting in settings or []:
        if setting.get("name") != "containerInsights":
            raise InvalidParameterException(f"Setting name {setting.get('name')} is not valid. Valid names: [containerInsights]")
        if setting.get("value") not in VALUES:
            raise InvalidParameterException(
                f"Setting value {setting.get('value')} is not valid for containerInsights. Valid values: [{', '.join(VALUES)}]"
            )


def merged(current: list[dict[str, Any]] | None, given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cluster's settings with those given replacing the ones of the same name."""
    names = {s["name"] for s in given}
    return [s for s in current or [] if s.get("name") not in names] + [dict(s) for s in given]


def update_cluster_settings(self: EC2ContainerServiceResponse) -> ActionResult:
    settings = self._get_param("settings") or []
    validate(settings)
    cluster: Cluster = self.ecs_backend._get_cluster(self._get_param("cluster"))
    cluster.settings = merged(cluster.settings, settings)
    return ActionResult({"cluster": cluster})


_original_create: Any = None
_original_update: Any = None


def create_cluster(self: EC2ContainerServiceBackend, cluster_name: str, *args: Any, **kwargs: Any) -> Cluster:
    settings = kwargs.get("cluster_settings", args[1] if len(args) > 1 else None)
    validate(settings)
    cluster = _original_create(self, cluster_name, *args, **kwargs)
    cluster.settings = merged([{"name": "containerInsights", "value": "disabled"}], settings or [])
    return cluster


def update_cluster(
    self: EC2ContainerServiceBackend,
    cluster_name: str,
    cluster_settings: list[dict[str, str]] | None,
    configuration: dict[str, Any] | None,
    service_connect_defaults: dict[str, str] | None,
) -> Cluster:
    validate(cluster_settings)
    cluster = self._get_cluster(cluster_name)
    settings = merged(cluster.settings, cluster_settings) if cluster_settings else None
    return _original_update(self, cluster_name, settings, configuration, service_connect_defaults)


def apply() -> None:
    # Wrapped as other patches left them: several patches wrap the same call.
    global _original_create, _original_update
    _original_create = EC2ContainerServiceBackend.create_cluster
    _original_update = EC2ContainerServiceBackend.update_cluster
    EC2ContainerServiceResponse.update_cluster_settings = update_cluster_settings
    EC2ContainerServiceBackend.create_cluster = create_cluster
    EC2ContainerServiceBackend.update_cluster = update_cluster
