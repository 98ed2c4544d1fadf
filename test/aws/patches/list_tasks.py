"""ListTasks filters by serviceName, and lists RUNNING-desired tasks unless told otherwise.

ECS API reference (ListTasks): serviceName limits the results to the tasks that belong to that
service; desiredStatus filters on the desired status and RUNNING is the default filter. moto 5.2.5
ignores serviceName (its services start no tasks) and lists every task when desiredStatus is absent.
"""

from __future__ import annotations

from moto.ecs.models import EC2ContainerServiceBackend, Task

_original = EC2ContainerServiceBackend.list_tasks


def list_tasks(
    self: EC2ContainerServiceBackend,
    cluster_str: str | None = None,
    container_instance: str | None = None,
    family: str | None = None,
    started_by: str | None = None,
    service_name: str | None = None,
    desiredStatus: str | None = None,
) -> list[Task]:
    tasks = _original(self, cluster_str, container_instance, family, started_by, None, desiredStatus or "RUNNING")
    if service_name:
        group = f"service:{service_name.rsplit('/', 1)[-1]}"
        tasks = [t for t in tasks if t.group == group]
    return tasks


def apply() -> None:
    EC2ContainerServiceBackend.list_tasks = list_tasks
