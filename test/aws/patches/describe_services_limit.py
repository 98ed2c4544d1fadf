"""DescribeServices: at most 10 services per call.

ECS API reference (DescribeServices, services): "A list of services to describe. You may specify up
to 10 services to describe in a single operation." Past that ECS answers InvalidParameterException
"service names can have at most 10 items." (structurely/ecs-autoscale#32). moto 5.2.5 describes any
number.
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.responses import EC2ContainerServiceResponse

MAX_SERVICES = 10


def apply() -> None:
    described = EC2ContainerServiceResponse.describe_services

    def describe_services(self: EC2ContainerServiceResponse) -> ActionResult:
        if len(self._get_param("services") or []) > MAX_SERVICES:
            raise InvalidParameterException(f"service names can have at most {MAX_SERVICES} items.")
        return described(self)

    EC2ContainerServiceResponse.describe_services = describe_services
