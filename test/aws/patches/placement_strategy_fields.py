"""Placement strategy fields as ECS stores them: a spread over `host` is a spread over `instanceId`.

ECS API reference (PlacementStrategy, field): "For the spread placement strategy, valid values are
instanceId (or host, which has the same effect), or any platform or custom attribute"; for binpack,
cpu and memory. DescribeServices returns the spelling ECS keeps: `instanceId` for a service created
with `host` (CLI output in awsdocs/amazon-ecs-developer-guide#77) and binpack's field in capitals,
`MEMORY` (DescribeServices output in aws/amazon-ecs-cli#586). moto 5.2.5 returns what it was given.
"""

from __future__ import annotations

from typing import Any


def stored(strategy: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if strategy is None:
        return None
    out = []
    for item in strategy:
        field = item.get("field")
        if item.get("type") == "spread" and isinstance(field, str) and field.lower() in ("host", "instanceid"):
            item = {**item, "field": "instanceId"}
        elif item.get("type") == "binpack" and isinstance(field, str) and field.lower() in ("cpu", "memory"):
            item = {**item, "field": field.upper()}
        out.append(item)
    return out
