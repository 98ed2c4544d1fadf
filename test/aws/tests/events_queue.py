"""A queue that receives what an EventBridge rule of the default bus matches (shared by the event suites)."""

from __future__ import annotations

import json
from typing import Any

from support import Aws, unique


class RuleQueue:
    """An SQS queue, and a rule on the default bus whose target it is."""

    def __init__(self, aws: Aws, pattern: dict[str, Any]) -> None:
        self.sqs = aws.server.client("sqs")
        self.url = self.sqs.create_queue(QueueName=unique("events"))["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        name = unique("rule")
        aws.events.put_rule(Name=name, EventPattern=json.dumps(pattern))
        aws.events.put_targets(Rule=name, Targets=[{"Id": "queue", "Arn": arn}])

    def received(self) -> list[dict[str, Any]]:
        """Every event on the queue (each deleted once read)."""
        events = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return events
            for message in messages:
                events.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
