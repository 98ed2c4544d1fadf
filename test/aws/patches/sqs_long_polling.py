"""A long poll (ReceiveMessage with WaitTimeSeconds) waits without holding up anyone else, and
returns as soon as a message arrives.

Amazon SQS Developer Guide ("Amazon SQS short and long polling") and API reference
(ReceiveMessage, WaitTimeSeconds): "the call waits until a message is available in the queue
before returning", up to WaitTimeSeconds (at most 20 s); other clients' calls go on meanwhile.
moto 5.2.5 waits in the request's own thread on the queue's condition. The emulator serves one
request at a time under ecs_model.LOCK (so that the clock and requests never interleave), so
moto's wait would stop the whole emulator for up to 20 s and no message could arrive during it.
Here the wait releases the lock (a condition on it), and every message added to a queue wakes the
waiters, which look again.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.sqs.models import Queue

from .ecs_model import LOCK

# Waiters on every queue; notified under LOCK, which whoever adds a message holds (a request, or
# the clock thread sending an event).
_ARRIVALS = threading.Condition(LOCK)

_original_add = Queue.add_message


def wait_for_messages(self: Queue, timeout: int) -> None:
    with _ARRIVALS:
        # Condition.wait releases every level of the re-entrant lock, and takes them back after.
        _ARRIVALS.wait_for(lambda: bool(self.messages), timeout=timeout)


def add_message(self: Queue, message: Any) -> None:
    _original_add(self, message)
    with _ARRIVALS:
        _ARRIVALS.notify_all()


def apply() -> None:
    Queue.wait_for_messages = wait_for_messages  # type: ignore[method-assign]
    Queue.add_message = add_message  # type: ignore[method-assign]
