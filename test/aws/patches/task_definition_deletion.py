"""DeleteTaskDefinitions leaves the revision DELETE_IN_PROGRESS, still described, its number kept.

ECS API reference (DeleteTaskDefinitions; developer guide "Amazon ECS task definition states"): a
deleted revision goes from INACTIVE to DELETE_IN_PROGRESS; "you can retrieve the task definition by
calling DescribeTaskDefinition" while it is in that state; tasks and services that use it keep
running, and it is deleted permanently only once no task or deployment references it. "The task
definition name is retained by Amazon ECS and the revision is incremented the next time you create a
task definition with that name." moto 5.2.5 removes the revision at once: DescribeTaskDefinition
answers ClientException "Unable to describe task definition.", and deleting the family's latest
revision makes the next registration reuse its number.

The emulator keeps a DELETE_IN_PROGRESS revision for good (it never deletes it permanently).
"""

from __future__ import annotations

from typing import Any

from moto.ecs.models import EC2ContainerServiceBackend


def delete_task_definitions(self: EC2ContainerServiceBackend, task_definitions: list[str]) -> tuple[list[Any], list[Any]]:
    deleted, failures = _original_delete_task_definitions(self, task_definitions)
    for task_definition in deleted:
        # moto dropped it from the family; it stays there, DELETE_IN_PROGRESS.
        self.task_definitions.setdefault(task_definition.family, {})[task_definition.revision] = task_definition
    return deleted, failures


_original_delete_task_definitions = EC2ContainerServiceBackend.delete_task_definitions


def apply() -> None:
    EC2ContainerServiceBackend.delete_task_definitions = delete_task_definitions
