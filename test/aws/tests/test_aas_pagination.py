"""Application Auto Scaling's Describe calls page with NextToken and filter exactly
(patches/aas_pagination.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import Aws


def all_pages(call: Callable[..., dict[str, Any]], key: str, name: str, **params: Any) -> list[list[str]]:
    pages: list[list[str]] = []
    token: dict[str, str] = {}
    while True:
        response = call(ServiceNamespace="ecs", **params, **token)
        pages.append([item[name] for item in response[key]])
        if "NextToken" not in response:
            return pages
        token = {"NextToken": response["NextToken"]}


def test_describe_scalable_targets_pages_through_every_target_once(aws: Aws) -> None:
    resources = [aws.scalable_service(name=f"web{n}")[1] for n in range(5)]
    pages = all_pages(aws.scaling.describe_scalable_targets, "ScalableTargets", "ResourceId", MaxResults=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(sum(pages, [])) == sorted(resources)


def test_describe_scaling_policies_pages_ten_at_a_time_by_default(aws: Aws) -> None:
    _, resource = aws.scalable_service()
    for n in range(12):
        aws.step_policy(resource, name=f"p{n:02}")
    pages = all_pages(aws.scaling.describe_scaling_policies, "ScalingPolicies", "PolicyName", ResourceId=resource)
    assert [len(page) for page in pages] == [10, 2]
    assert sorted(sum(pages, [])) == [f"p{n:02}" for n in range(12)]


def test_describe_scheduled_actions_pages(aws: Aws) -> None:
    _, resource = aws.scalable_service()
    for n in range(3):
        aws.scheduled_action(resource, f"a{n}")
    pages = all_pages(
        aws.scaling.describe_scheduled_actions, "ScheduledActions", "ScheduledActionName", MaxResults=2
    )
    assert pages == [["a0", "a1"], ["a2"]]


def test_describe_scaling_policies_filters_on_policy_names_and_the_exact_resource_id(aws: Aws) -> None:
    cluster, resource = aws.scalable_service(name="web")
    aws.task_definition("we")
    aws.fargate_service(cluster, "we", "we")
    aws.scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=f"service/{cluster}/we",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=2,
    )
    aws.step_policy(resource, name="out")
    aws.step_policy(resource, name="in")
    aws.step_policy(f"service/{cluster}/we", name="out")
    described = aws.scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource, PolicyNames=["out"])
    assert [(p["ResourceId"], p["PolicyName"]) for p in described["ScalingPolicies"]] == [(resource, "out")]


def test_a_token_the_call_did_not_return_is_invalid_next_token(aws: Aws) -> None:
    with pytest.raises(ClientError) as error:
        aws.scaling.describe_scalable_targets(ServiceNamespace="ecs", NextToken="garbage")
    assert error.value.response["Error"]["Code"] == "InvalidNextTokenException"


def test_max_results_outside_the_documented_range_is_a_validation_error(aws: Aws) -> None:
    with pytest.raises(ClientError) as error:
        aws.scaling.describe_scaling_policies(ServiceNamespace="ecs", MaxResults=11)
    assert error.value.response["Error"]["Code"] == "ValidationException"
