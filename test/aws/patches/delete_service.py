"""DeleteService drains a service: DRAINING while its tasks stop, then INACTIVE.

ECS API reference (DeleteService, ListServices, UpdateService): a service scaled above 0 cannot be
deleted without force (InvalidParameterException); a deleted service goes to DRAINING, its desired
count to 0, and to INACTIVE once its tasks have stopped; INACTIVE services are still described but
no longer listed; updating or deleting a service that is not ACTIVE fails with
ServiceNotActiveException. moto 5.2.5 marks the service INACTIVE at once and lists it forever.
"""

from __future__ import annotations

from typing import Any

from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend, Service

from .ecs_model import ServiceNotActiveException, deployments, is_emulated


def ensure_active(service: Service) -> None:
    if service.status != "ACTIVE":
        raise ServiceNotActiveException()


def delete_service(self: EC2ContainerServiceBackend, cluster_name: str, service_name: str, force: bool) -> Service:
    service = self._get_service(cluster_name, service_name)
    ensure_active(service)
    if service.desired_count > 0 and not force:
        raise InvalidParameterException("The service cannot be stopped while it is scaled above 0.")
    service.status = "DRAINING" if is_emulated(service) else "INACTIVE"
    service.desired_count = 0
    for deployment in deployments(service) if is_emulated(service) else []:
        deployment.desired_count = 0
    return service


def list_services(
    self: EC2ContainerServiceBackend,
    cluster_str: str,
    scheduling_strategy: str | None = None,
    launch_type: str | None = None,
) -> list[str]:
    return [
        arn
        for arn in _original_list_services(self, cluster_str, scheduling_strategy, launch_type=launch_type)
        if _status(self, arn) != "INACTIVE"
    ]


def _status(backend: EC2ContainerServiceBackend, arn: str) -> Any:
    return next(s.status for s in backend.services.values() if s.arn == arn)


_original_list_services = EC2ContainerServiceBackend.list_services


def apply() -> None:
    EC2ContainerServiceBackend.delete_service = delete_service
    EC2ContainerServiceBackend.list_services = list_services
