"""Service deployments and revisions (patches/service_deployment_history.py, service_deployments_api.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import Aws, completed


def updated_service(aws: Aws, hold: bool = False, **extra: Any) -> tuple[str, str, str]:
    """A settled service updated to a second revision; returns the cluster and both task definitions."""
    cluster = aws.cluster()
    first = aws.task_definition("web", "nginx:1")
    aws.fargate_service(cluster, "web", "web", desired=2, **extra)
    aws.advance_until(cluster, "web", completed)
    second = aws.task_definition("web", "nginx:2")
    if hold:
        aws.server.ok("/pending-tasks", {"taskDefinition": second})
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=second)
    return cluster, first, second


def history(aws: Aws, cluster: str, **filters: Any) -> list[dict[str, Any]]:
    return list(aws.ecs.list_service_deployments(cluster=cluster, service="web", **filters)["serviceDeployments"])


def describe(aws: Aws, arn: str) -> dict[str, Any]:
    return dict(aws.ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0])


def test_each_deployment_is_a_service_deployment_from_the_running_revision_to_the_new_one(aws: Aws) -> None:
    cluster, first, second = updated_service(aws)
    newest, oldest = history(aws, cluster)
    assert (newest["status"], oldest["status"]) == ("IN_PROGRESS", "SUCCESSFUL")
    assert ":service-deployment/" in newest["serviceDeploymentArn"] and "finishedAt" in oldest
    service = aws.describe(cluster, "web")
    assert service["currentServiceDeployment"] == newest["serviceDeploymentArn"]

    deployment = describe(aws, newest["serviceDeploymentArn"])
    assert [r["arn"] for r in deployment["sourceServiceRevisions"]] == [oldest["targetServiceRevisionArn"]]
    assert deployment["sourceServiceRevisions"][0]["runningTaskCount"] == 2
    assert deployment["targetServiceRevision"]["arn"] == newest["targetServiceRevisionArn"]
    assert deployment["targetServiceRevision"]["requestedTaskCount"] == 2
    assert deployment["deploymentCircuitBreaker"]["status"] == "DISABLED"
    revisions = aws.ecs.describe_service_revisions(
        serviceRevisionArns=[oldest["targetServiceRevisionArn"], newest["targetServiceRevisionArn"]]
    )["serviceRevisions"]
    assert [r["taskDefinition"] for r in revisions] == [first, second]
    assert ":service-revision/" in revisions[0]["serviceRevisionArn"] and revisions[0]["launchType"] == "FARGATE"

    aws.advance_until(cluster, "web", completed)
    done = describe(aws, newest["serviceDeploymentArn"])
    assert done["status"] == "SUCCESSFUL" and "finishedAt" in done
    assert {r["arn"] for r in aws.describe(cluster, "web")["currentServiceRevisions"]} == {
        newest["targetServiceRevisionArn"]
    }


def test_list_filters_by_status_and_creation_time_and_pages(aws: Aws) -> None:
    cluster, _, _ = updated_service(aws)
    newest, oldest = history(aws, cluster)
    assert history(aws, cluster, status=["SUCCESSFUL"]) == [oldest]
    now = datetime.now(timezone.utc)
    assert history(aws, cluster, createdAt={"after": now + timedelta(minutes=1)}) == []
    assert len(history(aws, cluster, createdAt={"before": now + timedelta(minutes=1)})) == 2
    page = aws.ecs.list_service_deployments(cluster=cluster, service="web", maxResults=1)
    assert page["serviceDeployments"] == [newest] and page["nextToken"]
    rest = aws.ecs.list_service_deployments(cluster=cluster, service="web", maxResults=1, nextToken=page["nextToken"])
    assert rest["serviceDeployments"] == [oldest] and "nextToken" not in rest


def test_a_newer_deployment_stops_the_one_in_progress(aws: Aws) -> None:
    cluster, _, _ = updated_service(aws, hold=True)
    aws.ecs.update_service(cluster=cluster, service="web", forceNewDeployment=True)
    assert [d["status"] for d in history(aws, cluster)] == ["IN_PROGRESS", "STOPPED", "SUCCESSFUL"]


def test_circuit_breaker_rollback_is_rollback_in_progress_then_rollback_successful(aws: Aws) -> None:
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    cluster = aws.cluster()
    aws.task_definition("web", "nginx:1")
    aws.fargate_service(cluster, "web", "web", desired=2, deploymentConfiguration=breaker)
    aws.advance_until(cluster, "web", completed)
    bad = aws.task_definition("web", "nginx:broken")
    aws.server.ok("/task-failures", {"taskDefinition": bad})
    aws.ecs.update_service(cluster=cluster, service="web", taskDefinition=bad)
    failing, good = history(aws, cluster)
    aws.advance_until(cluster, "web", lambda s: describe(aws, failing["serviceDeploymentArn"])["status"] != "IN_PROGRESS")
    rolling = describe(aws, failing["serviceDeploymentArn"])
    assert rolling["status"] == "ROLLBACK_IN_PROGRESS"
    assert rolling["deploymentCircuitBreaker"]["status"] == "TRIGGERED"
    assert rolling["deploymentCircuitBreaker"]["failureCount"] >= rolling["deploymentCircuitBreaker"]["threshold"] == 3
    assert rolling["rollback"]["serviceRevisionArn"] == good["targetServiceRevisionArn"]
    assert rolling["rollback"]["reason"].startswith("ECS deployment circuit breaker: rolling back")
    assert len(history(aws, cluster)) == 2  # the rollback is part of the failed service deployment

    aws.advance_until(cluster, "web", completed)
    assert describe(aws, failing["serviceDeploymentArn"])["status"] == "ROLLBACK_SUCCESSFUL"


def test_stop_with_rollback_goes_back_to_the_previous_revision(aws: Aws) -> None:
    cluster, first, _ = updated_service(aws, hold=True)
    arn = history(aws, cluster)[0]["serviceDeploymentArn"]
    assert aws.ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")["serviceDeploymentArn"] == arn
    assert describe(aws, arn)["status"] == "ROLLBACK_REQUESTED"
    aws.server.advance()
    assert describe(aws, arn)["status"] == "ROLLBACK_IN_PROGRESS"
    assert aws.describe(cluster, "web")["taskDefinition"] == first
    # Asking again while it rolls back is accepted and changes nothing.
    aws.ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    aws.advance_until(cluster, "web", completed)
    stopped = describe(aws, arn)
    assert stopped["status"] == "ROLLBACK_SUCCESSFUL" and "finishedAt" in stopped
    assert len(history(aws, cluster)) == 2


def test_stop_refuses_a_finished_deployment_one_without_earlier_revision_and_unknown_arns(aws: Aws) -> None:
    cluster, _, second = updated_service(aws)
    newest, oldest = history(aws, cluster)
    for arn in (oldest["serviceDeploymentArn"],):
        with pytest.raises(ClientError) as error:
            aws.ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
        assert error.value.response["Error"]["Code"] == "ConflictException"
    with pytest.raises(ClientError) as error:
        aws.ecs.stop_service_deployment(serviceDeploymentArn=newest["serviceDeploymentArn"] + "x")
    assert error.value.response["Error"]["Code"] == "ServiceDeploymentNotFoundException"

    other = aws.cluster()
    aws.server.ok("/pending-tasks", {"taskDefinition": second})
    aws.fargate_service(other, "web", second)
    first_arn = history(aws, other)[0]["serviceDeploymentArn"]
    with pytest.raises(ClientError) as error:
        aws.ecs.stop_service_deployment(serviceDeploymentArn=first_arn, stopType="ROLLBACK")
    assert error.value.response["Error"]["Code"] == "ConflictException"


def test_describe_reports_unknown_arns_as_missing_failures(aws: Aws) -> None:
    cluster, _, _ = updated_service(aws)
    known = history(aws, cluster)[0]["serviceDeploymentArn"]
    unknown = known[:-3] + "zzz"
    answer = aws.ecs.describe_service_deployments(serviceDeploymentArns=[known, unknown])
    assert [d["serviceDeploymentArn"] for d in answer["serviceDeployments"]] == [known]
    assert answer["failures"] == [{"arn": unknown, "reason": "MISSING"}]
