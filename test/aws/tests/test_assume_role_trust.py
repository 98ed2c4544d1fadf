"""AssumeRole checks that the role exists and that its trust policy lets the caller assume it, with
the external ID it requires (patches/assume_role_trust.py); else AccessDenied as STS answers it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import Aws, Server

from access_keys import account_key

DEFAULT = "123456789012"
TARGET = "222222222222"
OTHER = "333333333333"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}


def external_id(value: str) -> dict[str, Any]:
    return {"Condition": {"StringEquals": {"sts:ExternalId": value}}}


def make_role(server: Server, document: str, name: str = "deployer") -> str:
    iam = server.client("iam", account_key(TARGET))
    return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=document)["Role"]["Arn"])


def assume(server: Server, role_arn: str, key: str = "testing", **extra: Any) -> dict[str, Any]:
    return dict(server.client("sts", key, retry=False).assume_role(RoleArn=role_arn, RoleSessionName="ops", **extra))


def denied(server: Server, role_arn: str, key: str = "testing", **extra: Any) -> ClientError:
    with pytest.raises(ClientError) as error:
        assume(server, role_arn, key, **extra)
    return error.value


def caller_arn(server: Server, key: str = "testing") -> str:
    return str(server.client("sts", key).get_caller_identity()["Arn"])


def test_a_trusted_account_assumes_the_role_with_its_external_id(aws: Aws) -> None:
    role = make_role(aws.server, policy(allow({"AWS": f"arn:aws:iam::{DEFAULT}:root"}, **external_id("ext-42"))))
    answer = assume(aws.server, role, ExternalId="ext-42")
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{TARGET}:assumed-role/deployer/ops"
    for wrong in ({"ExternalId": "ext-43"}, {}):
        error = denied(aws.server, role, **wrong)
        assert error.response["Error"]["Code"] == "AccessDenied"
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert error.response["Error"]["Message"] == (
            f"User: {caller_arn(aws.server)} is not authorized to perform: sts:AssumeRole on resource: {role}"
        )


def test_a_role_that_does_not_exist_cannot_be_assumed(aws: Aws) -> None:
    role = f"arn:aws:iam::{TARGET}:role/missing"
    error = denied(aws.server, role)
    assert error.response["Error"]["Code"] == "AccessDenied"
    assert error.response["Error"]["Message"].endswith(f"on resource: {role}")


def test_an_account_the_policy_does_not_name_is_denied(aws: Aws) -> None:
    role = make_role(aws.server, policy(allow({"AWS": DEFAULT})))
    assert assume(aws.server, role)["Credentials"]["AccessKeyId"]
    other = account_key(OTHER)
    error = denied(aws.server, role, other)
    assert error.response["Error"]["Message"].startswith(f"User: arn:aws:sts::{OTHER}:")


def test_update_assume_role_policy_and_delete_role_make_a_role_unassumable(aws: Aws) -> None:
    role = make_role(aws.server, policy(allow({"AWS": f"arn:aws:iam::{DEFAULT}:root"})))
    iam = aws.server.client("iam", account_key(TARGET))
    assume(aws.server, role)
    iam.update_assume_role_policy(RoleName="deployer", PolicyDocument=policy(allow({"AWS": OTHER})))
    assert denied(aws.server, role).response["Error"]["Code"] == "AccessDenied"
    assume(aws.server, role, account_key(OTHER))
    iam.delete_role(RoleName="deployer")
    assert denied(aws.server, role, account_key(OTHER)).response["Error"]["Code"] == "AccessDenied"


def test_a_deny_statement_wins(aws: Aws) -> None:
    role = make_role(
        aws.server,
        policy(
            allow("*"),
            {"Effect": "Deny", "Principal": {"AWS": DEFAULT}, "Action": "sts:*"},
        ),
    )
    assert denied(aws.server, role).response["Error"]["Code"] == "AccessDenied"
    assume(aws.server, role, account_key(OTHER))


def test_a_role_session_is_trusted_by_its_role_arn(aws: Aws) -> None:
    """Role chaining: a session of role `hub` may assume a role that names `hub` as principal."""
    hub = make_role(aws.server, policy(allow({"AWS": DEFAULT})), name="hub")
    spoke = make_role(aws.server, policy(allow({"AWS": [hub]})), name="spoke")
    hub_session = assume(aws.server, hub)["Credentials"]
    sts = aws.server.client("sts", session=hub_session, retry=False)
    answer = sts.assume_role(RoleArn=spoke, RoleSessionName="chained")
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{TARGET}:assumed-role/spoke/chained"
    with pytest.raises(ClientError) as error:
        assume(aws.server, spoke)
    assert error.value.response["Error"]["Code"] == "AccessDenied"


def test_conditions_the_emulator_cannot_check_grant_nothing(aws: Aws) -> None:
    role = make_role(
        aws.server, policy(allow({"AWS": DEFAULT}, Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    )
    assert denied(aws.server, role).response["Error"]["Code"] == "AccessDenied"


def test_negated_and_like_conditions(aws: Aws) -> None:
    role = make_role(
        aws.server,
        policy(
            allow(
                {"AWS": DEFAULT},
                Condition={"StringLike": {"sts:ExternalId": "team-*"}, "StringNotEquals": {"sts:RoleSessionName": "x"}},
            )
        ),
    )
    assume(aws.server, role, ExternalId="team-blue")
    assert denied(aws.server, role, ExternalId="other").response["Error"]["Code"] == "AccessDenied"
