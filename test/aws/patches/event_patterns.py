"""PutRule refuses an event pattern that EventBridge would not accept.

EventBridge User Guide ("Event patterns", "Content filtering in Amazon EventBridge event
patterns") and API reference (PutRule, InvalidEventPatternException): a pattern is a JSON object
whose leaves are non-empty arrays of values (strings, numbers, booleans, null) or of one-key
comparison objects: prefix and suffix (a string, or {"equals-ignore-case": string}),
equals-ignore-case, wildcard and cidr (a string), anything-but (a value, a list of values, or
{prefix|suffix|equals-ignore-case|wildcard: ...}), numeric (operator/number pairs), exists (a
boolean); "$or" takes a list of patterns. Anything else is InvalidEventPatternException "Event
pattern is not valid. Reason: ...". moto 5.2.5 accepts unknown operators and operands of any type
and answers HTTP 500 for a pattern that is not an object. The reasons are the emulator's words.
"""

from __future__ import annotations

import json
from typing import Any

from moto.events.exceptions import InvalidEventPatternException
from moto.events.models import EventPatternParser

STRING_OPERATORS = ("equals-ignore-case", "wildcard", "cidr")
AFFIX_OPERATORS = ("prefix", "suffix")
NUMERIC_OPERATORS = ("<", "<=", "=", ">=", ">")


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def check_pattern(pattern: Any) -> None:
    if not isinstance(pattern, dict):
        raise InvalidEventPatternException(reason="the pattern must be a JSON object")
    for key, value in pattern.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise InvalidEventPatternException(reason="$or must be a list of at least two patterns")
            for alternative in value:
                check_pattern(alternative)
        elif isinstance(value, dict):
            check_pattern(value)
        elif isinstance(value, list):
            if not value:
                raise InvalidEventPatternException(reason="Empty arrays are not allowed")
            for matcher in value:
                _check_matcher(key, matcher)
        else:
            raise InvalidEventPatternException(reason=f"'{key}' must be an object or an array")


def _check_matcher(key: str, matcher: Any) -> None:
    if _scalar(matcher):
        return
    if not isinstance(matcher, dict) or len(matcher) != 1:
        raise InvalidEventPatternException(reason=f"Match value of '{key}' must be a value or an object with one match type")
    [(operator, operand)] = matcher.items()
    if operator in AFFIX_OPERATORS:
        ok = isinstance(operand, str) or (
            isinstance(operand, dict) and list(operand) == ["equals-ignore-case"] and isinstance(operand["equals-ignore-case"], str)
        )
    elif operator in STRING_OPERATORS:
        ok = isinstance(operand, str)
    elif operator == "exists":
        ok = isinstance(operand, bool)
    elif operator == "anything-but":
        ok = _scalar(operand) or (isinstance(operand, list) and bool(operand) and all(_scalar(v) for v in operand)) or (
            isinstance(operand, dict)
            and len(operand) == 1
            and next(iter(operand)) in (*AFFIX_OPERATORS, "equals-ignore-case", "wildcard")
        )
    elif operator == "numeric":
        ok = (
            isinstance(operand, list)
            and len(operand) in (2, 4)
            and all(op in NUMERIC_OPERATORS for op in operand[::2])
            and all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in operand[1::2])
        )
    else:
        raise InvalidEventPatternException(reason=f"Unrecognized match type {operator}")
    if not ok:
        raise InvalidEventPatternException(reason=f"Invalid value for match type {operator} of '{key}'")


def parse(self: EventPatternParser) -> dict[str, Any]:
    try:
        pattern = json.loads(self.pattern) if self.pattern else {}
    except ValueError:
        raise InvalidEventPatternException(reason="Invalid JSON") from None
    if self.pattern:
        check_pattern(pattern)
    return pattern  # type: ignore[no-any-return]


def apply() -> None:
    EventPatternParser.parse = parse
