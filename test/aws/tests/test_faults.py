"""Faults on demand (patches/faults.py, through the control endpoint): throttling, 5xx errors,
dropped connections and slow answers, for the next N calls or for a seeded share of them."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError
from support import Aws

from access_keys import account_key


def outcomes(call: Any, n: int) -> list[str]:
    """'ok' or the error code of each of n calls."""
    seen = []
    for _ in range(n):
        try:
            call()
            seen.append("ok")
        except ClientError as error:
            seen.append(error.response["Error"]["Code"])
    return seen


def armed(aws: Aws) -> list[dict[str, Any]]:
    """The fault rules still armed, with their counts."""
    status, state = aws.server.control("/state", method="GET")
    assert status == 200
    return list(state["faults"])


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


def test_server_errors_default_to_the_common_aws_codes_for_500_and_503(aws: Aws) -> None:
    ecs = aws.server.client("ecs", retry=False)
    aws.server.ok("/faults", {"operation": "ListClusters", "kind": "error"})
    aws.server.ok("/faults", {"operation": "ListClusters", "kind": "error", "status": 503})
    aws.server.ok("/faults", {"operation": "ListClusters", "kind": "error", "code": "ServerException"})
    seen = []
    for _ in range(3):
        with pytest.raises(ClientError) as error:
            ecs.list_clusters()
        seen.append((error.value.response["ResponseMetadata"]["HTTPStatusCode"], error.value.response["Error"]["Code"]))
    assert seen == [(500, "InternalFailure"), (503, "ServiceUnavailable"), (500, "ServerException")]


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


def test_probability_rule_throttles_a_seeded_share_of_calls_until_cleared(aws: Aws) -> None:
    ecs = aws.server.client("ecs", retry=False)
    rule = aws.server.ok("/faults", {"operation": "ListClusters", "probability": 0.3, "seed": 42})["added"]
    assert (rule["remaining"], rule["seed"]) == (None, 42)
    first = outcomes(ecs.list_clusters, 200)
    throttled = first.count("ThrottlingException")
    assert 30 <= throttled <= 90  # 60 expected; a seeded draw, so the same every run
    assert set(first) == {"ok", "ThrottlingException"}
    [state] = armed(aws)
    assert (state["matched"], state["injected"]) == (200, throttled)

    aws.server.ok("/faults/clear", {"id": rule["id"]})
    assert outcomes(ecs.list_clusters, 20) == ["ok"] * 20
    aws.server.ok("/faults", {"operation": "ListClusters", "probability": 0.3, "seed": 42})
    assert outcomes(ecs.list_clusters, 200) == first  # same seed, same calls: same faults


def test_probability_rule_with_a_count_stops_after_that_many_faults(aws: Aws) -> None:
    ecs = aws.server.client("ecs", retry=False)
    aws.server.ok("/faults", {"operation": "ListClusters", "probability": 0.5, "count": 3, "seed": 7})
    seen = outcomes(ecs.list_clusters, 40)
    assert seen.count("ThrottlingException") == 3
    assert armed(aws) == []  # a spent rule leaves the state


def test_a_rule_for_every_operation_of_one_service_leaves_other_services_alone(aws: Aws) -> None:
    ecs = aws.server.client("ecs", retry=False)
    ec2 = aws.server.client("ec2", retry=False)
    aws.server.ok("/faults", {"operation": "*", "service": "ecs", "kind": "error", "probability": 1.0})
    for call in (ecs.list_clusters, ecs.list_task_definitions):
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "InternalFailure"
    assert "Vpcs" in ec2.describe_vpcs()


def test_sdk_retries_are_visible_in_the_rule_counts(aws: Aws) -> None:
    """Each attempt the SDK makes is one call the rule sees: the faults it injected are exactly
    the retries the SDK reports plus three for each call that ran out of attempts."""
    ecs = aws.server.client("ecs", retry=True)  # three attempts
    aws.server.ok("/faults", {"operation": "ListClusters", "probability": 0.5, "seed": 3})
    retries, exhausted = 0, 0
    for _ in range(30):
        try:
            retries += ecs.list_clusters()["ResponseMetadata"]["RetryAttempts"]
        except ClientError as error:
            assert error.response["ResponseMetadata"]["RetryAttempts"] == 2
            exhausted += 1
    [rule] = armed(aws)
    assert rule["injected"] == retries + 3 * exhausted
    assert rule["matched"] == 30 + retries + 2 * exhausted
    assert retries > 0


def test_reset_closes_the_connection_without_an_answer(aws: Aws) -> None:
    ecs = aws.server.client("ecs", retry=False)
    aws.server.ok("/faults", {"operation": "CreateCluster", "kind": "reset"})
    with pytest.raises(ConnectionClosedError):
        ecs.create_cluster(clusterName="never")
    assert ecs.list_clusters()["clusterArns"] == []  # not applied, and the server serves on


def test_reset_after_processing_applies_the_call(aws: Aws) -> None:
    ecs = aws.server.client("ecs", retry=False)
    aws.server.ok("/faults", {"operation": "CreateCluster", "kind": "reset", "afterProcessing": True})
    with pytest.raises(ConnectionClosedError):
        ecs.create_cluster(clusterName="made")
    assert [arn.rsplit("/", 1)[-1] for arn in ecs.list_clusters()["clusterArns"]] == ["made"]


def test_sdk_retries_a_dropped_connection(aws: Aws) -> None:
    ecs = aws.server.client("ecs", retry=True)
    aws.server.ok("/faults", {"operation": "ListClusters", "kind": "reset", "count": 2})
    response = ecs.list_clusters()
    assert response["ResponseMetadata"]["RetryAttempts"] == 2


def test_slow_answer_comes_late_and_does_not_hold_up_other_calls(aws: Aws) -> None:
    slow_client = aws.server.client("ecs", access_key_id="AKIASLOW", retry=False)
    other = aws.server.client("ecs", retry=False)
    aws.server.ok("/faults", {"operation": "ListClusters", "kind": "slow", "delayMs": 1500, "accessKeyId": "AKIASLOW"})
    took: dict[str, float] = {}

    def slow_call() -> None:
        started = time.monotonic()
        slow_client.list_clusters()
        took["slow"] = time.monotonic() - started

    thread = threading.Thread(target=slow_call)
    thread.start()
    time.sleep(0.2)  # the slow call is now waiting inside the emulator
    started = time.monotonic()
    other.list_clusters()
    took["other"] = time.monotonic() - started
    thread.join()
    assert took["slow"] >= 1.5
    assert took["other"] < 1.0


def test_slow_answer_after_processing_has_already_taken_effect(aws: Aws) -> None:
    slow_client = aws.server.client("ecs", access_key_id="AKIASLOW", retry=False)
    aws.server.ok(
        "/faults",
        {"operation": "CreateCluster", "kind": "slow", "delayMs": 1500, "afterProcessing": True, "accessKeyId": "AKIASLOW"},
    )
    thread = threading.Thread(target=lambda: slow_client.create_cluster(clusterName="early"))
    thread.start()
    time.sleep(0.5)
    assert [arn.rsplit("/", 1)[-1] for arn in aws.ecs.list_clusters()["clusterArns"]] == ["early"]
    thread.join()


@pytest.mark.parametrize(
    "body",
    [
        {"operation": "ListClusters", "probability": 0},
        {"operation": "ListClusters", "probability": 1.5},
        {"operation": "ListClusters", "count": 0},
        {"operation": "ListClusters", "kind": "slow"},
        {"operation": "ListClusters", "kind": "slow", "delayMs": 10_000_000},
        {"operation": "ListClusters", "kind": "error", "status": 302},
        {"operation": "", "kind": "error"},
        {"kind": "error"},
    ],
)
def test_bad_fault_rules_are_rejected(aws: Aws, body: dict[str, Any]) -> None:
    status, payload = aws.server.control("/faults", body)
    assert status == 400, payload
    assert aws.server.ok("/faults/clear")["faults"] == []


def test_a_rest_json_operation_is_named_from_its_method_and_path(aws: Aws) -> None:
    aws.server.ok("/faults", {"operation": "GetSchedule", "service": "scheduler", "kind": "throttle"})
    scheduler = aws.server.client("scheduler", retry=False)
    with pytest.raises(ClientError) as error:
        scheduler.get_schedule(Name="nightly")
    assert error.value.response["Error"]["Code"] == "ThrottlingException"
    with pytest.raises(ClientError) as missing:
        scheduler.get_schedule(Name="nightly")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_rule_scoped_to_an_account_faults_every_key_of_that_account_and_no_other(aws: Aws) -> None:
    """An account's calls are faulted whatever keys sign them: another plain key of the account, and
    the sessions of a role in it (whose keys change at every AssumeRole)."""
    account = "444444444444"
    iam = aws.server.client("iam", account_key(account))
    trust = {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}
    role = iam.create_role(RoleName="ops", AssumeRolePolicyDocument=json.dumps({"Statement": [trust]}))["Role"]["Arn"]
    sessions = [
        aws.server.client("sts").assume_role(RoleArn=role, RoleSessionName=f"s{i}")["Credentials"] for i in range(2)
    ]
    aws.server.ok("/faults", {"operation": "*", "service": "ecs", "account": account, "probability": 1})
    faulted = [aws.server.client("ecs", account_key(account), retry=False)] + [
        aws.server.client("ecs", session=session, retry=False) for session in sessions
    ]
    for ecs in faulted:
        assert outcomes(ecs.list_clusters, 1) == ["ThrottlingException"]
    assert outcomes(aws.server.client("ecs", retry=False).list_clusters, 2) == ["ok", "ok"]
    assert outcomes(aws.server.client("ecs", account_key("555555555555"), retry=False).list_clusters, 1) == ["ok"]
    assert [(rule["account"], rule["matched"], rule["injected"]) for rule in armed(aws)] == [(account, 3, 3)]


def test_a_rule_needs_a_12_digit_account(aws: Aws) -> None:
    status, answer = aws.server.control("/faults", {"operation": "*", "account": "12345"})
    assert status == 400
    assert "12-digit" in answer["error"]
