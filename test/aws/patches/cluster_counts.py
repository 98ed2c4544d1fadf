"""A cluster's counts follow what runs in it.

ECS API reference (Cluster): activeServicesCount is the number of services in the ACTIVE state,
runningTasksCount and pendingTasksCount the tasks in RUNNING and PENDING, and
registeredContainerInstancesCount the container instances registered (ACTIVE or DRAINING).
moto 5.2.5 keeps counters that services and their tasks never move.
"""

from __future__ import annotations

from typing import Any

from moto.ecs.models import Cluster, EC2ContainerServiceBackend, ecs_backends


def _backend(cluster: Cluster) -> EC2ContainerServiceBackend:
    account = cluster.arn.split(":")[4]
    return ecs_backends[account][cluster.region_name]  # type: ignore[no-any-return]


def _tasks(cluster: Cluster, status: str) -> int:
    return sum(1 for t in _backend(cluster).tasks.get(cluster.name, {}).values() if t.last_status == status)


def _counter(count: Any) -> property:
    # moto's constructor assigns the counters: the setter takes and ignores that.
    return property(count, lambda self, value: None)


def apply() -> None:
    Cluster.active_services_count = _counter(
        lambda c: sum(1 for s in _backend(c).services.values() if s.cluster_name == c.name and s.status == "ACTIVE")
    )
    Cluster.running_tasks_count = _counter(lambda c: _tasks(c, "RUNNING"))
    Cluster.pending_tasks_count = _counter(lambda c: _tasks(c, "PENDING"))
    Cluster.registered_container_instances_count = _counter(
        lambda c: sum(1 for i in _backend(c).container_instances.get(c.name, {}).values() if i.status in ("ACTIVE", "DRAINING"))
    )
