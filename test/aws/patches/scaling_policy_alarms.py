"""A step scaling policy lists the CloudWatch alarms whose actions name it, and keeps its ARN.

Application Auto Scaling API reference (DescribeScalingPolicies, ScalingPolicy.Alarms): a policy's
Alarms are the CloudWatch alarms associated with it; for a step scaling policy that is every alarm
whose actions invoke the policy's ARN, so PutMetricAlarm adds an entry and DeleteAlarms removes it.
PutScalingPolicy "creates or updates" a policy: updating one keeps its PolicyARN, which is what
the alarms name. moto 5.2.5 leaves Alarms empty for step policies and gives an updated policy a
new ARN.
"""

from __future__ import annotations

from typing import Any

from moto.applicationautoscaling.models import (
    ApplicationAutoscalingBackend,
    FakeApplicationAutoscalingPolicy,
)
from moto.cloudwatch.models import Alarm, cloudwatch_backends


def _get_alarms(policy: FakeApplicationAutoscalingPolicy) -> list[Alarm]:
    own: list[Alarm] = policy.__dict__.setdefault("_own_alarms", [])
    if policy.policy_type != "StepScaling":
        return own  # target tracking alarms are the ones the policy created itself
    cloudwatch = cloudwatch_backends[policy.account_id][policy.region_name]
    return own + [alarm for alarm in cloudwatch.alarms.values() if policy.policy_arn in _actions(alarm)]


def _set_alarms(policy: FakeApplicationAutoscalingPolicy, alarms: list[Alarm]) -> None:
    policy.__dict__["_own_alarms"] = alarms


def _actions(alarm: Alarm) -> list[str]:
    return [*(alarm.alarm_actions or []), *(alarm.ok_actions or []), *(alarm.insufficient_data_actions or [])]


_original_put_scaling_policy = ApplicationAutoscalingBackend.put_scaling_policy


def put_scaling_policy(
    self: ApplicationAutoscalingBackend,
    policy_name: str,
    service_namespace: str,
    resource_id: str,
    scalable_dimension: str,
    *args: Any,
    **kwargs: Any,
) -> FakeApplicationAutoscalingPolicy:
    key = FakeApplicationAutoscalingPolicy.formulate_key(
        service_namespace, resource_id, scalable_dimension, policy_name
    )
    previous = self.policies.get(key)
    policy = _original_put_scaling_policy(
        self, policy_name, service_namespace, resource_id, scalable_dimension, *args, **kwargs
    )
    if previous is not None:
        policy._guid = previous._guid
        policy.policy_arn = previous.policy_arn
        policy.creation_time = previous.creation_time
    return policy


def apply() -> None:
    FakeApplicationAutoscalingPolicy.alarms = property(_get_alarms, _set_alarms)
    ApplicationAutoscalingBackend.put_scaling_policy = put_scaling_policy
