"""StopTask asks a task to stop; the task reaches STOPPED on the emulator's clock.

ECS API reference (StopTask, Task): StopTask sets the task's desiredStatus to STOPPED, its
stopCode to UserInitiated and its stoppedReason to the `reason` given (shown in later
DescribeTasks); the containers get SIGTERM and the task goes through STOPPING to STOPPED. A task
that is not in the cluster is InvalidParameterException "The referenced task was not found.".
moto 5.2.5 marks the task STOPPED at once, sets no stopCode, and answers HTTP 500 for a task it
does not know.
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend, Task
from moto.ecs.responses import EC2ContainerServiceResponse

from .ecs_model import ServiceTask


def find_task(backend: EC2ContainerServiceBackend, cluster_name: str, task: str) -> Task | None:
    """A task of the cluster by ARN or id."""
    task_id = task.rsplit("/", 1)[-1]
    for arn, found in backend.tasks.get(cluster_name, {}).items():
        if arn == task or found.id == task_id:
            return found
    return None


def stop_task(self: EC2ContainerServiceResponse) -> ActionResult:
    backend = self.ecs_backend
    cluster = backend._get_cluster(self._get_param("cluster") or "default")
    task = find_task(backend, cluster.name, self._get_param("task"))
    if task is None:
        raise InvalidParameterException("The referenced task was not found.")
    if task.desired_status != "STOPPED":
        task.desired_status = "STOPPED"
        task.stopped_reason = self._get_param("reason")
        task.stop_code = "UserInitiated"
        task.stopping_at = utcnow()
        if not isinstance(task, ServiceTask):
            task.last_status = "STOPPED"  # a task the emulator's clock does not move (StartTask)
    return ActionResult({"task": task})


def apply() -> None:
    EC2ContainerServiceResponse.stop_task = stop_task
