"""Throttling and 5xx errors on demand (patches/faults.py, through the control endpoint)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def test_throttled_api_answers_throttling_exception_for_n_calls(aws: Aws) -> None:
    ecs = aws.server.client("ecs", retry=False)
    aws.server.ok("/faults", {"operation": "ListClusters", "count": 2})
    for _ in range(2):
        with pytest.raises(ClientError) as error:
            ecs.list_clusters()
        assert error.value.response["Error"]["Code"] == "ThrottlingException"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ecs.list_clusters()["clusterArns"] == []


def test_failed_call_answers_a_5xx_and_is_not_applied(aws: Aws) -> None:
    ecs = aws.server.client("ecs", retry=False)
    aws.server.ok(
        "/faults", {"operation": "CreateCluster", "kind": "error", "status": 503, "code": "ServiceUnavailable"}
    )
    with pytest.raises(ClientError) as error:
        ecs.create_cluster(clusterName="lost")
    assert error.value.response["Error"]["Code"] == "ServiceUnavailable"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert ecs.list_clusters()["clusterArns"] == []


def test_fault_after_processing_applies_the_call_and_loses_the_answer(aws: Aws) -> None:
    ecs = aws.server.client("ecs", retry=False)
    aws.server.ok("/faults", {"operation": "CreateCluster", "kind": "error", "afterProcessing": True})
    with pytest.raises(ClientError) as error:
        ecs.create_cluster(clusterName="applied")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert [arn.rsplit("/", 1)[-1] for arn in ecs.list_clusters()["clusterArns"]] == ["applied"]


def test_fault_can_be_limited_to_one_access_key_and_one_service(aws: Aws) -> None:
    mine = aws.server.client("ecs", access_key_id="AKIAMINE", retry=False)
    theirs = aws.server.client("ecs", access_key_id="AKIATHEIRS", retry=False)
    aws.server.ok("/faults", {"operation": "ListClusters", "accessKeyId": "AKIAMINE", "service": "ecs"})
    theirs.list_clusters()
    with pytest.raises(ClientError):
        mine.list_clusters()


def test_query_protocol_apis_get_xml_errors(aws: Aws) -> None:
    elb = aws.server.client("elbv2", retry=False)
    aws.server.ok("/faults", {"operation": "DescribeLoadBalancers", "code": "Throttling"})
    with pytest.raises(ClientError) as error:
        elb.describe_load_balancers()
    assert error.value.response["Error"]["Code"] == "Throttling"
    assert elb.describe_load_balancers()["LoadBalancers"] == []


def test_sdk_retries_count_as_calls(aws: Aws) -> None:
    ecs = aws.server.client("ecs", retry=True)  # three attempts
    aws.server.ok("/faults", {"operation": "ListClusters", "count": 2})
    assert ecs.list_clusters()["clusterArns"] == []
    assert aws.server.ok("/faults/clear")["faults"] == []
