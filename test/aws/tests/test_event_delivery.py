"""Events delivered to rules with ECS targets (patches/event_delivery.py, ecs_targets.py)."""

from __future__ import annotations

import json
from typing import Any

from support import Aws

ROLE = "arn:aws:iam::123456789012:role/events"
UPLOADS = {
    "source": ["aws.s3"],
    "detail-type": ["Object Created"],
    "detail": {"bucket": {"name": ["inbox"]}, "object": {"key": [{"prefix": "uploads/"}]}},
}


def s3_event(key: str, bucket: str = "inbox") -> dict[str, Any]:
    return {
        "source": "aws.s3",
        "detail-type": "Object Created",
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {"version": "0", "bucket": {"name": bucket}, "object": {"key": key, "size": 5}},
    }


def rule_with_ecs_target(aws: Aws, name: str, pattern: dict[str, Any], **target_extra: Any) -> str:
    cluster_arn, task_definition, subnet = aws.fargate_job()
    aws.events.put_rule(Name=name, EventPattern=json.dumps(pattern), Tags=[{"Key": "owner", "Value": "ops"}])
    target = {
        "Id": "job",
        "Arn": cluster_arn,
        "RoleArn": ROLE,
        "EcsParameters": {
            "TaskDefinitionArn": task_definition,
            "TaskCount": 1,
            "LaunchType": "FARGATE",
            "NetworkConfiguration": {"awsvpcConfiguration": {"Subnets": [subnet], "AssignPublicIp": "DISABLED"}},
            "Tags": [{"Key": "team", "Value": "data"}],
        },
        **target_extra,
    }
    aws.events.put_targets(Rule=name, Targets=[target])
    assert aws.events.list_targets_by_rule(Rule=name)["Targets"] == [target]
    return cluster_arn


TRANSFORMER = {
    "InputPathsMap": {"key": "$.detail.object.key", "bucket": "$.detail.bucket.name"},
    "InputTemplate": '{"containerOverrides": [{"name": "app", "environment": [{"name": "KEY", "value": "<key>"}, {"name": "BUCKET", "value": "<bucket>"}, {"name": "RULE", "value": "<aws.events.rule-name>"}]}]}',
}


def test_a_matching_event_runs_one_task_whose_overrides_carry_the_object_key(aws: Aws) -> None:
    cluster_arn = rule_with_ecs_target(aws, "uploads", UPLOADS, InputTransformer=TRANSFORMER)
    arn = aws.events.describe_rule(Name="uploads")["Arn"]
    assert aws.events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "owner", "Value": "ops"}]
    delivered = aws.server.ok("/events/deliver", {"event": s3_event('uploads/a "b".csv')})
    assert delivered["matchedRules"] == ["uploads"]
    [invocation] = delivered["invocations"]
    [task] = aws.ecs.describe_tasks(cluster=cluster_arn, tasks=invocation["taskArns"])["tasks"]
    assert task["startedBy"] == "events-rule/uploads"
    assert task["overrides"]["containerOverrides"][0]["environment"] == [
        {"name": "KEY", "value": 'uploads/a "b".csv'},
        {"name": "BUCKET", "value": "inbox"},
        {"name": "RULE", "value": "uploads"},
    ]


def test_an_event_that_does_not_match_starts_nothing(aws: Aws) -> None:
    cluster_arn = rule_with_ecs_target(aws, "uploads", UPLOADS, InputTransformer=TRANSFORMER)
    for event in (s3_event("other/a.csv"), s3_event("uploads/a.csv", bucket="outbox"), {**s3_event("uploads/a.csv"), "source": "aws.ec2"}):
        assert aws.server.ok("/events/deliver", {"event": event}) ["matchedRules"] == []
    aws.events.disable_rule(Name="uploads")
    assert aws.server.ok("/events/deliver", {"event": s3_event("uploads/a.csv")})["matchedRules"] == []
    assert aws.ecs.list_tasks(cluster=cluster_arn)["taskArns"] == []


def test_exists_and_anything_but_match_as_documented(aws: Aws) -> None:
    pattern = {"source": ["app"], "detail": {"retry": [{"exists": False}], "state": [{"anything-but": ["DONE"]}]}}
    rule_with_ecs_target(aws, "work", pattern, Input='{"containerOverrides": [{"name": "app", "command": ["work"]}]}')

    def matched(detail: dict[str, Any]) -> bool:
        body = {"event": {"source": "app", "detail-type": "job", "detail": detail}}
        return aws.server.ok("/events/deliver", body)["matchedRules"] == ["work"]

    assert matched({"state": "NEW"})
    assert not matched({"state": "DONE"})
    assert not matched({"state": "NEW", "retry": 1})


def test_put_events_starts_the_task_of_a_matching_rule(aws: Aws) -> None:
    pattern = {"source": ["billing"], "detail-type": ["Invoice Due"]}
    cluster_arn = rule_with_ecs_target(aws, "invoices", pattern, InputPath="$.detail.overrides")
    overrides = {"containerOverrides": [{"name": "app", "command": ["bill", "42"]}]}
    aws.events.put_events(Entries=[{"Source": "billing", "DetailType": "Invoice Due", "Detail": json.dumps({"overrides": overrides})}])
    [arn] = aws.ecs.list_tasks(cluster=cluster_arn, startedBy="events-rule/invoices")["taskArns"]
    assert aws.ecs.describe_tasks(cluster=cluster_arn, tasks=[arn])["tasks"][0]["overrides"] == overrides


def test_an_sqs_target_receives_the_event_itself_or_the_part_its_input_path_names(aws: Aws) -> None:
    """EventBridge User Guide, "Amazon SQS queue" targets: without Input, InputPath or
    InputTransformer the queue gets the whole event (moto 5.2.5 sends a template without account)."""
    sqs = aws.server.client("sqs")
    whole = sqs.create_queue(QueueName="whole")["QueueUrl"]
    part = sqs.create_queue(QueueName="part")["QueueUrl"]
    arn = lambda url: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]  # noqa: E731
    aws.events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["shop"], "detail": {"total": [{"numeric": [">", 10]}]}}))
    aws.events.put_targets(Rule="orders", Targets=[{"Id": "whole", "Arn": arn(whole)}, {"Id": "part", "Arn": arn(part), "InputPath": "$.detail.items"}])
    aws.events.put_events(Entries=[{"Source": "shop", "DetailType": "Order Placed", "Detail": json.dumps({"total": 5, "items": []})}])
    aws.events.put_events(Entries=[{"Source": "shop", "DetailType": "Order Placed", "Detail": json.dumps({"total": 42, "items": ["book"]})}])

    [message] = sqs.receive_message(QueueUrl=whole, MaxNumberOfMessages=10)["Messages"]
    event = json.loads(message["Body"])
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert (event["source"], event["detail-type"], event["account"], event["detail"]) == ("shop", "Order Placed", "123456789012", {"total": 42, "items": ["book"]})
    assert event["time"].endswith("Z")
    [message] = sqs.receive_message(QueueUrl=part, MaxNumberOfMessages=10)["Messages"]
    assert json.loads(message["Body"]) == ["book"]
