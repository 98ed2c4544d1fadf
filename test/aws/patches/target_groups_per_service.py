"""CreateService/UpdateService: a service has at most 5 load balancers (target groups).

Amazon ECS service quotas (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html):
"Target groups per service: 5", not adjustable; the API reference (CreateService, loadBalancers)
says a service "can use multiple target groups" for one or more containers. moto 5.2.5 stores any
number.

ECS answers InvalidParameterException; the sentence is the emulator's own, in the form ECS uses
for DescribeServices' limit ("service names can have at most 10 items.").
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.responses import EC2ContainerServiceResponse

MAX_TARGET_GROUPS = 5


def validate(load_balancers: list[Any] | None) -> None:
    if load_balancers and len(load_balancers) > MAX_TARGET_GROUPS:
        raise InvalidParameterException(f"loadBalancers can have at most {MAX_TARGET_GROUPS} items.")


def apply() -> None:
    created, updated = EC2ContainerServiceResponse.create_service, EC2ContainerServiceResponse.update_service

    def create_service(self: EC2ContainerServiceResponse) -> ActionResult:
        validate(self._get_param("loadBalancers"))
        return created(self)

    def update_service(self: EC2ContainerServiceResponse) -> ActionResult:
        validate(self._get_param("loadBalancers"))
        return updated(self)

    EC2ContainerServiceResponse.create_service = create_service
    EC2ContainerServiceResponse.update_service = update_service
