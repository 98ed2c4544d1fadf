"""DeleteTaskDefinitions keeps the revision DELETE_IN_PROGRESS (patches/task_definition_deletion.py)."""

from __future__ import annotations

from support import Aws


def test_deleted_revision_is_described_as_delete_in_progress_and_its_number_is_not_reused(aws: Aws) -> None:
    aws.task_definition("web")
    second = aws.task_definition("web", image="nginx:2")
    aws.ecs.deregister_task_definition(taskDefinition=second)
    response = aws.ecs.delete_task_definitions(taskDefinitions=[second])
    assert [t["status"] for t in response["taskDefinitions"]] == ["DELETE_IN_PROGRESS"]
    assert response["failures"] == []

    described = aws.ecs.describe_task_definition(taskDefinition=second)["taskDefinition"]
    assert (described["revision"], described["status"]) == (2, "DELETE_IN_PROGRESS")
    assert aws.ecs.list_task_definitions(familyPrefix="web")["taskDefinitionArns"][-1].endswith("/web:1")

    third = aws.task_definition("web", image="nginx:3")
    assert third.endswith("/web:3")


def test_an_active_revision_cannot_be_deleted(aws: Aws) -> None:
    arn = aws.task_definition("web")
    response = aws.ecs.delete_task_definitions(taskDefinitions=[arn])
    assert response["taskDefinitions"] == []
    assert "ACTIVE" in response["failures"][0]["reason"]
    assert aws.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["status"] == "ACTIVE"
