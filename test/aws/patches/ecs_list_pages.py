"""ListServices and ListTaskDefinitions page with nextToken; ListTaskDefinitions sorts.

ECS API reference (ListServices, ListTaskDefinitions, maxResults and nextToken): each call returns
at most maxResults results "in a single page along with a nextToken response element", maxResults
"can be between 1 and 100", and without it ListServices returns up to 10 results and
ListTaskDefinitions up to 100. ListTaskDefinitions' sort: "By default (ASC), task definitions are
listed lexicographically by family name and in ascending numerical order by revision so that the
newest task definitions in a family are listed last"; DESC reverses both.
moto 5.2.5 returns every result in one answer whatever maxResults says, never a nextToken, and
lists task definitions in the order their families were first registered, ignoring sort. (How a
page is counted matters here: the operator lists a cluster's services and a region's revisions
instead of reading each one, and its call counts must be AWS's.)
Emulator choice: a request without maxResults still gets every result in one answer, as from moto
(the default page sizes are not applied): tests read the services of a shared cluster that way.
"""

from __future__ import annotations

from collections.abc import Sequence

from moto.core.responses import ActionResult
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.responses import EC2ContainerServiceResponse

from . import page_tokens

LARGEST_PAGE = 100


def _page(response: EC2ContainerServiceResponse, key: str, items: Sequence[str]) -> ActionResult:
    size = response._get_param("maxResults")
    if size is None:
        return ActionResult({key: list(items)})
    size = int(size)
    if not 1 <= size <= LARGEST_PAGE:
        raise InvalidParameterException("maxResults must be between 1 and 100.")
    start = page_tokens.offset(response._get_param("nextToken"), lambda: InvalidParameterException("Invalid nextToken."))
    end = start + size
    body: dict[str, object] = {key: list(items[start:end])}
    if end < len(items):
        body["nextToken"] = page_tokens.token(end)
    return ActionResult(body)


def _family_and_revision(arn: str) -> tuple[str, int]:
    family, revision = arn.rsplit("/", 1)[-1].rsplit(":", 1)
    return family, int(revision)


def list_services(self: EC2ContainerServiceResponse) -> ActionResult:
    arns = self.ecs_backend.list_services(
        self._get_param("cluster", "default"),
        self._get_param("schedulingStrategy"),
        launch_type=self._get_param("launchType"),
    )
    return _page(self, "serviceArns", arns)


def list_task_definitions(self: EC2ContainerServiceResponse) -> ActionResult:
    arns = self.ecs_backend.list_task_definitions(self._get_param("familyPrefix"), self._get_param("status", "ACTIVE"))
    ordered = sorted(arns, key=_family_and_revision, reverse=self._get_param("sort", "ASC") == "DESC")
    return _page(self, "taskDefinitionArns", ordered)


def apply() -> None:
    EC2ContainerServiceResponse.list_services = list_services
    EC2ContainerServiceResponse.list_task_definitions = list_task_definitions
