"""Deregistering a scalable target deletes its scaling policies and scheduled actions.

Application Auto Scaling API reference (DeregisterScalableTarget): "Deregistering a scalable target
deletes the scaling policies and the scheduled actions that are associated with it." (PutScalingPolicy
and PutScheduledAction say the same.) Each policy goes as DeleteScalingPolicy deletes it, so a target
tracking policy takes the CloudWatch alarms it created along, and a step scaling policy leaves its
alarms without the action (patches/scaling_policy_alarms.py). moto 5.2.5 deletes only the target:
its policies, their alarms and its scheduled actions stay and are still described.
"""

from __future__ import annotations

from collections.abc import Callable

from moto.applicationautoscaling.models import ApplicationAutoscalingBackend


def _deregister_scalable_target(original: Callable[..., None]) -> Callable[..., None]:
    def deregister_scalable_target(
        self: ApplicationAutoscalingBackend, namespace: str, r_id: str, dimension: str
    ) -> None:
        original(self, namespace, r_id, dimension)  # fails first when there is no such target

        def belongs(service_namespace: str, resource_id: str, scalable_dimension: str) -> bool:
            return (service_namespace, resource_id, scalable_dimension) == (namespace, r_id, dimension)

        for policy in list(self.policies.values()):
            if belongs(policy.service_namespace, policy.resource_id, policy.scalable_dimension):
                self.delete_scaling_policy(policy.policy_name, namespace, r_id, dimension)
        self.scheduled_actions = [
            action
            for action in self.scheduled_actions
            if not belongs(action.service_namespace, action.resource_id, action.scalable_dimension)
        ]

    return deregister_scalable_target


def apply() -> None:
    ApplicationAutoscalingBackend.deregister_scalable_target = _deregister_scalable_target(
        ApplicationAutoscalingBackend.deregister_scalable_target
    )
