"""API calls that change something reach EventBridge's rules as "AWS API Call via CloudTrail"
events (patches/cloudtrail_events.py, event_delivery.py)."""

from __future__ import annotations

import re

from events_queue import RuleQueue
from support import Aws, unique

ECS_CALLS = {
    "source": ["aws.ecs"],
    "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventSource": ["ecs.amazonaws.com"], "eventName": ["UpdateService", "DeleteService"]},
}
ISO_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_an_update_service_by_another_client_arrives_as_a_cloudtrail_event_with_its_parameters(aws: Aws) -> None:
    queue = RuleQueue(aws, ECS_CALLS)
    cluster = aws.cluster()
    service = aws.fargate_service(cluster, "web", aws.task_definition("web"), desired=1)
    ecs = aws.server.client("ecs", access_key_id="AKIAOTHERCALLER00001")
    sent: list[str] = []
    ecs.meta.events.register("before-send.ecs.UpdateService", lambda request, **_: sent.append(request.headers["User-Agent"]))
    ecs.update_service(cluster=cluster, service="web", desiredCount=3)

    [event] = queue.received()
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert (event["version"], event["detail-type"], event["source"]) == ("0", "AWS API Call via CloudTrail", "aws.ecs")
    assert (event["account"], event["region"]) == ("123456789012", "us-east-1")
    assert ISO_SECONDS.match(event["time"])
    detail = event["detail"]
    assert detail["eventSource"] == "ecs.amazonaws.com"
    assert detail["eventName"] == "UpdateService"
    assert detail["awsRegion"] == "us-east-1"
    [user_agent] = [ua.decode() if isinstance(ua, bytes) else ua for ua in sent]
    assert detail["userAgent"] == user_agent
    assert detail["userIdentity"]["accessKeyId"] == "AKIAOTHERCALLER00001"
    assert detail["userIdentity"]["accountId"] == "123456789012"
    assert detail["userIdentity"]["type"] in ("IAMUser", "AssumedRole")
    assert detail["userIdentity"]["arn"].startswith("arn:aws:")
    assert detail["requestParameters"] == {"cluster": cluster, "service": "web", "desiredCount": 3}
    assert detail["responseElements"]["service"]["serviceArn"] == service["serviceArn"]
    assert detail["responseElements"]["service"]["desiredCount"] == 3
    assert ISO_SECONDS.match(detail["eventTime"])
    assert detail["eventType"] == "AwsApiCall" and detail["readOnly"] is False
    assert detail["eventID"] and detail["requestID"]


def test_reads_failed_calls_and_other_operations_send_nothing_to_the_rule(aws: Aws) -> None:
    queue = RuleQueue(aws, ECS_CALLS)
    cluster = aws.cluster()
    aws.fargate_service(cluster, "web", aws.task_definition("web"), desired=1)
    aws.ecs.describe_services(cluster=cluster, services=["web"])
    aws.ecs.tag_resource(
        resourceArn=aws.describe(cluster, "web")["serviceArn"], tags=[{"key": "team", "value": "a"}]
    )
    try:
        aws.ecs.update_service(cluster=cluster, service="missing", desiredCount=1)
    except aws.ecs.exceptions.ServiceNotFoundException:
        pass
    assert queue.received() == []


def test_scaling_and_alarm_calls_carry_their_own_source_and_event_source(aws: Aws) -> None:
    queue = RuleQueue(
        aws,
        {
            "source": ["aws.application-autoscaling", "aws.monitoring"],
            "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {
                "eventName": ["RegisterScalableTarget", "PutScalingPolicy", "DeregisterScalableTarget", "PutMetricAlarm", "DeleteAlarms"]
            },
        },
    )
    _, resource = aws.scalable_service()
    policy = aws.step_policy(resource)
    alarm = unique("cpu-high")
    aws.metric_alarm(alarm, [policy])
    aws.cloudwatch.delete_alarms(AlarmNames=[alarm])
    aws.scaling.deregister_scalable_target(
        ServiceNamespace="ecs", ResourceId=resource, ScalableDimension="ecs:service:DesiredCount"
    )
    events = queue.received()
    seen = [(e["source"], e["detail"]["eventSource"], e["detail"]["eventName"]) for e in events]
    assert seen == [
        ("aws.application-autoscaling", "application-autoscaling.amazonaws.com", "RegisterScalableTarget"),
        ("aws.application-autoscaling", "application-autoscaling.amazonaws.com", "PutScalingPolicy"),
        ("aws.monitoring", "monitoring.amazonaws.com", "PutMetricAlarm"),
        ("aws.monitoring", "monitoring.amazonaws.com", "DeleteAlarms"),
        ("aws.application-autoscaling", "application-autoscaling.amazonaws.com", "DeregisterScalableTarget"),
    ]
    # CloudTrail names the members in lowerCamelCase, whatever the protocol's casing.
    by_name = {e["detail"]["eventName"]: e["detail"] for e in events}
    assert by_name["PutScalingPolicy"]["requestParameters"]["resourceId"] == resource
    assert by_name["PutScalingPolicy"]["requestParameters"]["policyType"] == "StepScaling"
    assert by_name["PutScalingPolicy"]["responseElements"]["policyARN"] == policy
    assert by_name["DeleteAlarms"]["requestParameters"] == {"alarmNames": [alarm]}
