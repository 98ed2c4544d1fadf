"""A long poll waits without holding up other calls and returns once a message arrives
(patches/sqs_long_polling.py)."""

from __future__ import annotations

import threading
from typing import Any

from support import Aws, unique


def test_a_long_poll_lets_other_calls_through_and_returns_the_message_sent_meanwhile(aws: Aws) -> None:
    sqs = aws.server.client("sqs")
    url = sqs.create_queue(QueueName=unique("poll"))["QueueUrl"]
    received: list[dict[str, Any]] = []
    poller = aws.server.client("sqs")
    polling = threading.Thread(
        target=lambda: received.extend(poller.receive_message(QueueUrl=url, WaitTimeSeconds=20).get("Messages", []))
    )
    polling.start()
    # Other calls are answered while the poll waits: ECS's, and SQS's own.
    aws.ecs.list_clusters()
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    polling.join(timeout=10)
    assert not polling.is_alive(), "the poll waited on after a message arrived"
    assert [m["Body"] for m in received] == ["hello"]


def test_a_long_poll_on_an_empty_queue_returns_nothing_after_its_wait(aws: Aws) -> None:
    sqs = aws.server.client("sqs")
    url = sqs.create_queue(QueueName=unique("poll"))["QueueUrl"]
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []) == []


def test_a_queue_of_hundreds_of_messages_drains_each_message_once(aws: Aws) -> None:
    """patches/sqs_receive_cost.py changes only what receiving costs the emulator, not what it answers."""
    sqs = aws.server.client("sqs")
    url = sqs.create_queue(QueueName=unique("drain"), Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    for batch in range(30):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"{batch}-{i}"} for i in range(10)])
    seen: list[str] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        seen.extend(m["Body"] for m in messages)
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
    assert sorted(seen) == sorted(f"{b}-{i}" for b in range(30) for i in range(10))
