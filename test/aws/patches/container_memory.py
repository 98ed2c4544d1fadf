"""RegisterTaskDefinition: a container's `memory` and `memoryReservation` fit in the task's memory.

ECS API reference (ContainerDefinition, memory): "If a task-level memory value is specified, the
container-level memory value is optional"; the container values are limits within the task's,
and "the total amount of memory reserved for all containers within a task must be lower than the
task memory value, if one is specified" (Task definition parameters, Container definitions). ECS
refuses a container whose setting exceeds the task's with ClientException "The 'memory' setting
for container 'worker' is greater than for the task." (pulumi/pulumi-awsx#188, #1220). moto 5.2.5
accepts any value.

The sentence for `memoryReservation` is the emulator's, by analogy. The task memory may be given in
MiB ("512") or in GB ("1GB", "1 GB"), as RegisterTaskDefinition documents; a value in neither form
is left to the model check.
"""

from __future__ import annotations

import re
from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.exceptions import EcsClientException
from moto.ecs.responses import EC2ContainerServiceResponse

_MIB = re.compile(r"\s*(\d+)\s*")
_GB = re.compile(r"\s*(\d+(?:\.\d+)?)\s*GB\s*", re.IGNORECASE)


def task_memory_mib(memory: Any) -> float | None:
    if not isinstance(memory, str):
        return None
    if match := _MIB.fullmatch(memory):
        return int(match.group(1))
    if match := _GB.fullmatch(memory):
        return float(match.group(1)) * 1024
    return None


def validate(memory: Any, containers: list[dict[str, Any]]) -> None:
    limit = task_memory_mib(memory)
    if limit is None:
        return
    for container in containers:
        for setting in ("memory", "memoryReservation"):
            value = container.get(setting)
            if isinstance(value, int) and value > limit:
                raise EcsClientException(
                    f"The '{setting}' setting for container '{container.get('name')}' is greater than for the task."
                )


def apply() -> None:
    registered = EC2ContainerServiceResponse.register_task_definition

    def register_task_definition(self: EC2ContainerServiceResponse) -> ActionResult:
        validate(self._get_param("memory"), self._get_param("containerDefinitions") or [])
        return registered(self)

    EC2ContainerServiceResponse.register_task_definition = register_task_definition
