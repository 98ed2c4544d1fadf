"""ECS sends deployment, service action and task state change events to EventBridge
(patches/ecs_events.py, event_delivery.py)."""

from __future__ import annotations

from events_queue import RuleQueue
from support import Aws, completed


def test_a_deployment_that_completes_sends_in_progress_then_completed_for_the_service(aws: Aws) -> None:
    queue = RuleQueue(aws, {"source": ["aws.ecs"], "detail-type": ["ECS Deployment State Change"]})
    cluster = aws.cluster()
    created = aws.fargate_service(cluster, "web", aws.task_definition("web"), desired=2)
    service = aws.advance_until(cluster, "web", completed)

    events = queue.received()
    assert [e["detail"]["eventName"] for e in events] == ["SERVICE_DEPLOYMENT_IN_PROGRESS", "SERVICE_DEPLOYMENT_COMPLETED"]
    deployment = service["deployments"][0]
    for event in events:
        assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
        assert (event["version"], event["source"], event["account"], event["region"]) == ("0", "aws.ecs", "123456789012", "us-east-1")
        assert event["resources"] == [created["serviceArn"]]
        assert event["detail"]["eventType"] == "INFO"
        assert event["detail"]["deploymentId"] == deployment["id"]
        assert event["detail"]["updatedAt"].endswith("Z")
    assert events[0]["detail"]["reason"] == f"ECS deployment {deployment['id']} in progress."
    assert events[1]["detail"]["reason"] == f"ECS deployment {deployment['id']} completed."


def test_a_service_that_reaches_its_desired_count_sends_one_steady_state_action(aws: Aws) -> None:
    queue = RuleQueue(aws, {"source": ["aws.ecs"], "detail-type": ["ECS Service Action"]})
    cluster = aws.cluster()
    created = aws.fargate_service(cluster, "web", aws.task_definition("web"), desired=1)
    aws.advance_until(cluster, "web", completed)
    aws.server.advance(3)

    [event] = queue.received()
    assert event["resources"] == [created["serviceArn"]]
    assert event["detail"]["eventName"] == "SERVICE_STEADY_STATE"
    assert event["detail"]["eventType"] == "INFO"
    assert event["detail"]["clusterArn"] == created["clusterArn"]
    assert "version" not in event["detail"]


def test_task_state_changes_carry_the_task_and_a_growing_version(aws: Aws) -> None:
    queue = RuleQueue(aws, {"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"], "detail": {"lastStatus": ["RUNNING", "PENDING"]}})
    cluster = aws.cluster()
    aws.fargate_service(cluster, "web", aws.task_definition("web"), desired=1)
    aws.advance_until(cluster, "web", completed)

    events = queue.received()
    assert [e["detail"]["lastStatus"] for e in events] == ["PENDING", "RUNNING"]
    [task_arn] = {e["detail"]["taskArn"] for e in events}
    assert all(e["resources"] == [task_arn] for e in events)
    assert [e["detail"]["version"] for e in events] == [1, 2]
    assert events[1]["detail"]["group"] == "service:web"
    assert events[1]["detail"]["desiredStatus"] == "RUNNING"


def test_a_rule_whose_pattern_does_not_match_receives_nothing(aws: Aws) -> None:
    queue = RuleQueue(aws, {"source": ["aws.ecs"], "detail-type": ["ECS Deployment State Change"], "detail": {"eventType": ["ERROR"]}})
    cluster = aws.cluster()
    aws.fargate_service(cluster, "web", aws.task_definition("web"), desired=1)
    aws.advance_until(cluster, "web", completed)
    assert queue.received() == []
