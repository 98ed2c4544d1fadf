"""AssumeRole succeeds only for a role that exists and whose trust policy lets the caller assume it.

AWS STS API reference, AssumeRole
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html): "The trust relationship
is defined in the role's trust policy when the role is created. That trust policy states which
accounts are allowed to delegate that access to users in the account"; ExternalId: "the
administrator of the trusting account ... can require an external ID in the trust policy".
IAM User Guide: a role trust policy is a resource-based policy whose Principal names the accounts,
users or roles that may assume it ("Role trust policies", AWS JSON policy elements: Principal,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html: an
account id or `arn:aws:iam::ACCOUNT:root` stands for the account, a role ARN for sessions of that
role, an assumed-role session ARN for that session); an external ID is checked with
`"Condition": {"StringEquals": {"sts:ExternalId": "..."}}` ("Access to AWS accounts owned by third
parties", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html).
A role that does not exist, or does not trust the caller, answers AccessDenied (HTTP 403) "User:
<caller ARN> is not authorized to perform: sts:AssumeRole on resource: <role ARN>" ("Troubleshooting
IAM roles", https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_roles.html), in STS's
query-protocol XML error.

moto 5.2.5 hands out credentials for any role ARN, existing or not, and never reads the trust
policy, so a role could not be made unassumable (UpdateAssumeRolePolicy, DeleteRole).

Evaluated here, as IAM evaluates a resource-based policy: an explicit Deny statement wins, else an
Allow statement must match. A statement matches when its Action (or NotAction) covers
sts:AssumeRole (wildcards `*` and `?`, case-insensitive), its Principal (or NotPrincipal) covers the
caller (`"*"`, `{"AWS": ...}` with an account id, the account's root ARN, the caller's user or
session ARN, or the ARN of the role whose session calls), and every condition holds. Conditions
supported: the String operators (StringEquals, StringNotEquals, StringEqualsIgnoreCase,
StringNotEqualsIgnoreCase, StringLike, StringNotLike, each with `...IfExists`) on the keys
sts:ExternalId, sts:RoleSessionName, aws:PrincipalAccount and aws:PrincipalArn; a key missing from
the request fails a positive operator and passes a negated one or an IfExists one. A condition with
any other operator or key makes its statement not match (the emulator's choice: it grants nothing it
cannot check). Not evaluated: the caller's own identity policies (AWS also requires one allowing
sts:AssumeRole for a caller of another account; moto keeps no permissions for plain keys), session
policies, tags and MaxSessionDuration. Existing sessions keep working after the trust policy
changes or the role is deleted (the emulator does not check permissions on other calls).
"""

from __future__ import annotations

import fnmatch
import json
import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape

from moto.core.responses import ActionResult
from moto.iam.models import Role, iam_backends
from moto.sts.models import sts_backends
from moto.sts.responses import TokenResponse
from moto.utilities.utils import get_partition
from werkzeug.exceptions import HTTPException

ACTION = "sts:AssumeRole"
_ROLE_ARN = re.compile(r"arn:(aws[a-z-]*):iam::(\d{12}):role/(?:.*/)?([^/]+)")
_SESSION_ARN = re.compile(r"arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/[^/]+")
_STRING_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda actual, wanted: actual == wanted,
    "StringEqualsIgnoreCase": lambda actual, wanted: actual.lower() == wanted.lower(),
    "StringLike": lambda actual, wanted: fnmatch.fnmatchcase(actual, wanted),
}
_NEGATED = {f"StringNot{name[len('String'):]}": name for name in _STRING_OPERATORS}


