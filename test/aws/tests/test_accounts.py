"""Several accounts in one emulator (patches/accounts.py): a request acts in the account its
credentials belong to, an assumed role's session in the role's account, and each account sees only
its own ECS, Application Auto Scaling, CloudWatch and ELBv2 resources."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import Aws, Server

from access_keys import account_key, encoded_account

DEFAULT = "123456789012"
B = "111111111111"


def trust(principal: str, external_id: str | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if external_id is not None:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def assume(server: Server, role_arn: str, key: str = "testing", **extra: Any) -> dict[str, Any]:
    answer = server.client("sts", key).assume_role(RoleArn=role_arn, RoleSessionName="ops", **extra)
    return dict(answer["Credentials"])


def role_in(server: Server, account: str, name: str = "deployer") -> str:
    """A role in `account` (made with that account's own keys) that the default account may assume."""
    iam = server.client("iam", account_key(account))
    return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(DEFAULT))["Role"]["Arn"])


def test_key_ids_of_aws_form_name_their_account() -> None:
    # Published example: a key id of account 609629065308.
    assert encoded_account("ASIAY34FZKBOKMUTVV7A") == "609629065308"
    assert encoded_account(account_key(B)) == B
    assert encoded_account(account_key("000000000042", temporary=True)) == "000000000042"
    for other in ("testing", "AKIDTEST1", "AKIAEXPECTED00000001"):
        assert encoded_account(other) is None


def test_plain_keys_act_in_their_account(aws: Aws) -> None:
    key = account_key(B)
    assert aws.server.client("sts", key).get_caller_identity()["Account"] == B
    assert aws.server.client("sts").get_caller_identity()["Account"] == DEFAULT
    assert aws.server.client("sts").get_access_key_info(AccessKeyId=key)["Account"] == B
    arn = aws.server.client("ecs", key).create_cluster(clusterName="b")["cluster"]["clusterArn"]
    assert arn == f"arn:aws:ecs:us-east-1:{B}:cluster/b"
    assert aws.ecs.list_clusters()["clusterArns"] == []
    # another key of the same account sees it
    assert aws.server.client("ecs", account_key(B)).list_clusters()["clusterArns"] == [arn]


def test_assumed_role_sessions_act_in_the_role_account(aws: Aws) -> None:
    role_arn = role_in(aws.server, B)
    session = assume(aws.server, role_arn)
    assert session["AccessKeyId"].startswith("ASIA")
    b = Aws(aws.server)
    for name in ("ecs", "ec2", "scaling", "cloudwatch"):
        setattr(b, name, aws.server.client({"scaling": "application-autoscaling"}.get(name, name), session=session))
    identity = aws.server.client("sts", session=session).get_caller_identity()
    assert (identity["Account"], identity["Arn"]) == (B, f"arn:aws:sts::{B}:assumed-role/deployer/ops")

    # ECS: cluster, task definition, service
    cluster, resource = b.scalable_service(name="web")
    service = b.ecs.describe_services(cluster=cluster, services=["web"])["services"][0]
    assert service["serviceArn"] == f"arn:aws:ecs:us-east-1:{B}:service/{cluster}/web"
    assert service["taskDefinition"] == f"arn:aws:ecs:us-east-1:{B}:task-definition/web:1"
    aws.server.advance(3)
    assert b.ecs.describe_services(cluster=cluster, services=["web"])["services"][0]["runningCount"] == 1
    assert aws.ecs.list_clusters()["clusterArns"] == []
    assert aws.ecs.list_task_definitions()["taskDefinitionArns"] == []
    with pytest.raises(ClientError) as error:
        aws.ecs.describe_services(cluster=cluster, services=["web"])
    assert error.value.response["Error"]["Code"] == "ClusterNotFoundException"

    # Application Auto Scaling and the alarms of a target tracking policy
    targets = b.scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    assert [(t["ResourceId"], t["ScalableTargetARN"].split(":")[4]) for t in targets] == [(resource, B)]
    assert aws.scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"] == []
    policy = b.target_tracking_policy(resource)
    assert policy["PolicyARN"].split(":")[4] == B
    assert all(alarm["AlarmARN"].split(":")[4] == B for alarm in policy["Alarms"])
    assert aws.scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"] == []

    # CloudWatch
    b.metric_alarm("high-cpu", [policy["PolicyARN"]])
    names = {a["AlarmName"]: a["AlarmArn"] for a in b.cloudwatch.describe_alarms()["MetricAlarms"]}
    assert names["high-cpu"] == f"arn:aws:cloudwatch:us-east-1:{B}:alarm:high-cpu"
    assert aws.cloudwatch.describe_alarms()["MetricAlarms"] == []

    # ELBv2 reads
    _subnet, vpc = b.subnet()
    elbv2 = aws.server.client("elbv2", session=session)
    group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")
    assert group["TargetGroups"][0]["TargetGroupArn"].split(":")[4] == B
    assert [g["TargetGroupName"] for g in elbv2.describe_target_groups()["TargetGroups"]] == ["web"]
    assert aws.server.client("elbv2").describe_target_groups()["TargetGroups"] == []


def test_accounts_keep_same_names_apart(aws: Aws) -> None:
    """The same names in two accounts are two resources."""
    session = assume(aws.server, role_in(aws.server, B))
    b_ecs = aws.server.client("ecs", session=session)
    a_arn = aws.ecs.create_cluster(clusterName="shared")["cluster"]["clusterArn"]
    b_arn = b_ecs.create_cluster(clusterName="shared")["cluster"]["clusterArn"]
    assert (a_arn.split(":")[4], b_arn.split(":")[4]) == (DEFAULT, B)
    aws.ecs.delete_cluster(cluster="shared")
    assert b_ecs.describe_clusters(clusters=["shared"])["clusters"][0]["status"] == "ACTIVE"
