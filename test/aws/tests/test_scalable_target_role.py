"""A scalable target registered without RoleARN uses the service-linked role
(patches/scalable_target_role.py)."""

from __future__ import annotations

from support import Aws


def test_an_ecs_target_registered_without_a_role_reports_the_ecs_service_linked_role(aws: Aws) -> None:
    _, resource = aws.scalable_service()
    [target] = aws.scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource])["ScalableTargets"]
    assert target["RoleARN"] == (
        "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
        "AWSServiceRoleForApplicationAutoScaling_ECSService"
    )
