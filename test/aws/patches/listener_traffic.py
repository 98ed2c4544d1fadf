"""How ECS moves traffic between a service's production and alternate target groups.

Amazon ECS Developer Guide, "Application Load Balancer resources for blue/green, linear, and canary
deployments" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html)
and "Network Load Balancer resources ..." (nlb-resources-for-blue-green.html): the production
listener rule (ALB) or listener (NLB) named in `loadBalancers[].advancedConfiguration` forwards to
the primary and the alternate target group with weights, and ECS changes those weights during a
deployment; the test listener rule does the same for test traffic. The load balancers here are
moto's ELBv2 models in the same server, so DescribeRules/DescribeListeners show the weights.

Weights are whole percentages (ELBv2 weights are integers 0 to 999): a share above 0 % gets at
least 1 and one below 100 % at most 99 (the emulator's rounding; AWS does not document its own).
The exact shares are in the service deployment's requested*TrafficWeight.
"""

from __future__ import annotations

from typing import Any

from moto.elbv2.models import FakeAction, elbv2_backends


def _backend(arn: str) -> Any:
    _, _, _, region, account, _ = arn.split(":", 5)
    return elbv2_backends[account][region]


def _holders(arn: str) -> list[Any]:
    """The rule (ALB listener rule ARN) or the listener and its default rule (NLB listener ARN)
    whose actions carry the forward weights; empty when the ARN names nothing."""
    backend = _backend(arn)
    for balancer in backend.load_balancers.values():
        for listener in balancer.listeners.values():
            if listener.arn == arn:
                return [listener, *[r for r in listener.rules.values() if r.is_default]]
            for rule in listener.rules.values():
                if rule.arn == arn:
                    return [rule]
    return []


def exists(arn: str) -> bool:
    try:
        return bool(_holders(arn))
    except (ValueError, KeyError):
        return False


def _actions(holder: Any) -> list[Any]:
    return list(holder.default_actions if hasattr(holder, "default_actions") else holder.actions)


def _set_actions(holder: Any, actions: list[Any]) -> None:
    if hasattr(holder, "default_actions"):
        holder.default_actions = actions
    else:
        holder.actions = actions


def weights(arn: str) -> dict[str, int]:
    """Target group ARN -> forward weight of the rule or listener."""
    found: dict[str, int] = {}
    for holder in _holders(arn)[:1]:
        for action in _actions(holder):
            if action.data.get("Type") != "forward":
                continue
            groups = (action.data.get("ForwardConfig") or {}).get("TargetGroups")
            if groups:
                found.update({g["TargetGroupArn"]: int(g.get("Weight", 1)) for g in groups})
            elif action.data.get("TargetGroupArn"):
                found[action.data["TargetGroupArn"]] = 1
    return found


def _weight(percent: float) -> int:
    if percent <= 0:
        return 0
    if percent >= 100:
        return 100
    return min(99, max(1, round(percent)))


def shift(arn: str, blue: str, green: str, green_percent: float) -> None:
    """Makes the rule or listener forward green_percent of its traffic to `green`, the rest to `blue`."""
    groups = [
        {"TargetGroupArn": blue, "Weight": _weight(100 - green_percent)},
        {"TargetGroupArn": green, "Weight": _weight(green_percent)},
    ]
    for holder in _holders(arn):
        actions = []
        for action in _actions(holder):
            if action.data.get("Type") == "forward":
                data = {k: v for k, v in action.data.items() if k not in ("TargetGroupArn", "ForwardConfig")}
                stickiness = (action.data.get("ForwardConfig") or {}).get("TargetGroupStickinessConfig")
                config: dict[str, Any] = {"TargetGroups": [dict(g) for g in groups]}
                if stickiness:
                    config["TargetGroupStickinessConfig"] = stickiness
                action = FakeAction({**data, "ForwardConfig": config})
            actions.append(action)
        _set_actions(holder, actions)
