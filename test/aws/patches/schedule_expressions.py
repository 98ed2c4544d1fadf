"""EventBridge Scheduler refuses a schedule whose expression, time zone or time window is invalid.

EventBridge Scheduler API reference (CreateSchedule, UpdateSchedule, FlexibleTimeWindow) and User
Guide ("Schedule types"): ScheduleExpression is `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` with
a positive whole value and unit minute(s), hour(s) or day(s), or `cron(minutes hours day-of-month
month day-of-week year)` with six fields, one of day-of-month and day-of-week being `?`;
ScheduleExpressionTimezone is a time zone name ("America/New_York", default UTC);
FlexibleTimeWindow in FLEXIBLE mode needs MaximumWindowInMinutes. Anything else is
ValidationException (400). moto 5.2.5 stores any expression, time zone and window. The messages are
the emulator's.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from moto.scheduler.exceptions import ValidationException
from moto.scheduler.responses import EventBridgeSchedulerResponse

_AT = re.compile(r"at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)")
_RATE = re.compile(r"rate\((\d+) (minutes?|hours?|days?)\)")
_CRON = re.compile(r"cron\(([^()]+)\)")
_CRON_FIELD = re.compile(r"[0-9A-Za-z*?,/\-#LW]+")


def check_expression(expression: str | None) -> None:
    expression = expression or ""
    at = _AT.fullmatch(expression)
    if at is not None:
        try:
            dt.datetime.fromisoformat(at.group(1))
        except ValueError:
            raise ValidationException(f"Invalid Schedule Expression {expression}.") from None
        return
    rate = _RATE.fullmatch(expression)
    if rate is not None:
        if int(rate.group(1)) < 1:
            raise ValidationException(f"Invalid Schedule Expression {expression}.")
        return
    cron = _CRON.fullmatch(expression)
    if cron is not None:
        fields = cron.group(1).split()
        if len(fields) == 6 and all(_CRON_FIELD.fullmatch(f) for f in fields) and "?" in (fields[2], fields[4]):
            return
    raise ValidationException(f"Invalid Schedule Expression {expression}.")


def check_timezone(name: str | None) -> None:
    if name is None:
        return
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationException(f"Invalid ScheduleExpressionTimezone {name}.") from None


def check_window(window: dict[str, Any] | None) -> None:
    if window and window.get("Mode") == "FLEXIBLE" and window.get("MaximumWindowInMinutes") is None:
        raise ValidationException("MaximumWindowInMinutes must be provided when FlexibleTimeWindow Mode is FLEXIBLE.")


def _checked(handler: Any) -> Any:
    def check_then_handle(self: EventBridgeSchedulerResponse) -> str:
        check_expression(self._get_param("ScheduleExpression"))
        check_timezone(self._get_param("ScheduleExpressionTimezone"))
        check_window(self._get_param("FlexibleTimeWindow"))
        return str(handler(self))

    return check_then_handle


def apply() -> None:
    EventBridgeSchedulerResponse.create_schedule = _checked(EventBridgeSchedulerResponse.create_schedule)
    EventBridgeSchedulerResponse.update_schedule = _checked(EventBridgeSchedulerResponse.update_schedule)
