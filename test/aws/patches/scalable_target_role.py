"""RegisterScalableTarget without RoleARN: the target uses the service-linked role.

Application Auto Scaling API reference (RegisterScalableTarget, RoleARN): "This parameter is
required for services that do not support service-linked roles (such as Amazon EMR), and it must
specify the ARN of an IAM role"; otherwise "Application Auto Scaling uses a service-linked role,
which it creates if it does not yet exist". The role for ECS is
AWSServiceRoleForApplicationAutoScaling_ECSService, path
aws-service-role/ecs.application-autoscaling.amazonaws.com/ ("Service-linked role ARN reference",
https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html).
DescribeScalableTargets returns it: ScalableTarget.RoleARN is required in the output shape. moto
5.2.5 stores no role and returns none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.applicationautoscaling.models import ApplicationAutoscalingBackend, FakeScalableTarget
from moto.utilities.utils import get_partition


def service_linked_role(backend: ApplicationAutoscalingBackend) -> str:
    return (
        f"arn:{get_partition(backend.region_name)}:iam::{backend.account_id}:role/aws-service-role/"
        "ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"
    )


def _register(original: Callable[..., FakeScalableTarget]) -> Callable[..., FakeScalableTarget]:
    def register_scalable_target(self: ApplicationAutoscalingBackend, namespace: str, *args: Any, **kwargs: Any) -> FakeScalableTarget:
        target = original(self, namespace, *args, **kwargs)
        if target.role_arn is None and namespace == "ecs":
            target.role_arn = service_linked_role(self)
        return target

    return register_scalable_target


def apply() -> None:
    ApplicationAutoscalingBackend.register_scalable_target = _register(ApplicationAutoscalingBackend.register_scalable_target)
