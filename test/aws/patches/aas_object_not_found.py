"""Application Auto Scaling answers ObjectNotFoundException for a target, policy or scheduled action
that does not exist.

Application Auto Scaling API reference (Errors of DeregisterScalableTarget, DeleteScalingPolicy,
DeleteScheduledAction, PutScalingPolicy and PutScheduledAction; ObjectNotFoundException): "For any
operation that depends on the existence of a scalable target, this exception is thrown if the
scalable target with the specified service namespace, resource ID, and scalable dimension does not
exist. For any operation that deletes or deregisters a resource, this exception is thrown if the
resource cannot be found." PutScalingPolicy and PutScheduledAction: "You cannot create a scaling
policy [a scheduled action] until you have registered the resource as a scalable target."
moto 5.2.5 answers ValidationException for a missing target (DeregisterScalableTarget) or policy
(DeleteScalingPolicy), succeeds silently when DeleteScheduledAction finds nothing, and creates
policies and scheduled actions for targets that were never registered.

The messages of the two Put calls are AWS's ("No scalable target registered for ..."); the others
keep moto's wording, and DeleteScheduledAction's is the emulator's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.applicationautoscaling.models import (
    ApplicationAutoscalingBackend,
    FakeApplicationAutoscalingPolicy,
    FakeScalableTarget,
)
from moto.core.exceptions import JsonRESTError


class ObjectNotFoundException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("ObjectNotFoundException", message)


def find_target(
    backend: ApplicationAutoscalingBackend, namespace: str, resource_id: str, dimension: str
) -> FakeScalableTarget | None:
    target = backend.targets.get(dimension, {}).get(resource_id)
    return target if target is not None and target.service_namespace == namespace else None


def _require_target(backend: ApplicationAutoscalingBackend, namespace: str, resource_id: str, dimension: str) -> None:
    if find_target(backend, namespace, resource_id, dimension) is None:
        raise ObjectNotFoundException(
            f"No scalable target registered for service namespace: {namespace}, "
            f"resource ID: {resource_id}, scalable dimension: {dimension}"
        )


def _deregister_scalable_target(original: Callable[..., None]) -> Callable[..., None]:
    def deregister_scalable_target(
        self: ApplicationAutoscalingBackend, namespace: str, r_id: str, dimension: str
    ) -> None:
        if find_target(self, namespace, r_id, dimension) is None:
            raise ObjectNotFoundException(
                f"No scalable target found for service namespace: {namespace}, resource ID: {r_id}, "
                f"scalable dimension: {dimension}"
            )
        original(self, namespace, r_id, dimension)

    return deregister_scalable_target


def _delete_scaling_policy(original: Callable[..., None]) -> Callable[..., None]:
    def delete_scaling_policy(
        self: ApplicationAutoscalingBackend,
        policy_name: str,
        service_namespace: str,
        resource_id: str,
        scalable_dimension: str,
    ) -> None:
        key = FakeApplicationAutoscalingPolicy.formulate_key(
            service_namespace, resource_id, scalable_dimension, policy_name
        )
        if key not in self.policies:
            raise ObjectNotFoundException(
                f"No scaling policy found for service namespace: {service_namespace}, resource ID: {resource_id}, "
                f"scalable dimension: {scalable_dimension}, policy name: {policy_name}"
            )
        original(self, policy_name, service_namespace, resource_id, scalable_dimension)

    return delete_scaling_policy


def _delete_scheduled_action(original: Callable[..., None]) -> Callable[..., None]:
    def delete_scheduled_action(
        self: ApplicationAutoscalingBackend,
        service_namespace: str,
        scheduled_action_name: str,
        resource_id: str,
        scalable_dimension: str,
    ) -> None:
        if not any(
            (a.service_namespace, a.scheduled_action_name, a.resource_id, a.scalable_dimension)
            == (service_namespace, scheduled_action_name, resource_id, scalable_dimension)
            for a in self.scheduled_actions
        ):
            raise ObjectNotFoundException(
                f"No scheduled action found for service namespace: {service_namespace}, resource ID: {resource_id}, "
                f"scalable dimension: {scalable_dimension}, scheduled action name: {scheduled_action_name}"
            )
        original(self, service_namespace, scheduled_action_name, resource_id, scalable_dimension)

    return delete_scheduled_action


def _put_for_registered_target(original: Callable[..., Any]) -> Callable[..., Any]:
    # Both Put calls are invoked with keyword arguments by moto's response handlers.
    def put(self: ApplicationAutoscalingBackend, **kwargs: Any) -> Any:
        _require_target(self, kwargs["service_namespace"], kwargs["resource_id"], kwargs["scalable_dimension"])
        return original(self, **kwargs)

    return put


def apply() -> None:
    """Wraps whatever implementation is installed when called (other patches may replace them)."""
    backend = ApplicationAutoscalingBackend
    backend.deregister_scalable_target = _deregister_scalable_target(backend.deregister_scalable_target)
    backend.delete_scaling_policy = _delete_scaling_policy(backend.delete_scaling_policy)
    backend.delete_scheduled_action = _delete_scheduled_action(backend.delete_scheduled_action)
    backend.put_scaling_policy = _put_for_registered_target(backend.put_scaling_policy)
    backend.put_scheduled_action = _put_for_registered_target(backend.put_scheduled_action)
