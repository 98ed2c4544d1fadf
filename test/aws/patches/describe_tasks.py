"""DescribeTasks describes up to 100 tasks of one cluster and reports the ones it cannot find.

ECS API reference (DescribeTasks, Failure): `tasks` is "a list of up to 100 task IDs or full ARN
entries"; only the tasks of the given cluster (default: `default`) are described; a task that is
not found is listed under `failures` with its ARN and reason MISSING. moto 5.2.5 searches every
cluster, matches ids as substrings, reports no failures, takes any number of tasks and moves each
task it describes one state towards STOPPED.
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.responses import DESCRIBE_TASKS_TAGS, EC2ContainerServiceResponse

from .stop_task import find_task

MAX_TASKS = 100


def describe_tasks(self: EC2ContainerServiceResponse) -> ActionResult:
    backend = self.ecs_backend
    cluster = backend._get_cluster(self._get_param("cluster") or "default")
    wanted: list[str] = self._get_param("tasks") or []
    if not wanted:
        raise InvalidParameterException("Tasks cannot be empty.")
    if len(wanted) > MAX_TASKS:
        raise InvalidParameterException(f"Tasks cannot have more than {MAX_TASKS} items.")
    tasks, failures = [], []
    for name in wanted:
        task = find_task(backend, cluster.name, name)
        if task is None:
            failures.append({"arn": name, "reason": "MISSING"})
        elif task not in tasks:
            tasks.append(task)
    if "TAGS" in (self._get_param("include") or []):
        self._include_in_response(DESCRIBE_TASKS_TAGS)
    else:
        self._exclude_from_response(DESCRIBE_TASKS_TAGS)
    return ActionResult({"tasks": tasks, "failures": failures})


def apply() -> None:
    EC2ContainerServiceResponse.describe_tasks = describe_tasks
