"""EventBridge Scheduler holds and returns a schedule as its API reference says.

EventBridge Scheduler API reference:
- CreateSchedule in a schedule group that does not exist: ResourceNotFoundException (404);
- ActionAfterCompletion is NONE unless DELETE is asked; State is ENABLED unless DISABLED is asked;
- UpdateSchedule "uses all values, including empty values, specified in the request and overrides
  the existing schedule ... if you do not set an optional field in your request, that field will
  be set to its system-default value after the update" (State, ActionAfterCompletion, Description,
  dates, Target with its RetryPolicy default included);
- GetSchedule returns the members the schedule has (GetScheduleOutput), ListSchedules the
  ScheduleSummary members only (Arn, Name, GroupName, State, CreationDate, LastModificationDate,
  Target with its Arn);
- TagResource, UntagResource and ListTagsForResource take a schedule group's ARN only ("You can only
  assign tags to schedule groups"): the model's ResourceArn pattern refuses a schedule's ARN
  (model_validation).
moto 5.2.5 answers HTTP 500 (KeyError) for a missing group, leaves ActionAfterCompletion out,
keeps the old ActionAfterCompletion and drops State on UpdateSchedule, answers null members and
puts every member of a schedule in ListSchedules.
"""

from __future__ import annotations

import json
from typing import Any

from moto.scheduler.models import EventBridgeSchedulerBackend, Schedule
from moto.scheduler.responses import EventBridgeSchedulerResponse

SUMMARY_MEMBERS = ("Arn", "Name", "GroupName", "State", "CreationDate", "LastModificationDate")

_original_create = EventBridgeSchedulerBackend.create_schedule
_original_to_dict = Schedule.to_dict
_original_update = Schedule.update


def create_schedule(self: EventBridgeSchedulerBackend, **kwargs: Any) -> Schedule:
    self.get_schedule_group(kwargs.get("group_name"))  # ResourceNotFoundException when missing
    kwargs["action_after_completion"] = kwargs.get("action_after_completion") or "NONE"
    return _original_create(self, **kwargs)


def to_dict(self: Schedule, short: bool = False) -> dict[str, Any]:
    full = _original_to_dict(self)
    if short:
        summary = {k: full[k] for k in SUMMARY_MEMBERS}
        summary["Target"] = {"Arn": full["Target"]["Arn"]}
        full = summary
    return {k: v for k, v in full.items() if v is not None}


def update(self: Schedule, action_after_completion: str | None = None, **kwargs: Any) -> None:
    kwargs["state"] = kwargs.get("state") or "ENABLED"
    _original_update(self, **kwargs)
    self.action_after_completion = action_after_completion or "NONE"


def update_schedule(self: EventBridgeSchedulerResponse) -> str:
    body = json.loads(self.body or "{}")
    name = self.uri.split("?")[0].split("/")[-1]
    schedule = self.scheduler_backend.get_schedule(group_name=body.get("GroupName"), name=name)
    schedule.update(
        description=body.get("Description"),
        end_date=body.get("EndDate"),
        flexible_time_window=body.get("FlexibleTimeWindow"),
        kms_key_arn=body.get("KmsKeyArn"),
        schedule_expression=body.get("ScheduleExpression"),
        schedule_expression_timezone=body.get("ScheduleExpressionTimezone"),
        start_date=body.get("StartDate"),
        state=body.get("State"),
        target=body.get("Target"),
        action_after_completion=body.get("ActionAfterCompletion"),
    )
    return json.dumps({"ScheduleArn": schedule.arn})


def apply() -> None:
    EventBridgeSchedulerBackend.create_schedule = create_schedule
    Schedule.to_dict = to_dict
    Schedule.update = update
    EventBridgeSchedulerResponse.update_schedule = update_schedule
