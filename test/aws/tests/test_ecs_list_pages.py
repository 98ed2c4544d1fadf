"""ListServices and ListTaskDefinitions page with nextToken; ListTaskDefinitions sorts
(patches/ecs_list_pages.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import Aws, unique


def all_pages(call: Callable[..., dict[str, Any]], key: str, **params: Any) -> list[list[str]]:
    pages: list[list[str]] = []
    token: dict[str, str] = {}
    while True:
        response = call(**params, **token)
        pages.append(response[key])
        if "nextToken" not in response:
            return pages
        token = {"nextToken": response["nextToken"]}


def test_list_services_pages_up_to_max_results(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    for n in range(12):
        aws.fargate_service(cluster, f"web{n:02}", "web", desired=0)
    # The emulator's choice: without maxResults, one answer (AWS would page 10 at a time).
    assert [len(page) for page in all_pages(aws.ecs.list_services, "serviceArns", cluster=cluster)] == [12]
    pages = all_pages(aws.ecs.list_services, "serviceArns", cluster=cluster, maxResults=5)
    assert [len(page) for page in pages] == [5, 5, 2]
    assert sorted(arn.rsplit("/", 1)[-1] for arn in sum(pages, [])) == [f"web{n:02}" for n in range(12)]


def test_list_task_definitions_pages_and_sorts_by_family_then_revision(aws: Aws) -> None:
    later, earlier = unique("zz"), unique("aa")
    for family in (later, earlier, later):
        aws.task_definition(family)
    aws.task_definition(earlier)
    ours = (earlier, later)
    names = lambda pages: [arn.rsplit("/", 1)[-1] for arn in sum(pages, []) if arn.rsplit("/", 1)[-1].split(":")[0] in ours]  # noqa: E731
    ascending = all_pages(aws.ecs.list_task_definitions, "taskDefinitionArns", maxResults=1)
    assert all(len(page) <= 1 for page in ascending)
    assert names(ascending) == [f"{earlier}:1", f"{earlier}:2", f"{later}:1", f"{later}:2"]
    descending = all_pages(aws.ecs.list_task_definitions, "taskDefinitionArns", sort="DESC")
    assert names(descending) == [f"{later}:2", f"{later}:1", f"{earlier}:2", f"{earlier}:1"]
    one_family = all_pages(aws.ecs.list_task_definitions, "taskDefinitionArns", familyPrefix=later, maxResults=1)
    assert [len(page) for page in one_family] == [1, 1]


@pytest.mark.parametrize("size", [0, 101])
def test_max_results_outside_1_to_100_is_rejected(aws: Aws, size: int) -> None:
    with pytest.raises(ClientError) as raised:
        aws.ecs.list_task_definitions(maxResults=size)
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