class AccessDenied(HTTPException):
    """STS's AccessDenied, as its query protocol writes errors."""

    code = 403

    def __init__(self, message: str) -> None:
        super().__init__()
        self.description = (
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            f"<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [("Content-Type", "text/xml")]


class Caller:
    """Who calls AssumeRole: their account and ARN (as GetCallerIdentity names them)."""

    def __init__(self, account: str, arn: str) -> None:
        self.account = account
        self.arn = arn
        session = _SESSION_ARN.fullmatch(arn)
        # a session of role R in account A is also "arn:aws:iam::A:role/R" (with any path)
        self.role = (session.group(2), session.group(3)) if session else None

    def is_principal(self, principal: str) -> bool:
        if principal == "*" or principal in (self.account, self.arn):
            return True
        if re.fullmatch(rf"arn:aws[a-z-]*:iam::{self.account}:root", principal):
            return True
        role = _ROLE_ARN.fullmatch(principal)
        return self.role is not None and role is not None and (role.group(2), role.group(3)) == self.role


def _values(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _action_matches(statement: dict[str, Any]) -> bool:
    def covers(patterns: Any) -> bool:
        return any(fnmatch.fnmatchcase(ACTION.lower(), p.lower()) for p in _values(patterns))

    if "NotAction" in statement:
        return not covers(statement["NotAction"])
    return covers(statement.get("Action", []))


def _principal_matches(statement: dict[str, Any], caller: Caller) -> bool:
    def covers(principal: Any) -> bool:
        if principal == "*":
            return True
        if not isinstance(principal, dict):
            return False
        return any(caller.is_principal(p) for p in _values(principal.get("AWS", [])))

    if "NotPrincipal" in statement:
        return not covers(statement["NotPrincipal"])
    return covers(statement.get("Principal"))


def _condition_holds(operator: str, key: str, wanted: Any, context: dict[str, str | None]) -> bool:
    if_exists = operator.endswith("IfExists")
    base = operator[: -len("IfExists")] if if_exists else operator
    negated = base in _NEGATED
    compare = _STRING_OPERATORS.get(_NEGATED.get(base, base))
    if compare is None or key.lower() not in context:
        return False  # an operator or key the emulator does not check grants nothing
    actual = context[key.lower()]
    if actual is None:
        return negated or if_exists
    matched = any(compare(actual, w) for w in _values(wanted))
    return not matched if negated else matched


def _conditions_hold(statement: dict[str, Any], context: dict[str, str | None]) -> bool:
    conditions = statement.get("Condition", {})
    if not isinstance(conditions, dict):
        return False
    return all(
        isinstance(pairs, dict) and all(_condition_holds(op, key, wanted, context) for key, wanted in pairs.items())
        for op, pairs in conditions.items()
    )


def trusts(role: Role, caller: Caller, context: dict[str, str | None]) -> bool:
    """Whether the role's trust policy lets the caller assume it (see the module docstring)."""
    try:
        policy = json.loads(unquote(role.assume_role_policy_document))
    except (TypeError, ValueError):
        return False
    statements = policy.get("Statement", []) if isinstance(policy, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    matching = [
        s
        for s in statements
        if isinstance(s, dict)
        and _action_matches(s)
        and _principal_matches(s, caller)
        and _conditions_hold(s, context)
    ]
    if any(s.get("Effect") == "Deny" for s in matching):
        return False
    return any(s.get("Effect") == "Allow" for s in matching)


def _find_role(role_arn: str) -> Role | None:
    found = _ROLE_ARN.fullmatch(role_arn)
    if found is None:
        return None
    iam = iam_backends[found.group(2)][found.group(1)]
    return next((role for role in iam.get_roles() if role.arn == role_arn), None)


def _caller(response: TokenResponse) -> Caller:
    sts = sts_backends[response.current_account][get_partition(response.region)]
    _user_id, arn, account = sts.get_caller_identity(response.get_access_key(), response.region)
    return Caller(account, arn)


def _assume_role(original: Callable[[TokenResponse], ActionResult]) -> Callable[[TokenResponse], ActionResult]:
    def assume_role(self: TokenResponse) -> ActionResult:
        role_arn = str(self._get_param("RoleArn"))
        caller = _caller(self)
        role = _find_role(role_arn)
        context: dict[str, str | None] = {
            "sts:externalid": self._get_param("ExternalId"),
            "sts:rolesessionname": self._get_param("RoleSessionName"),
            "aws:principalaccount": caller.account,
            "aws:principalarn": caller.arn,
        }
        if role is None or not trusts(role, caller, context):
            raise AccessDenied(f"User: {caller.arn} is not authorized to perform: {ACTION} on resource: {role_arn}")
        return original(self)

    return assume_role


def apply() -> None:
    TokenResponse.assume_role = _assume_role(TokenResponse.assume_role)  # type: ignore[method-assign]
