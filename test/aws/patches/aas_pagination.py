"""DescribeScalableTargets, DescribeScalingPolicies and DescribeScheduledActions page with NextToken
and filter exactly.

Application Auto Scaling API reference (the three calls' MaxResults and NextToken): each returns up
to MaxResults results "along with a NextToken value" for the next set; MaxResults "can be between 1
and 50. The default value is 50" (between 1 and 10, default 10, for DescribeScalingPolicies); a
token that is not one the call returned is InvalidNextTokenException. DescribeScalingPolicies
filters on ResourceId, ScalableDimension and PolicyNames.
moto 5.2.5's DescribeScalableTargets token is an index into the page rather than into the results,
so every page after the second repeats the second; DescribeScheduledActions ignores MaxResults and
returns everything; DescribeScalingPolicies pages 100 at a time, ignores PolicyNames and matches
ResourceId and ScalableDimension as substrings; a token that is not a number is an HTTP 500.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from moto.applicationautoscaling.exceptions import AWSValidationException
from moto.applicationautoscaling.responses import (
    ApplicationAutoScalingResponse,
    _build_policy,
    _build_scheduled_action,
    _build_target,
)
from moto.core.exceptions import JsonRESTError

from . import page_tokens

T = TypeVar("T")

TARGETS_MAX_RESULTS = 50
POLICIES_MAX_RESULTS = 10
SCHEDULED_ACTIONS_MAX_RESULTS = 50


class InvalidNextTokenException(JsonRESTError):
    def __init__(self) -> None:
        super().__init__("InvalidNextTokenException", "The next token supplied was invalid.")


def _page(
    response: ApplicationAutoScalingResponse, items: Sequence[T], largest: int
) -> tuple[Sequence[T], str | None]:
    size = response._get_int_param("MaxResults")
    if size is None:
        size = largest
    if not 1 <= size <= largest:
        bound = "greater than or equal to 1" if size < 1 else f"less than or equal to {largest}"
        raise AWSValidationException(
            f"1 validation error detected: Value '{size}' at 'maxResults' failed to satisfy constraint: "
            f"Member must have value {bound}"
        )
    start = page_tokens.offset(response._get_param("NextToken"), InvalidNextTokenException)
    end = start + size
    return items[start:end], (page_tokens.token(end) if end < len(items) else None)


def _answer(key: str, page: Sequence[dict[str, Any]], token: str | None) -> str:
    body: dict[str, Any] = {key: list(page)}
    if token:
        body["NextToken"] = token
    return json.dumps(body)


def describe_scalable_targets(self: ApplicationAutoScalingResponse) -> str:
    self._validate_params()
    targets = self.applicationautoscaling_backend.describe_scalable_targets(
        self._get_param("ServiceNamespace"), self._get_param("ResourceIds"), self._get_param("ScalableDimension")
    )
    page, token = _page(self, targets, TARGETS_MAX_RESULTS)
    return _answer("ScalableTargets", [_build_target(t) for t in page], token)


def describe_scaling_policies(self: ApplicationAutoScalingResponse) -> str:
    self._validate_params()
    resource_id = self._get_param("ResourceId")
    dimension = self._get_param("ScalableDimension")
    names = self._get_param("PolicyNames")
    policies = [
        p
        for p in self.applicationautoscaling_backend.policies.values()
        if p.service_namespace == self._get_param("ServiceNamespace")
        and (not resource_id or p.resource_id == resource_id)
        and (not dimension or p.scalable_dimension == dimension)
        and (not names or p.policy_name in names)
    ]
    page, token = _page(self, policies, POLICIES_MAX_RESULTS)
    return _answer("ScalingPolicies", [_build_policy(p) for p in page], token)


def describe_scheduled_actions(self: ApplicationAutoScalingResponse) -> str:
    self._validate_params()
    actions = self.applicationautoscaling_backend.describe_scheduled_actions(
        scheduled_action_names=self._get_param("ScheduledActionNames"),
        service_namespace=self._get_param("ServiceNamespace"),
        resource_id=self._get_param("ResourceId"),
        scalable_dimension=self._get_param("ScalableDimension"),
    )
    page, token = _page(self, actions, SCHEDULED_ACTIONS_MAX_RESULTS)
    return _answer("ScheduledActions", [_build_scheduled_action(a) for a in page], token)


def apply() -> None:
    ApplicationAutoScalingResponse.describe_scalable_targets = describe_scalable_targets
    ApplicationAutoScalingResponse.describe_scaling_policies = describe_scaling_policies
    ApplicationAutoScalingResponse.describe_scheduled_actions = describe_scheduled_actions
