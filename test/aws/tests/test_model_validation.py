"""Requests checked against AWS's service models (patches/model_validation.py): a breach is
answered as the endpoint answers it, naming the member, and counted on the control endpoint."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from patches import model_validation
from support import ECS_DESIRED_COUNT, Aws, Server


def error_of(call: object) -> dict[str, str]:
    with pytest.raises(ClientError) as error:
        call()  # type: ignore[operator]
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return dict(error.value.response["Error"])


def test_ecs_enum_breach_is_invalid_parameter_exception_naming_the_member_and_changes_nothing(aws: Aws) -> None:
    ecs = aws.server.client("ecs", validate=False)
    aws.server.expect_violation("RegisterTaskDefinition", "family")
    aws.server.expect_violation("RegisterTaskDefinition", "networkMode")
    error = error_of(
        lambda: ecs.register_task_definition(networkMode="vpc", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}])
    )
    assert error["Code"] == "InvalidParameterException"
    assert error["Message"] == (
        "2 validation errors detected: Value null at 'family' failed to satisfy constraint: Member must not be null; "
        "Value 'vpc' at 'networkMode' failed to satisfy constraint: Member must satisfy enum value set: "
        "[bridge, host, awsvpc, none]"
    )
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []


def test_list_elements_are_named_as_coral_names_them(aws: Aws) -> None:
    ecs = aws.server.client("ecs", validate=False)
    aws.server.expect_violation("CreateCluster", "capacityProviders.1.member")
    error = error_of(lambda: ecs.create_cluster(clusterName="c", capacityProviders=[None]))
    assert error["Message"] == (
        "1 validation error detected: Value null at 'capacityProviders.1.member' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_aas_length_breach_is_validation_exception(aws: Aws) -> None:
    scaling = aws.server.client("application-autoscaling", validate=False)
    aws.server.expect_violation("RegisterScalableTarget", "resourceId")
    error = error_of(
        lambda: scaling.register_scalable_target(
            ServiceNamespace="ecs", ResourceId="", ScalableDimension=ECS_DESIRED_COUNT, MinCapacity=1, MaxCapacity=2
        )
    )
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "1 validation error detected: Value '' at 'resourceId' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_cloudwatch_range_breach_is_validation_error(aws: Aws) -> None:
    cloudwatch = aws.server.client("cloudwatch", validate=False)
    aws.server.expect_violation("PutMetricAlarm", "evaluationPeriods")
    error = error_of(
        lambda: cloudwatch.put_metric_alarm(
            AlarmName="cpu", EvaluationPeriods=0, ComparisonOperator="GreaterThanThreshold", Threshold=1.0
        )
    )
    assert error["Code"] == "ValidationError"
    assert "Value '0' at 'evaluationPeriods' failed to satisfy constraint: Member must have value greater than or equal to 1" in error["Message"]
    assert aws.cloudwatch.describe_alarms()["MetricAlarms"] == []


def test_elbv2_query_request_is_checked_too(aws: Aws) -> None:
    elbv2 = aws.server.client("elbv2", validate=False)
    aws.server.expect_violation("DescribeTargetGroups", "pageSize")
    error = error_of(lambda: elbv2.describe_target_groups(PageSize=401))
    assert error["Code"] == "ValidationError"
    assert "Value '401' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400" in error["Message"]


def test_a_value_of_the_wrong_type_is_a_serialization_exception(emulator: Server) -> None:
    # boto3 would turn a string into a list of characters: the request is written by hand.
    body = json.dumps({"cluster": "default", "services": "web"}).encode()
    request = urllib.request.Request(
        emulator.endpoint,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.DescribeServices",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAWRONGTYPE0000001/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    emulator.expect_violation("DescribeServices", "services")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request)
    assert error.value.code == 400
    assert error.value.headers["x-amzn-ErrorType"] == "SerializationException"
    assert json.loads(error.value.read())["__type"] == "SerializationException"


def test_violations_are_kept_with_operation_member_constraint_and_access_key(emulator: Server) -> None:
    ecs = emulator.client("ecs", access_key_id="AKIAVIOLATION0000001", validate=False)
    error_of(lambda: ecs.list_services(cluster="default", launchType="SPOT"))
    found = emulator.violations()
    assert found["unexpected"] == 1
    [violation] = found["violations"]
    assert violation["operation"] == "ListServices"
    assert violation["member"] == "launchType"
    assert violation["constraint"].startswith("Member must satisfy enum value set: [EC2, FARGATE")
    assert violation["accessKeyId"] == "AKIAVIOLATION0000001"
    assert violation["expected"] is False
    assert violation["time"]
    status, state = emulator.control("/state", method="GET")
    assert state["modelViolations"]["unexpected"] == 1
    emulator.ok("/model-violations/clear")
    assert emulator.violations() == {"violations": [], "unexpected": 0, "expectations": [], "checked": {}}


def test_an_expectation_covers_only_its_operation_member_key_and_count(emulator: Server) -> None:
    ecs = emulator.client("ecs", access_key_id="AKIAEXPECTED00000001", validate=False)
    other = emulator.client("ecs", access_key_id="AKIAOTHER00000000001", validate=False)
    emulator.ok(
        "/model-violations/expect",
        {"operation": "ListServices", "member": "launchType", "accessKeyId": "AKIAEXPECTED00000001"},
    )
    error_of(lambda: other.list_services(launchType="SPOT"))  # another key: not covered
    error_of(lambda: ecs.list_services(launchType="SPOT"))  # covered, and the expectation is used up
    error_of(lambda: ecs.list_services(launchType="SPOT"))  # not covered any more
    assert [v["expected"] for v in emulator.violations()["violations"]] == [False, True, False]
    emulator.ok("/model-violations/clear")


def test_an_expectation_must_name_one_operation_and_one_member(emulator: Server) -> None:
    assert emulator.control("/model-violations/expect", {"operation": "*", "member": "x"})[0] == 400
    assert emulator.control("/model-violations/expect", {"operation": "CreateService"})[0] == 400
    assert emulator.control("/model-violations/expect", {"operation": "CreateService", "member": "*"})[0] == 400


def test_reset_keeps_the_violations(aws: Aws) -> None:
    ecs = aws.server.client("ecs", validate=False)
    aws.server.expect_violation("ListServices", "launchType")
    error_of(lambda: ecs.list_services(launchType="SPOT"))
    aws.server.ok("/reset")
    assert len(aws.server.violations()["violations"]) == 1


def test_a_request_within_the_model_reaches_moto(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("web")
    aws.fargate_service(cluster, "web", "web")
    assert aws.describe(cluster, "web")["serviceName"] == "web"
    found = aws.server.violations()
    assert found["violations"] == []
    assert found["checked"]["ecs"] == 4  # cluster, task definition, service, describe
    assert "ec2" not in found["checked"]  # not a validated service


def test_output_check_names_a_member_moto_invents_or_drops() -> None:
    model = model_validation.operation_model(model_validation.VALIDATED_SERVICES["ecs"], "DescribeServices")
    assert model is not None
    breaches = model_validation.check(
        model.output_shape,
        {"services": [{"serviceName": "web", "launchType": "SPOT", "invented": 1}], "failures": []},
        "output",
    )
    assert [(b.member, b.constraint) for b in breaches] == [
        ("services.1.member.launchType", "Member must satisfy enum value set: [EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES]"),
        ("services.1.member.invented", "Member is not in the model's output shape"),
    ]
    model = model_validation.operation_model(model_validation.VALIDATED_SERVICES["application-autoscaling"], "PutScalingPolicy")
    assert model is not None
    breaches = model_validation.check(model.output_shape, {"Alarms": []}, "output")
    assert [(b.member, b.constraint) for b in breaches] == [("policyARN", "Member must not be null")]


def test_a_gzip_compressed_request_is_checked_too(emulator: Server) -> None:
    cloudwatch = boto3.client(
        "cloudwatch",
        endpoint_url=emulator.endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(parameter_validation=False, request_min_compression_size_bytes=1, retries={"total_max_attempts": 1}),
    )
    sent: dict[str, str] = {}
    cloudwatch.meta.events.register("before-send", lambda request, **_: sent.update(request.headers))
    emulator.expect_violation("PutMetricData", "namespace", count=2)  # its length and its pattern
    error = error_of(lambda: cloudwatch.put_metric_data(Namespace="", MetricData=[{"MetricName": "m", "Value": 1.0}]))
    assert sent.get("Content-Encoding") in ("gzip", b"gzip")
    assert "Value '' at 'namespace' failed to satisfy constraint" in error["Message"]


def test_cloudwatch_json_answer_names_the_error_shape_and_the_query_code(emulator: Server) -> None:
    body = json.dumps({"AlarmName": "cpu", "EvaluationPeriods": 0, "ComparisonOperator": "GreaterThanThreshold"}).encode()
    request = urllib.request.Request(
        emulator.endpoint,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricAlarm",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAJSONCW0000000001/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    emulator.expect_violation("PutMetricAlarm", "evaluationPeriods")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request)
    assert error.value.headers["x-amzn-query-error"] == "ValidationError;Sender"
    assert error.value.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert json.loads(error.value.read())["__type"] == "ValidationException"


def test_eventbridge_breach_is_validation_exception(aws: Aws) -> None:
    events = aws.server.client("events", validate=False)
    aws.server.expect_violation("PutTargets", "targets.1.member.ecsParameters.taskCount")
    target = {"Id": "t", "Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c", "EcsParameters": {"TaskDefinitionArn": "job", "TaskCount": 0}}
    aws.events.put_rule(Name="r", EventPattern='{"source": ["a"]}')
    error = error_of(lambda: events.put_targets(Rule="r", Targets=[target]))
    assert error["Code"] == "ValidationException"
    assert "'targets.1.member.ecsParameters.taskCount' failed to satisfy constraint: Member must have value greater than or equal to 1" in error["Message"]


def test_scheduler_rest_json_requests_are_checked_in_body_path_and_query(aws: Aws) -> None:
    scheduler = aws.server.client("scheduler", validate=False)
    target = {"Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c", "RoleArn": "arn:aws:iam::123456789012:role/r"}
    aws.server.expect_violation("CreateSchedule", "name")
    aws.server.expect_violation("CreateSchedule", "target.ecsParameters.taskCount")
    error = error_of(
        lambda: scheduler.create_schedule(
            Name="bad name", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"},
            Target={**target, "EcsParameters": {"TaskDefinitionArn": "job", "TaskCount": 11}},
        )
    )
    assert error["Code"] == "ValidationException" and error["Message"].startswith("2 validation errors detected")
    aws.server.expect_violation("ListSchedules", "maxResults")
    assert error_of(lambda: scheduler.list_schedules(MaxResults=1000))["Code"] == "ValidationException"
    assert aws.server.violations()["checked"]["scheduler"] == 2


def test_sts_query_request_is_checked(aws: Aws) -> None:
    sts = aws.server.client("sts", validate=False)
    aws.server.expect_violation("AssumeRole", "roleSessionName")
    error = error_of(lambda: sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="x"))
    assert error["Code"] == "ValidationError"
