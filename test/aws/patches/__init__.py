"""Patches that make moto behave like AWS where this project depends on it.

Each module implements one behaviour as the AWS API reference documents it (its docstring says
which, and what moto 5.2.5 does instead); apply_all() installs them into the running moto.
"""

from __future__ import annotations

from . import (
    aas_object_not_found,
    aas_pagination,
    delete_service,
    list_tasks,
    network_interface_dns,
    scalable_target_capacity,
    scalable_target_deregistration,
    scaling_policy_alarms,
    service_api,
)
from . import (
    capacity_providers,
    cluster_capacity_providers,
    cluster_counts,
    cluster_settings,
    delete_cluster,
    describe_clusters_include,
)

_applied = False


def apply_all() -> None:
    global _applied
    if _applied:
        return
    service_api.apply()
    delete_service.apply()
    list_tasks.apply()
    scaling_policy_alarms.apply()
    network_interface_dns.apply()
    scalable_target_capacity.apply()
    scalable_target_deregistration.apply()
    # Last among the Application Auto Scaling patches: it wraps the calls they install, so that a
    # missing object is reported before any of them acts.
    aas_object_not_found.apply()
    aas_pagination.apply()
    cluster_settings.apply()
    cluster_capacity_providers.apply()
    describe_clusters_include.apply()
    capacity_providers.apply()
    cluster_counts.apply()
    delete_cluster.apply()
    _applied = True
