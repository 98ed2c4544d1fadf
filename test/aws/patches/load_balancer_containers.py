"""CreateService/UpdateService: each load balancer names a container and port of the task definition.

ECS API reference (LoadBalancer): containerName is "the name of the container (as it appears in a
container definition) to associate with the load balancer" and containerPort "the port on the
container to associate with the load balancer. This port must correspond to a containerPort in
the task definition the tasks in the service are using." ECS refuses a port the container does not
map with InvalidParameterException "The container app did not have a container port 80 defined."
(pulumi/pulumi-awsx#1172). moto 5.2.5 stores any name and port.

The check is made on the service as it will be: on UpdateService, the new load balancers with the
current task definition, or the current load balancers with the new task definition. The
sentence for a container the task definition does not have is the emulator's own wording.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse

from .ecs_model import get_field


def validate(backend: EC2ContainerServiceBackend, task_definition: str | None, load_balancers: list[dict[str, Any]]) -> None:
    if not task_definition or not load_balancers:
        return
    containers = {c.get("name"): c for c in backend.describe_task_definition(task_definition).container_definitions}
    for load_balancer in load_balancers:
        name, port = load_balancer.get("containerName"), load_balancer.get("containerPort")
        if name is None:
            continue
        container = containers.get(name)
        if container is None:
            raise InvalidParameterException(f"The container {name} does not exist in the task definition.")
        ports = {m.get("containerPort") for m in container.get("portMappings") or []}
        if port not in ports:
            raise InvalidParameterException(f"The container {name} did not have a container port {port} defined.")


def apply() -> None:
    created, updated = EC2ContainerServiceResponse.create_service, EC2ContainerServiceResponse.update_service

    def create_service(self: EC2ContainerServiceResponse) -> ActionResult:
        validate(self.ecs_backend, self._get_param("taskDefinition"), self._get_param("loadBalancers") or [])
        return created(self)

    def update_service(self: EC2ContainerServiceResponse) -> ActionResult:
        load_balancers = self._get_param("loadBalancers")
        task_definition = self._get_param("taskDefinition")
        if load_balancers is not None or task_definition is not None:
            backend = self.ecs_backend
            cluster = backend._get_cluster(self._get_param("cluster") or "default")
            service = backend._get_service(cluster.name, self._get_param("service"))
            if service.status != "ACTIVE":
                return updated(self)
            validate(
                backend,
                task_definition or get_field(service, "taskDefinition"),
                get_field(service, "loadBalancers") if load_balancers is None else load_balancers,
            )
        return updated(self)

    EC2ContainerServiceResponse.create_service = create_service
    EC2ContainerServiceResponse.update_service = update_service
