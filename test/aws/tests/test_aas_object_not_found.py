"""Missing targets, policies and scheduled actions are ObjectNotFoundException
(patches/aas_object_not_found.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import ECS_DESIRED_COUNT, Aws


def error_code(call: Callable[..., Any], **params: Any) -> str:
    with pytest.raises(ClientError) as error:
        call(ServiceNamespace="ecs", ScalableDimension=ECS_DESIRED_COUNT, **params)
    return str(error.value.response["Error"]["Code"])


def test_deleting_or_deregistering_what_does_not_exist_is_object_not_found(aws: Aws) -> None:
    _, resource = aws.scalable_service()
    scaling = aws.scaling
    assert error_code(scaling.delete_scaling_policy, ResourceId=resource, PolicyName="nope") == "ObjectNotFoundException"
    assert (
        error_code(scaling.delete_scheduled_action, ResourceId=resource, ScheduledActionName="nope")
        == "ObjectNotFoundException"
    )
    scaling.deregister_scalable_target(ServiceNamespace="ecs", ResourceId=resource, ScalableDimension=ECS_DESIRED_COUNT)
    assert error_code(scaling.deregister_scalable_target, ResourceId=resource) == "ObjectNotFoundException"


def test_deleting_a_scheduled_action_that_exists_succeeds(aws: Aws) -> None:
    _, resource = aws.scalable_service()
    aws.scheduled_action(resource, "morning")
    aws.scaling.delete_scheduled_action(
        ServiceNamespace="ecs", ScalableDimension=ECS_DESIRED_COUNT, ResourceId=resource, ScheduledActionName="morning"
    )
    assert aws.scaling.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"] == []


def test_policies_and_scheduled_actions_need_a_registered_target(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web")
    resource = f"service/{cluster}/web"
    with pytest.raises(ClientError) as error:
        aws.step_policy(resource)
    assert error.value.response["Error"]["Code"] == "ObjectNotFoundException"
    assert error.value.response["Error"]["Message"] == (
        f"No scalable target registered for service namespace: ecs, resource ID: {resource}, "
        f"scalable dimension: {ECS_DESIRED_COUNT}"
    )
    with pytest.raises(ClientError) as error:
        aws.scheduled_action(resource, "morning")
    assert error.value.response["Error"]["Code"] == "ObjectNotFoundException"
    assert aws.alarms() == {}
