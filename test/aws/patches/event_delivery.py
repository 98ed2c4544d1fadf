"""An event on a bus reaches the ECS tasks and SQS queues of the rules it matches, as EventBridge
delivers it.

EventBridge User Guide ("Amazon EventBridge rules", "Event patterns", "Amazon EventBridge input
transformation", "Amazon ECS task" targets) and API reference (Target, InputTransformer):
- only ENABLED rules deliver; a rule whose pattern does not match the event invokes nothing;
- a target receives the event, or its constant `Input`, or the part of the event at `InputPath`,
  or the `InputTemplate` of its InputTransformer with each `<name>` replaced by the event's value
  at InputPathsMap's path for that name (a string inserted as its text, JSON-escaped, anything else
  as JSON) and the predefined `<aws.events.rule-arn>`, `<aws.events.rule-name>`,
  `<aws.events.event.ingestion-time>` and `<aws.events.event>` / `<aws.events.event.json>`;
- for an ECS target that input is RunTask's task overrides (ecs_targets), with startedBy
  "events-rule/<rule name>";
- an SQS target ("Amazon SQS queue" targets) receives that input as the message body, and without
  Input, InputPath or InputTransformer the event itself as JSON (version, id, detail-type, source,
  account, time, region, resources, detail); a FIFO queue gets SqsParameters' MessageGroupId. A
  queue that is gone (or refuses the message) loses the event: the service that emitted it is never
  told (EventBridge retries, then drops or dead-letters it).
moto 5.2.5 delivers to rules whatever their state and fails with HTTP 500 (NotImplementedError) on
an ECS target; to an SQS target it sends its own template of the event (without `account`,
`time` unquoted) and raises when the queue is gone. A path the event does not have becomes an empty string (the emulator's choice: the
guide does not say). A target without Input, InputPath or InputTransformer starts its task without
overrides (the event itself is not a TaskOverride).

The control endpoint delivers an event as an AWS service would send it (POST /events/deliver),
e.g. S3's "Object Created", which PutEvents could not (sources starting with "aws." are AWS's);
the emulator's own services emit theirs through `emit` (ecs_events, cloudtrail_events).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from jsonpath_ng.ext import parse as json_path
from moto.core.utils import unix_time
from moto.events.models import EventsBackend, Rule, events_backends
from moto.sqs import sqs_backends
from moto.sqs.models import Message
from moto.utilities.arns import parse_arn

from . import ecs_targets

_original_send = Rule.send_to_targets


def _value_at(event: dict[str, Any], path: str) -> Any:
    found = json_path(path).find(event)
    return found[0].value if found else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return json.dumps(value)[1:-1]
    return json.dumps(value)


def transformed(rule: Rule, target: dict[str, Any], event: dict[str, Any]) -> str | None:
    """The input the target receives for this event, as text (None: no input given)."""
    if target.get("Input") is not None:
        return str(target["Input"])
    if target.get("InputPath") is not None:
        return json.dumps(_value_at(event, target["InputPath"]))
    transformer = target.get("InputTransformer")
    if transformer is None:
        return None
    values = {name: _text(_value_at(event, path)) for name, path in (transformer.get("InputPathsMap") or {}).items()}
    values.update(
        {
            "aws.events.rule-arn": rule.arn,
            "aws.events.rule-name": rule.name,
            "aws.events.event.ingestion-time": str(event.get("ingestion-time", "")),
            "aws.events.event": json.dumps(event),
            "aws.events.event.json": json.dumps(event),
        }
    )
    text = str(transformer["InputTemplate"])
    for name, value in values.items():
        text = text.replace(f"<{name}>", value)
    return text


def invoke_ecs_targets(rule: Rule, event: dict[str, Any]) -> list[dict[str, Any]]:
    invocations = []
    for target in rule.targets:
        if ecs_targets.is_cluster(target["Arn"]) and "EcsParameters" in target:
            request = ecs_targets.run_task_request(
                target["Arn"], target["EcsParameters"], f"events-rule/{rule.name}", transformed(rule, target, event)
            )
            invocations.append({"rule": rule.name, "targetId": target["Id"], **ecs_targets.run(request)})
    return invocations


def _is_queue(arn: str) -> bool:
    return arn.startswith("arn:") and arn.split(":")[2] == "sqs"


def _as_delivered(event: dict[str, Any]) -> dict[str, Any]:
    """The event as a target receives it: ISO time (PutEvents hands moto's rules epoch seconds),
    no ingestion-time (an EventBridge internal)."""
    delivered = {k: v for k, v in event.items() if k != "ingestion-time"}
    if isinstance(delivered.get("time"), (int, float)):
        delivered["time"] = dt.datetime.fromtimestamp(delivered["time"], dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return delivered


def send_to_queues(rule: Rule, event: dict[str, Any]) -> int:
    """Sends the event to the rule's SQS targets; returns how many queues took it."""
    sent = 0
    delivered = _as_delivered(event)
    for target in rule.targets:
        if not _is_queue(target["Arn"]):
            continue
        arn = parse_arn(target["Arn"])
        body = transformed(rule, target, delivered)
        group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
        text = json.dumps(delivered) if body is None else body
        try:
            backend = sqs_backends[arn.account][arn.region]
            queue = backend.get_queue(arn.resource_id)
            if queue.fifo_queue:
                backend.send_message(queue_name=arn.resource_id, message_body=text, group_id=group_id, deduplication_id=str(delivered.get("id")))
            else:
                # Not moto's send_message: it reads every queue attribute, counting the messages,
                # for each message sent, which makes a burst of events quadratic.
                message = Message(str(uuid.uuid4()), text)
                message.mark_sent(delay_seconds=int(queue.delay_seconds or 0))  # type: ignore[attr-defined]
                queue.add_message(message)
            sent += 1
        except Exception:  # noqa: BLE001 - a lost delivery never reaches the emitting service
            continue
    return sent


def _enabled(rule: Rule) -> bool:
    return str(rule.state).startswith("ENABLED")


def send_to_targets(self: Rule, original_event: dict[str, Any], transform_input: bool = True) -> None:
    if not _enabled(self) or not self.event_pattern.matches_event(original_event):
        return
    invoke_ecs_targets(self, original_event)
    send_to_queues(self, original_event)
    others = [t for t in self.targets if not ecs_targets.is_cluster(t["Arn"]) and not _is_queue(t["Arn"])]
    if others:
        all_targets, self.targets = self.targets, others
        try:
            _original_send(self, original_event, transform_input)
        finally:
            self.targets = all_targets


def deliver(body: dict[str, Any]) -> dict[str, Any]:
    """Delivers the control endpoint's event to a bus now; returns what each matching rule did."""
    given = body["event"]
    if not isinstance(given, dict) or not given.get("source") or not given.get("detail-type"):
        raise ValueError("event needs source and detail-type (and detail)")
    region = str(body.get("region") or "us-east-1")
    account = str(body.get("accountId") or "123456789012")
    backend: EventsBackend = events_backends[account][region]
    bus = backend.describe_event_bus(backend._normalize_event_bus_arn(body.get("eventBusName")))
    event = {
        "version": "0",
        "id": str(given.get("id") or uuid.uuid4()),
        "detail-type": given["detail-type"],
        "source": given["source"],
        "account": account,
        "time": given.get("time") or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": given.get("resources") or [],
        "detail": given.get("detail") or {},
    }
    matched, invocations = [], []
    for rule in list(bus.rules.values()):
        if _enabled(rule) and rule.event_pattern.get_pattern() and rule.event_pattern.matches_event(event):
            matched.append(rule.name)
            invocations.extend(invoke_ecs_targets(rule, {**event, "ingestion-time": unix_time()}))
            send_to_queues(rule, event)
    return {"event": event, "matchedRules": matched, "invocations": invocations}


def emit(
    account: str, region: str, source: str, detail_type: str, resources: list[str], detail: dict[str, Any]
) -> dict[str, Any]:
    """Puts an AWS service's event on the default bus of its account and region, now, and delivers
    it to the targets of the rules it matches; returns the event."""
    event = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": account,
        "time": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": resources,
        "detail": detail,
    }
    backend: EventsBackend = events_backends[account][region]
    bus = backend.describe_event_bus("default")
    for rule in list(bus.rules.values()):
        if rule.event_pattern.get_pattern():
            send_to_targets(rule, {**event, "ingestion-time": unix_time()})
    return event


def apply() -> None:
    Rule.send_to_targets = send_to_targets
