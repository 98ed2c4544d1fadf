"""The request journal (patches/request_journal.py): CloudTrail-shaped records of the calls signed
with a test's own access keys, with their parameters and outcome, and nothing of other callers."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def records(aws: Aws, prefix: str) -> list[dict]:
    return aws.server.ok("/journal/read", {"accessKeyIdPrefix": prefix})["Records"]


def test_records_each_call_of_a_journaled_caller_with_who_what_and_parameters(aws: Aws) -> None:
    aws.server.ok("/journal", {"accessKeyIdPrefix": "AKIAJOURNAL"})
    first = aws.server.client("ecs", access_key_id="AKIAJOURNAL1")
    second = aws.server.client("ecs", access_key_id="AKIAJOURNAL2")
    first.create_cluster(clusterName="one")
    second.create_cluster(clusterName="two")
    got = records(aws, "AKIAJOURNAL")
    assert [(r["userIdentity"]["accessKeyId"], r["eventSource"], r["eventName"], r["requestParameters"]) for r in got] == [
        ("AKIAJOURNAL1", "ecs.amazonaws.com", "CreateCluster", {"clusterName": "one"}),
        ("AKIAJOURNAL2", "ecs.amazonaws.com", "CreateCluster", {"clusterName": "two"}),
    ]
    assert all("errorCode" not in r for r in got)
    assert got[0]["eventTime"] <= got[1]["eventTime"]
    assert got[0]["eventTime"].endswith("Z")


def test_other_callers_are_not_recorded_and_nothing_is_kept_until_started(aws: Aws) -> None:
    aws.server.client("ecs", access_key_id="AKIAEARLY1").list_clusters()
    aws.server.ok("/journal", {"accessKeyIdPrefix": "AKIAEARLY"})
    aws.server.client("ecs", access_key_id="AKIAOTHER1").list_clusters()
    assert records(aws, "AKIAEARLY") == []


def test_a_failed_call_carries_its_error_code(aws: Aws) -> None:
    aws.server.ok("/journal", {"accessKeyIdPrefix": "AKIAFAIL"})
    ecs = aws.server.client("ecs", access_key_id="AKIAFAIL1", retry=False)
    with pytest.raises(ClientError):
        ecs.describe_services(cluster="missing", services=["web"])
    aws.server.ok("/faults", {"operation": "ListClusters", "accessKeyId": "AKIAFAIL1"})
    with pytest.raises(ClientError):
        ecs.list_clusters()
    assert [(r["eventName"], r.get("errorCode")) for r in records(aws, "AKIAFAIL")] == [
        ("DescribeServices", "ClusterNotFoundException"),
        ("ListClusters", "ThrottlingException"),
    ]


def test_clear_and_reset_drop_journals_and_bad_requests_are_refused(aws: Aws) -> None:
    aws.server.ok("/journal", {"accessKeyIdPrefix": "AKIAGONE"})
    assert aws.server.ok("/journal/clear", {"accessKeyIdPrefix": "AKIAGONE"})["journals"] == {}
    assert aws.server.control("/journal/read", {"accessKeyIdPrefix": "AKIAGONE"})[0] == 400
    aws.server.ok("/journal", {"accessKeyIdPrefix": "AKIAGONE"})
    aws.server.ok("/reset")
    assert aws.server.control("/journal/read", {"accessKeyIdPrefix": "AKIAGONE"})[0] == 400
    assert aws.server.control("/journal", {"accessKeyIdPrefix": "AK"})[0] == 400
    assert aws.server.control("/journal", {})[0] == 400
