"""RegisterTaskDefinition: a task definition is at most 64 KiB.

Amazon ECS service quotas (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html):
"Task definition size: 64 KiB", "The maximum size of a task definition", not adjustable. moto
5.2.5 registers a task definition of any size.

The size is measured on the request as sent (its JSON body: the task definition and its tags).
ECS answers ClientException, as for every other task definition it refuses; the message is the
emulator's own wording (AWS's exact sentence is not published).
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.ecs.exceptions import EcsClientException
from moto.ecs.responses import EC2ContainerServiceResponse

MAX_BYTES = 64 * 1024


def too_large(size: int) -> EcsClientException:
    return EcsClientException(f"Task definition size ({size} bytes) exceeds the maximum of 64 KiB ({MAX_BYTES} bytes).")


def apply() -> None:
    registered = EC2ContainerServiceResponse.register_task_definition

    def register_task_definition(self: EC2ContainerServiceResponse) -> ActionResult:
        body = self.raw_body if isinstance(self.raw_body, bytes) else str(self.raw_body or "").encode()
        if len(body) > MAX_BYTES:
            raise too_large(len(body))
        return registered(self)

    EC2ContainerServiceResponse.register_task_definition = register_task_definition
