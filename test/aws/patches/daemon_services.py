"""DAEMON services: not on Fargate, and one task per ACTIVE container instance.

ECS API reference (CreateService, schedulingStrategy): "Tasks using the Fargate launch type or the
CODE_DEPLOY or EXTERNAL deployment controller types don't support the DAEMON scheduling strategy";
a DAEMON service places exactly one task on each active container instance that meets the
placement constraints, and needs no desiredCount. moto 5.2.5 accepts DAEMON on Fargate and keeps
the desiredCount it was given. (Placement constraints are not evaluated here: every ACTIVE
instance counts.)
"""

from __future__ import annotations

from typing import Any

from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend, Service

from .ecs_model import is_fargate


def validate(fields: dict[str, Any]) -> None:
    if fields["schedulingStrategy"] != "DAEMON":
        return
    if is_fargate(fields):
        raise InvalidParameterException("The DAEMON scheduling strategy is not supported with the FARGATE launch type.")
    if fields["deploymentController"].get("type", "ECS") != "ECS":
        raise InvalidParameterException("The DAEMON scheduling strategy requires the ECS deployment controller.")


def is_daemon(service: Service) -> bool:
    return service.scheduling_strategy == "DAEMON"


def desired_count(backend: EC2ContainerServiceBackend, service: Service) -> int:
    instances = backend.container_instances.get(service.cluster_name, {})
    return sum(1 for instance in instances.values() if instance.status == "ACTIVE")
