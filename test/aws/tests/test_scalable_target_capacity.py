"""RegisterScalableTarget moves the ECS service's desiredCount into [MinCapacity, MaxCapacity]
(patches/scalable_target_capacity.py)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import ECS_DESIRED_COUNT, Aws, completed


def register(aws: Aws, resource: str, **params: Any) -> None:
    aws.scaling.register_scalable_target(
        ServiceNamespace="ecs", ResourceId=resource, ScalableDimension=ECS_DESIRED_COUNT, **params
    )


def counts(aws: Aws, cluster: str) -> tuple[int, list[tuple[str, int]]]:
    service = aws.describe(cluster, "web")
    return service["desiredCount"], [(d["status"], d["desiredCount"]) for d in service["deployments"]]


def test_registering_a_new_target_scales_the_service_out_to_the_minimum(aws: Aws) -> None:
    cluster, _ = aws.scalable_service(desired=1, min_capacity=3, max_capacity=6)
    assert counts(aws, cluster) == (3, [("PRIMARY", 3)])  # the PRIMARY deployment follows, no new one
    assert aws.advance_until(cluster, "web", completed)["runningCount"] == 3


def test_updating_a_target_scales_the_service_in_to_the_maximum(aws: Aws) -> None:
    cluster, resource = aws.scalable_service(desired=4, min_capacity=1, max_capacity=6)
    aws.advance_until(cluster, "web", completed)
    register(aws, resource, MaxCapacity=2)
    assert counts(aws, cluster) == (2, [("PRIMARY", 2)])
    assert aws.advance_until(cluster, "web", lambda s: s["runningCount"] == 2)["deployments"][0]["rolloutState"] == (
        "COMPLETED"
    )


def test_a_count_inside_the_range_is_left_alone(aws: Aws) -> None:
    cluster, resource = aws.scalable_service(desired=3, min_capacity=1, max_capacity=6)
    register(aws, resource, MinCapacity=2, MaxCapacity=5)
    assert counts(aws, cluster) == (3, [("PRIMARY", 3)])


def test_an_update_without_capacities_still_moves_the_count_into_the_range(aws: Aws) -> None:
    cluster, resource = aws.scalable_service(desired=2, min_capacity=1, max_capacity=3)
    aws.ecs.update_service(cluster=cluster, service="web", desiredCount=5)
    register(aws, resource, SuspendedState={"DynamicScalingInSuspended": False})
    assert counts(aws, cluster)[0] == 3


def test_suspended_scaling_does_not_stop_registration_from_moving_the_count(aws: Aws) -> None:
    suspended = {"DynamicScalingInSuspended": True, "DynamicScalingOutSuspended": True, "ScheduledScalingSuspended": True}
    cluster, resource = aws.scalable_service(desired=1, min_capacity=1, max_capacity=4)
    register(aws, resource, MinCapacity=2, SuspendedState=suspended)
    assert counts(aws, cluster)[0] == 2


def test_a_draining_service_keeps_its_count(aws: Aws) -> None:
    cluster, resource = aws.scalable_service(desired=1, min_capacity=1, max_capacity=4)
    aws.ecs.delete_service(cluster=cluster, service="web", force=True)
    register(aws, resource, MinCapacity=2)
    assert aws.describe(cluster, "web")["desiredCount"] == 0


def test_a_new_target_needs_both_capacities_and_the_minimum_may_not_exceed_the_maximum(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web", desired=1)
    resource = f"service/{cluster}/web"
    for params in ({"MinCapacity": 1}, {"MinCapacity": 5, "MaxCapacity": 2}):
        with pytest.raises(ClientError) as error:
            register(aws, resource, **params)
        assert error.value.response["Error"]["Code"] == "ValidationException"
    assert aws.scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"] == []
    assert aws.describe(cluster, "web")["desiredCount"] == 1
