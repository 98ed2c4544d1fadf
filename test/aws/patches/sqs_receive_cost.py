"""Receiving and deleting SQS messages costs the emulator the same whatever the queue holds, so
that draining a queue of thousands of events takes seconds.

No AWS behaviour changes here. moto 5.2.5 checks each message it receives against the queue's
retention period by building all the queue's attributes, three of which count its messages, and
asks moto.core.utils.unix_time_millis (datetime arithmetic) whether each message is visible, for
every message at every ReceiveMessage: measured, draining 1,000 messages in batches of 10 took
150 s of the emulator's single lock, which a benchmark with the events queue on would count as ECS
being slow. Here the retention period is read from the queue itself and the time from time.time(),
the same values.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import moto.sqs.models as sqs_models
from moto.sqs.models import Message, SQSBackend

_original_millis = sqs_models.unix_time_millis
_original_seconds = sqs_models.unix_time


def unix_time_millis(dt: datetime | None = None) -> float:
    return time.time() * 1000 if dt is None else float(_original_millis(dt))


def unix_time(dt: datetime | None = None) -> float:
    return time.time() if dt is None else float(_original_seconds(dt))


def is_message_valid_based_on_retention_period(self: SQSBackend, queue_name: str, message: Message) -> bool:
    retention_period = int(self.get_queue(queue_name).message_retention_period)  # type: ignore[attr-defined]
    return bool(retention_period + message.sent_timestamp / 1000 > time.time())  # type: ignore[operator]


def apply() -> None:
    module: Any = sqs_models
    module.unix_time_millis = unix_time_millis
    module.unix_time = unix_time
    SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period  # type: ignore[method-assign]
