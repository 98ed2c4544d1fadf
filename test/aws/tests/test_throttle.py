"""Request throttling as AWS publishes it (patches/throttle.py): token buckets per account, region
and action group, on wall time, answered as ECS and CloudWatch answer past their rates.

Wall time runs while the calls are made, so each bound below allows the refill of the time the
calls took, measured; nothing depends on how fast this machine is."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import AWS_DIR, Aws, Server

from access_keys import account_key
from patches.throttle import CLOUDWATCH_RATES, ECS_GROUPS


@pytest.fixture
def throttled(aws: Aws) -> Iterator[Aws]:
    aws.server.ok("/throttle", {"mode": "aws"})
    yield aws
    aws.server.ok("/throttle", {"mode": "off"})


def code_of(call: Callable[[], Any]) -> str:
    try:
        call()
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return "ok"


def burst(call: Callable[[], Any], n: int) -> tuple[list[str], float]:
    """n calls in a row: the outcome of each and the seconds they took."""
    started = time.monotonic()
    seen = [code_of(call) for _ in range(n)]
    return seen, time.monotonic() - started


def group(name: str) -> tuple[int, int]:
    capacity, refill = next((c, r) for n, _, c, r in ECS_GROUPS if n == name)
    return capacity, refill


def drain(call: Callable[[], Any], limit: int = 400) -> dict[str, Any]:
    """Calls until one is throttled (the bucket is empty); returns that call's error answer. Other
    answers, errors included (UpdateService of a service that does not exist), count as calls."""
    for _ in range(limit):
        try:
            call()
        except ClientError as error:
            if error.response["Error"]["Code"] in ("ThrottlingException", "Throttling"):
                return dict(error.response)
    raise AssertionError(f"not throttled after {limit} calls")


def test_a_burst_above_the_bucket_is_throttled_with_ecs_answer(throttled: Aws) -> None:
    ecs = throttled.server.client("ecs", account_key("100000000001"), retry=False)
    capacity, refill = group("Cluster modify actions")
    seen, took = burst(lambda: ecs.create_cluster(clusterName="c"), capacity + 15)
    allowed = seen.count("ok")
    assert capacity <= allowed <= capacity + refill * took + 1
    assert seen[:capacity] == ["ok"] * capacity
    assert set(seen) == {"ok", "ThrottlingException"}
    answer = drain(lambda: ecs.create_cluster(clusterName="c"))
    assert (answer["Error"]["Code"], answer["Error"]["Message"]) == ("ThrottlingException", "Rate exceeded")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert answer["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "ThrottlingException"


def test_the_sustained_rate_refills_the_bucket(throttled: Aws) -> None:
    ecs = throttled.server.client("ecs", account_key("100000000002"), retry=False)
    _capacity, refill = group("Cluster modify actions")
    drain(lambda: ecs.create_cluster(clusterName="c"))
    drained = time.monotonic()
    time.sleep(3)
    seen, took = burst(lambda: ecs.create_cluster(clusterName="c"), 12)
    waited = time.monotonic() - drained
    allowed = seen.count("ok")
    # about `refill` tokens a second since the bucket was empty, and no more
    assert int(refill * (waited - took)) <= allowed <= refill * waited + 1
    assert allowed >= 2 and "ThrottlingException" in seen


def assert_empty(call: Callable[[], Any], refill: int, n: int = 5) -> None:
    """The bucket is (nearly) empty: n calls get no more than the refill of the time they took."""
    seen, took = burst(call, n)
    assert seen.count("ok") <= refill * took + 1, seen
    assert set(seen) <= {"ok", "ThrottlingException"}


def test_buckets_are_per_account_region_and_action_group(throttled: Aws) -> None:
    key = account_key("100000000003")
    ecs = throttled.server.client("ecs", key, retry=False)
    same_account = throttled.server.client("ecs", account_key("100000000003"), retry=False)
    drain(lambda: ecs.create_cluster(clusterName="c"))
    # another key of the same account shares the account's bucket
    assert_empty(lambda: same_account.create_cluster(clusterName="c"), refill=group("Cluster modify actions")[1])
    # the same group in another account, and in another region of the same account
    assert code_of(lambda: throttled.server.client("ecs", account_key("100000000004"), retry=False).create_cluster(clusterName="c")) == "ok"
    assert code_of(lambda: throttled.server.client("ecs", key, retry=False, region="eu-west-1").create_cluster(clusterName="c")) == "ok"
    # other groups of the same account and region: cluster reads, task definitions, services
    assert code_of(ecs.list_clusters) == "ok"
    assert code_of(lambda: throttled.server.client("ecs", key, retry=False).list_clusters()) == "ok"
    family = {"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 128}]}
    assert code_of(lambda: ecs.register_task_definition(**family)) == "ok"


def test_throttling_service_writes_does_not_throttle_reads_or_task_definitions(throttled: Aws) -> None:
    ecs = throttled.server.client("ecs", account_key("100000000005"), retry=False)
    ecs.create_cluster(clusterName="c")
    family = {"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 128}]}
    ecs.register_task_definition(**family)
    drain(lambda: ecs.update_service(cluster="c", service="missing", desiredCount=1))
    assert code_of(lambda: ecs.describe_services(cluster="c", services=["missing"])) == "ok"
    assert code_of(lambda: ecs.register_task_definition(**family)) == "ok"
    drain(lambda: ecs.register_task_definition(**family))
    assert code_of(lambda: ecs.describe_services(cluster="c", services=["missing"])) == "ok"
    assert code_of(lambda: ecs.describe_task_definition(taskDefinition="web")) == "ok"


def test_cloudwatch_answers_throttling_per_action(throttled: Aws) -> None:
    cloudwatch = throttled.server.client("cloudwatch", account_key("100000000006"), retry=False)
    rate = CLOUDWATCH_RATES["PutMetricAlarm"]
    alarm = {
        "AlarmName": "high",
        "MetricName": "CPUUtilization",
        "Namespace": "AWS/ECS",
        "Statistic": "Average",
        "Period": 60,
        "EvaluationPeriods": 1,
        "Threshold": 80.0,
        "ComparisonOperator": "GreaterThanThreshold",
    }
    seen, took = burst(lambda: cloudwatch.put_metric_alarm(**alarm), rate + 10)
    assert rate <= seen.count("ok") <= rate + rate * took + 1
    assert "Throttling" in seen
    answer = drain(lambda: cloudwatch.put_metric_alarm(**alarm))
    assert (answer["Error"]["Code"], answer["Error"]["Message"]) == ("Throttling", "Rate exceeded")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 400
    # DescribeAlarms has its own bucket
    assert code_of(cloudwatch.describe_alarms) == "ok"


def test_other_services_and_the_default_mode_are_not_throttled(aws: Aws) -> None:
    scaling = aws.server.client("application-autoscaling", retry=False)
    ecs = aws.server.client("ecs", account_key("100000000007"), retry=False)
    seen, _took = burst(lambda: ecs.create_cluster(clusterName="c"), 30)
    assert seen == ["ok"] * 30  # throttling is off unless asked for
    aws.server.ok("/throttle", {"mode": "aws"})
    try:
        assert burst(lambda: scaling.describe_scalable_targets(ServiceNamespace="ecs"), 60)[0] == ["ok"] * 60
    finally:
        aws.server.ok("/throttle", {"mode": "off"})


def test_the_state_shows_each_bucket(throttled: Aws) -> None:
    ecs = throttled.server.client("ecs", account_key("100000000008"), retry=False)
    drain(lambda: ecs.create_cluster(clusterName="c"))
    status, state = throttled.server.control("/state", method="GET")
    assert status == 200
    assert state["throttle"]["mode"] == "aws"
    (bucket,) = [b for b in state["throttle"]["buckets"] if b["account"] == "100000000008"]
    assert bucket["group"] == "Cluster modify actions" and bucket["region"] == "us-east-1"
    assert (bucket["capacity"], bucket["refillPerSecond"]) == (20, 1)
    assert bucket["allowed"] >= 20 and bucket["throttled"] == 1
    assert throttled.server.control("/throttle", {"mode": "sometimes"})[0] == 400


def test_the_launcher_flag_turns_throttling_on() -> None:
    server = Server(AWS_DIR / "emulator.py", "--clock", "manual", "--throttle", "aws")
    try:
        status, state = server.control("/state", method="GET")
        assert status == 200 and state["throttle"]["mode"] == "aws"
        ecs = server.client("ecs", retry=False)
        drain(lambda: ecs.create_cluster(clusterName="c"))
    finally:
        assert server.close() == 0
