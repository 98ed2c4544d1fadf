"""How standalone tasks end, set by tests on the control endpoint (never by a request to AWS).

ECS Developer Guide ("Amazon ECS task lifecycle", "Amazon ECS stopped task errors") and API
reference (Task, Container): a task whose essential container exits stops with stopCode
EssentialContainerExited and stoppedReason "Essential container in task exited", every container
reporting its own exitCode, whatever the code (0 included); a task whose image cannot be pulled
never runs: it stops with stopCode TaskFailedToStart, the container has a `reason` and no
exitCode. The reason's text is not specified by the reference; the emulator writes it as public
reports of Fargate show it ("CannotPullContainerError: pull image manifest has been retried 5
time(s): failed to resolve ref <image>: <image>: not found").

A rule (POST /task-outcomes) applies to the tasks started after it whose task definition matches
`taskDefinition` (a family, family:revision or ARN) and, when given, whose startedBy is
`startedBy`; the newest matching rule wins, for its next `count` tasks (default: until cleared).
Without a rule a standalone task runs DEFAULT_RUN_TICKS ticks and exits 0.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from moto.ecs.models import TaskDefinition

DEFAULT_RUN_TICKS = 3
CANNOT_PULL = "CannotPullContainerError"
KINDS = ("exit", CANNOT_PULL)


@dataclass(frozen=True)
class Outcome:
    """What a task does: runs `run_ticks` ticks (None: until stopped) and exits with these codes,
    or fails to pull its image."""

    kind: str = "exit"
    exit_code: int = 0
    exit_codes: tuple[tuple[str, int], ...] = ()
    run_ticks: int | None = DEFAULT_RUN_TICKS

    def code_of(self, container: str) -> int:
        return dict(self.exit_codes).get(container, self.exit_code)

    def describe(self) -> dict[str, Any]:
        return {
            "outcome": self.kind,
            "exitCode": self.exit_code,
            "exitCodes": dict(self.exit_codes),
            "runTicks": self.run_ticks,
        }


@dataclass
class Rule:
    id: int
    task_definition: str  # family or family:revision
    started_by: str | None
    outcome: Outcome
    remaining: int | None
    applied: int = 0

    def matches(self, definition: TaskDefinition, started_by: str | None) -> bool:
        name = self.task_definition
        revision = f"{definition.family}:{definition.revision}"
        if name != revision and name != definition.family:
            return False
        return self.started_by is None or self.started_by == started_by

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "taskDefinition": self.task_definition,
            "startedBy": self.started_by,
            "remaining": self.remaining,
            "applied": self.applied,
            **self.outcome.describe(),
        }


_rules: list[Rule] = []
_ids = itertools.count(1)


def _int(body: dict[str, Any], key: str, low: int, high: int) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{key} must be an integer from {low} to {high}")
    return value


def add(body: dict[str, Any]) -> dict[str, Any]:
    """Adds a rule from the control endpoint's JSON body; returns it as held."""
    name = body.get("taskDefinition")
    if not isinstance(name, str) or not name:
        raise ValueError("taskDefinition must name a family, family:revision or task definition ARN")
    kind = body.get("outcome", "exit")
    if kind not in KINDS:
        raise ValueError(f"outcome must be one of {', '.join(KINDS)}")
    codes = body.get("exitCodes") or {}
    if not isinstance(codes, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255 for v in codes.values()
    ):
        raise ValueError("exitCodes must map container names to exit codes from 0 to 255")
    run_ticks = _int(body, "runTicks", 0, 100000)
    started_by = body.get("startedBy")
    rule = Rule(
        id=next(_ids),
        task_definition=name.rsplit("/", 1)[-1],
        started_by=None if started_by is None else str(started_by),
        outcome=Outcome(
            kind=kind,
            exit_code=_int(body, "exitCode", 0, 255) or 0,
            exit_codes=tuple(sorted(codes.items())),
            run_ticks=None if body.get("runsUntilStopped") else (DEFAULT_RUN_TICKS if run_ticks is None else run_ticks),
        ),
        remaining=_int(body, "count", 1, 1000),
    )
    _rules.append(rule)
    return rule.describe()


def outcome_for(definition: TaskDefinition, started_by: str | None) -> Outcome:
    """The outcome of a task starting now (uses up one of the matching rule's count)."""
    for rule in reversed(_rules):
        if rule.matches(definition, started_by):
            rule.applied += 1
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining == 0:
                    _rules.remove(rule)
            return rule.outcome
    return Outcome()


def clear(rule_id: int | None = None) -> None:
    if rule_id is None:
        _rules.clear()
    else:
        _rules[:] = [r for r in _rules if r.id != rule_id]


def rules() -> list[dict[str, Any]]:
    return [r.describe() for r in _rules]


def pull_failure(image: str | None) -> str:
    return (
        f"{CANNOT_PULL}: pull image manifest has been retried 5 time(s): failed to resolve ref {image}: {image}: not found"
    )
