"""UpdateContainerInstancesState and DeregisterContainerInstance list attributes as name/value pairs.

ECS API reference (ContainerInstance.attributes): a list of Attribute, each with a required `name`
and an optional `value`, in every answer that carries a container instance. moto 5.2.5 keeps
attributes as a dict and turns them into that list only for DescribeContainerInstances and
RegisterContainerInstance; UpdateContainerInstancesState and DeregisterContainerInstance answer
attributes without names (found by the response check of the emulator's own suite).
"""

from __future__ import annotations

from moto.ecs.responses import EC2ContainerServiceResponse, format_attributes


def apply() -> None:
    EC2ContainerServiceResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER = {
        **EC2ContainerServiceResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER,
        "UpdateContainerInstancesStateResponse.containerInstances.ContainerInstance.attributes": format_attributes,
        "DeregisterContainerInstanceResponse.containerInstance.attributes": format_attributes,
    }
