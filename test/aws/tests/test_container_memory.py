"""A container's memory and memoryReservation fit in the task's (patches/container_memory.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def register(aws: Aws, task_memory: str, **container: int) -> dict:
    return aws.ecs.register_task_definition(
        family="mem",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory=task_memory,
        containerDefinitions=[{"name": "worker", "image": "nginx", **container}],
    )


def test_container_memory_above_the_task_memory_is_a_client_exception(aws: Aws) -> None:
    for task_memory, container, setting in (
        ("512", {"memory": 1024}, "memory"),
        ("1 GB", {"memoryReservation": 1025}, "memoryReservation"),
    ):
        with pytest.raises(ClientError) as error:
            register(aws, task_memory, **container)
        assert error.value.response["Error"]["Code"] == "ClientException"
        assert error.value.response["Error"]["Message"] == (
            f"The '{setting}' setting for container 'worker' is greater than for the task."
        )
    assert aws.ecs.list_task_definitions(familyPrefix="mem")["taskDefinitionArns"] == []
    assert register(aws, "1GB", memory=1024, memoryReservation=512)["taskDefinition"]["revision"] == 1
