"""DeleteCluster refuses a cluster that still has services, tasks or container instances.

ECS API reference (DeleteCluster and its errors): ClusterContainsServicesException "You can't
delete a cluster that contains services. First, update the service to reduce its desired task
count to 0, and then delete the service."; ClusterContainsTasksException "You can't delete a
cluster that has active tasks."; ClusterContainsContainerInstancesException "You can't delete a
cluster that has registered container instances." A deleted cluster is INACTIVE and may stay
discoverable for a while. A service still draining is in the cluster until it is INACTIVE.
moto 5.2.5 marks any cluster INACTIVE at once, whatever it holds.
"""

from __future__ import annotations

from typing import Any

from moto.ecs.exceptions import ECSException
from moto.ecs.models import Cluster, EC2ContainerServiceBackend


class ClusterContainsServicesException(ECSException):
    code = "ClusterContainsServicesException"

    def __init__(self) -> None:
        super().__init__(
            "The Cluster cannot be deleted while Services are active. First, update the service to reduce its "
            "desired task count to 0, and then delete the service."
        )


class ClusterContainsTasksException(ECSException):
    code = "ClusterContainsTasksException"

    def __init__(self) -> None:
        super().__init__("The Cluster cannot be deleted while Tasks are active.")


class ClusterContainsContainerInstancesException(ECSException):
    code = "ClusterContainsContainerInstancesException"

    def __init__(self) -> None:
        super().__init__("The Cluster cannot be deleted while Container Instances are active or draining.")


_original: Any = None


def delete_cluster(self: EC2ContainerServiceBackend, cluster_str: str) -> Cluster:
    cluster = self._get_cluster(cluster_str)
    if any(s.cluster_name == cluster.name and s.status != "INACTIVE" for s in self.services.values()):
        raise ClusterContainsServicesException()
    if any(t.last_status != "STOPPED" for t in self.tasks.get(cluster.name, {}).values()):
        raise ClusterContainsTasksException()
    if any(i.status in ("ACTIVE", "DRAINING") for i in self.container_instances.get(cluster.name, {}).values()):
        raise ClusterContainsContainerInstancesException()
    return _original(self, cluster_str)


def apply() -> None:
    # Wrapped as other patches left them: several patches wrap the same call.
    global _original
    _original = EC2ContainerServiceBackend.delete_cluster
    EC2ContainerServiceBackend.delete_cluster = delete_cluster
