"""A scaling policy's CloudWatch alarms: listed, kept on update, and what deleting the policy does.

Application Auto Scaling API reference (DescribeScalingPolicies, ScalingPolicy.Alarms): a policy's
Alarms are the CloudWatch alarms associated with it; for a step scaling policy that is every alarm
whose actions invoke the policy's ARN, so PutMetricAlarm adds an entry and DeleteAlarms removes it.
PutScalingPolicy "creates or updates" a policy: updating one keeps its PolicyARN, which is what
the alarms name. DeleteScalingPolicy: "Deleting a step scaling policy deletes the underlying alarm
action, but does not delete the CloudWatch alarm associated with the scaling policy, even if it no
longer has an associated action"; a target tracking policy's alarms are the ones Application Auto
Scaling created for it, and "are deleted automatically when you delete the scaling policies"
(Application Auto Scaling User Guide, target tracking considerations).
moto 5.2.5 leaves Alarms empty for step policies, gives an updated policy a new ARN, and creates a
second set of alarms when a target tracking policy is updated (the first set stays behind). And
once Alarms lists a step policy's alarms, moto's DeleteScalingPolicy would delete them: here it
takes the policy's ARN out of their actions instead.
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


def _delete_alarms(policy: FakeApplicationAutoscalingPolicy, account_id: str, region_name: str) -> None:
    """What DeleteScalingPolicy does to the policy's alarms."""
    cloudwatch = cloudwatch_backends[account_id][region_name]
    cloudwatch.delete_alarms([alarm.name for alarm in policy.__dict__.get("_own_alarms", [])])
    for alarm in cloudwatch.alarms.values():
        for attribute in ("alarm_actions", "ok_actions", "insufficient_data_actions"):
            actions = getattr(alarm, attribute) or []
            if policy.policy_arn in actions:
                setattr(alarm, attribute, [action for action in actions if action != policy.policy_arn])


def _rename_actions(alarms: list[Alarm], old_arn: str, new_arn: str) -> None:
    """moto names the policy's fresh ARN in the alarms it creates; the policy keeps its old one."""
    for alarm in alarms:
        alarm.alarm_actions = [action.replace(old_arn, new_arn) for action in alarm.alarm_actions or []]
        alarm.description = (alarm.description or "").replace(old_arn, new_arn) or None


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
        # The update's alarms replace the ones the previous version created (target tracking).
        cloudwatch = cloudwatch_backends[previous.account_id][previous.region_name]
        cloudwatch.delete_alarms([alarm.name for alarm in previous.__dict__.get("_own_alarms", [])])
        _rename_actions(policy.__dict__.get("_own_alarms", []), policy.policy_arn, previous.policy_arn)
        policy._guid = previous._guid
        policy.policy_arn = previous.policy_arn
        policy.creation_time = previous.creation_time
    return policy


def apply() -> None:
    FakeApplicationAutoscalingPolicy.alarms = property(_get_alarms, _set_alarms)
    FakeApplicationAutoscalingPolicy.delete_alarms = _delete_alarms
    ApplicationAutoscalingBackend.put_scaling_policy = put_scaling_policy
