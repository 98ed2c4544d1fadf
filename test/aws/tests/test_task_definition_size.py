"""A task definition is at most 64 KiB (patches/task_definition_size.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def test_a_task_definition_over_64_kib_is_refused_and_one_under_it_registered(aws: Aws) -> None:
    def register(value_size: int) -> dict:
        environment = [{"name": f"V{i}", "value": "x" * value_size} for i in range(16)]
        return aws.ecs.register_task_definition(
            family="big", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128, "environment": environment}]
        )

    with pytest.raises(ClientError) as error:
        register(4200)  # 16 x 4.2 KB: over 64 KiB
    assert error.value.response["Error"]["Code"] == "ClientException"
    assert "exceeds the maximum of 64 KiB" in error.value.response["Error"]["Message"]
    assert aws.ecs.list_task_definitions(familyPrefix="big")["taskDefinitionArns"] == []
    assert register(3900)["taskDefinition"]["revision"] == 1  # about 63 KiB
