"""Lifecycle hooks of BLUE_GREEN, LINEAR and CANARY deployments, whose outcome a test sets.

Amazon ECS Developer Guide, "Lifecycle hooks for Amazon ECS service deployments"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html) and
API reference (DeploymentLifecycleHook, DeploymentLifecycleHookDetail): at each lifecycle stage a
hook lists, ECS invokes its Lambda function; the function answers hookStatus SUCCEEDED (the
deployment moves on), FAILED (ECS rolls the deployment back) or IN_PROGRESS (ECS invokes it again
later, and the deployment waits). A hook needs `hookTargetArn` (AWS_LAMBDA, the default target
type), `roleArn` and `lifecycleStages`.

No Lambda runs in the emulator: each invocation (one per hook and stage per clock tick) answers
what the control endpoint set (POST /lifecycle-hooks, see README.md), SUCCEEDED when nothing was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from moto.ecs.exceptions import InvalidParameterException

OUTCOMES = ("SUCCEEDED", "FAILED", "IN_PROGRESS")


@dataclass
class Rule:
    outcome: str
    service: str | None = None  # name or ARN
    hook_target_arn: str | None = None
    stage: str | None = None
    ticks: int | None = None  # IN_PROGRESS only: this many invocations, then `then`
    then: str = "SUCCEEDED"

    def matches(self, service_name: str, service_arn: str, hook_target_arn: str, stage: str) -> bool:
        return (
            self.service in (None, service_name, service_arn)
            and self.hook_target_arn in (None, hook_target_arn)
            and self.stage in (None, stage)
        )


_rules: list[Rule] = []
# Every invocation, oldest first: what a test reads to see which hooks ran.
_invocations: list[dict[str, Any]] = []
MAX_INVOCATIONS = 1000


def set_outcome(body: dict[str, Any]) -> None:
    outcome = body["outcome"]
    then = body.get("then", "SUCCEEDED")
    if outcome not in OUTCOMES or then not in ("SUCCEEDED", "FAILED"):
        raise ValueError(f"outcome must be one of {OUTCOMES} (then: SUCCEEDED or FAILED)")
    ticks = body.get("ticks")
    if ticks is not None and (outcome != "IN_PROGRESS" or int(ticks) < 1):
        raise ValueError("ticks (at least 1) goes with outcome IN_PROGRESS")
    _rules.insert(
        0,
        Rule(
            outcome=outcome,
            service=body.get("service"),
            hook_target_arn=body.get("hookTargetArn"),
            stage=body.get("stage"),
            ticks=None if ticks is None else int(ticks),
            then=then,
        ),
    )


def clear(service: str | None = None) -> None:
    """Forgets every rule and invocation, or those of one service (as the rules name it, and by ARN
    or ARN suffix for invocations)."""
    if service is None:
        _rules.clear()
        _invocations.clear()
        return
    _rules[:] = [r for r in _rules if r.service != service]
    _invocations[:] = [i for i in _invocations if i["service"] != service and not i["service"].endswith(f"/{service}")]


def state() -> dict[str, Any]:
    return {
        "rules": [
            {
                "outcome": r.outcome,
                "service": r.service,
                "hookTargetArn": r.hook_target_arn,
                "stage": r.stage,
                "ticks": r.ticks,
                "then": r.then,
            }
            for r in _rules
        ],
        "invocations": list(_invocations),
    }


@dataclass
class Invocations:
    """How often each hook was invoked at each stage of one deployment."""

    counts: dict[tuple[int, str], int] = field(default_factory=dict)


def invoke(
    service_name: str, service_arn: str, deployment_arn: str, hook_index: int, hook: dict[str, Any], stage: str,
    seen: Invocations,
) -> str:
    """One invocation of `hook` at `stage`: SUCCEEDED, FAILED or IN_PROGRESS."""
    key = (hook_index, stage)
    count = seen.counts.get(key, 0)
    seen.counts[key] = count + 1
    target = str(hook.get("hookTargetArn") or "")
    rule = next((r for r in _rules if r.matches(service_name, service_arn, target, stage)), None)
    if rule is None:
        outcome = "SUCCEEDED"
    elif rule.outcome == "IN_PROGRESS" and rule.ticks is not None and count >= rule.ticks:
        outcome = rule.then
    else:
        outcome = rule.outcome
    _invocations.append(
        {"service": service_arn, "serviceDeploymentArn": deployment_arn, "hookTargetArn": target, "stage": stage, "status": outcome}
    )
    del _invocations[:-MAX_INVOCATIONS]
    return outcome


def validate(hooks: list[dict[str, Any]] | None) -> None:
    for hook in hooks or []:
        if hook.get("targetType", "AWS_LAMBDA") == "AWS_LAMBDA" and not hook.get("hookTargetArn"):
            raise InvalidParameterException("A lifecycle hook with targetType AWS_LAMBDA requires hookTargetArn.")
        if hook.get("targetType", "AWS_LAMBDA") == "AWS_LAMBDA" and not hook.get("roleArn"):
            raise InvalidParameterException("A lifecycle hook with targetType AWS_LAMBDA requires roleArn.")
        if not hook.get("lifecycleStages"):
            raise InvalidParameterException("A lifecycle hook requires lifecycleStages.")
