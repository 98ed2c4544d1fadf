"""RegisterScalableTarget moves the resource's current capacity into [MinCapacity, MaxCapacity].

Application Auto Scaling API reference (RegisterScalableTarget): "When you register a new scalable
target, you must specify values for the minimum and maximum capacity. If the specified resource is
not active in the target service, this operation does not change the resource's current capacity.
Otherwise, it changes the resource's current capacity to a value that is inside of this range." And
on an update: "Application Auto Scaling retrieves the current capacity of the resource. If it's
below the minimum capacity or above the maximum capacity, Application Auto Scaling adjusts the
capacity of the scalable target to place it within these bounds, even if you don't include the
MinCapacity or MaxCapacity request parameters." MinCapacity and MaxCapacity are "required when
registering a new scalable target".

For ecs:service:DesiredCount the capacity is the ECS service's desiredCount; it changes as a
desiredCount-only UpdateService changes it (the PRIMARY deployment's count follows, no new
deployment). Only ACTIVE REPLICA services change: a DRAINING or INACTIVE service is not active, and a
DAEMON service's count is the number of its container instances.

SuspendedState does not stop this: the reference suspends only "scale-in [scale-out] activities that
are triggered by a scaling policy" (DynamicScalingIn/OutSuspended) and "scaling activities that
involve scheduled actions" (ScheduledScalingSuspended), and registering a target is neither.

moto 5.2.5 leaves the service's desiredCount as it is, registers a new target without MinCapacity or
MaxCapacity, and accepts a minimum above the maximum. (The two ValidationException messages here
are the emulator's wording.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.applicationautoscaling.exceptions import AWSValidationException
from moto.applicationautoscaling.models import ApplicationAutoscalingBackend, FakeScalableTarget
from moto.ecs.models import EC2ContainerServiceBackend

from . import service_deployments
from .aas_object_not_found import find_target
from .ecs_model import is_emulated

ECS_DESIRED_COUNT = "ecs:service:DesiredCount"


def _register_scalable_target(original: Callable[..., FakeScalableTarget]) -> Callable[..., FakeScalableTarget]:
    def register_scalable_target(
        self: ApplicationAutoscalingBackend,
        namespace: str,
        r_id: str,
        dimension: str,
        min_capacity: int | None,
        max_capacity: int | None,
        *args: Any,
        **kwargs: Any,
    ) -> FakeScalableTarget:
        existing = find_target(self, namespace, r_id, dimension)
        if existing is None and (min_capacity is None or max_capacity is None):
            raise AWSValidationException("MinCapacity and MaxCapacity are required to register a new scalable target.")
        low = min_capacity if min_capacity is not None else existing.min_capacity  # type: ignore[union-attr]
        high = max_capacity if max_capacity is not None else existing.max_capacity  # type: ignore[union-attr]
        if low > high:
            raise AWSValidationException("Minimum capacity cannot be greater than maximum capacity.")
        target = original(self, namespace, r_id, dimension, min_capacity, max_capacity, *args, **kwargs)
        if namespace == "ecs" and dimension == ECS_DESIRED_COUNT:
            _clamp_service(self.ecs_backend, r_id, low, high)
        return target

    return register_scalable_target


def _clamp_service(ecs: EC2ContainerServiceBackend, resource_id: str, low: int, high: int) -> None:
    _, cluster, name = resource_id.split("/")
    service = ecs.services.get(f"{cluster}:{name}")
    if service is None or service.status != "ACTIVE" or service.scheduling_strategy == "DAEMON":
        return
    wanted = min(max(service.desired_count, low), high)
    if wanted == service.desired_count:
        return
    if is_emulated(service):
        service_deployments.set_desired_count(service, wanted)
    else:
        service.desired_count = wanted


def apply() -> None:
    ApplicationAutoscalingBackend.register_scalable_target = _register_scalable_target(
        ApplicationAutoscalingBackend.register_scalable_target
    )
