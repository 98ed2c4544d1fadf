"""Every request acts in the AWS account its credentials belong to; an emulator runs many accounts.

AWS: an access key belongs to one account, and every resource a request makes is that account's
(its ARNs carry the account id). STS GetAccessKeyInfo "Returns the account identifier for the
specified access key ID" (AWS STS API reference, GetAccessKeyInfo,
https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html). Credentials from
AssumeRole belong to the role's account ("Use AssumeRole ... for cross-account access", AWS STS API
reference, AssumeRole, https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).

moto 5.2.5 already keeps one backend per account and puts a request in the account of its access
key when moto issued the key (AssumeRole's temporary keys go to the role ARN's account, IAM
CreateAccessKey's to the user's), so ECS, Application Auto Scaling, CloudWatch, ELBv2 and the
rest are separate per account. Any other key acts in the default account 123456789012, so a test
had no credentials of its own for a second account (short of moto's `x-moto-account-id` header).

This patch gives plain keys an account: a key id of AWS's form, `AKIA` or `ASIA` and 16 base32
characters, that moto did not issue acts in the account encoded in it. AWS does not document the
encoding; the emulator reads it as public analyses of AWS's key ids do (after the prefix, base32:
one bit 1 for a "new generation" key, then the account number in 40 bits; WithSecure Labs, "A
bitwise analysis of AWS access key identifiers",
https://labs.withsecure.com/publications/a-bitwise-analysis-of-aws-access-key-identifiers.html,
and https://awsteele.com/blog/2020/09/26/aws-access-key-format.html), so a real key id maps to its
real account, and `access_keys.account_key()` makes one for any account. Any other
key (`testing`, `AKIDTEST1`, ...) acts in 123456789012 as before. GetAccessKeyInfo answers the same
account (moto answered the caller's for every key it had not issued to an IAM user).

`request_account(environ)` names the account of a request before moto sees it (the fault injector
and the throttle match rules and buckets by it): the `x-moto-account-id` header when a client sends
it (moto honours it first), else the access key's account.
"""

from __future__ import annotations

import os
import re
from typing import Any

from access_keys import encoded_account
from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam import models as iam_models
from moto.sts.models import STSBackend
from moto.utilities.utils import PARTITION_NAMES

_SIGNED_KEY = re.compile(r"Credential=([^/,\s]+)/")


def _issued_by_moto(access_key_id: str) -> str | None:
    # wrapped in a list(): other threads may add accounts meanwhile (as moto's own lookup does)
    for account_id, account in list(iam_models.iam_backends.items()):
        for partition in PARTITION_NAMES:
            if access_key_id in account[partition].access_keys:
                return str(account_id)
    return None



def account_of_key(access_key_id: str) -> str:
    """The account a request signed with this key acts in."""
    return _issued_by_moto(access_key_id) or encoded_account(access_key_id) or DEFAULT_ACCOUNT_ID


def request_account(environ: dict[str, Any]) -> str:
    """The account a WSGI request acts in, as moto will pick it (see the module docstring)."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    header = environ.get("HTTP_X_MOTO_ACCOUNT_ID")
    if header:
        return str(header)
    signed = _SIGNED_KEY.search(environ.get("HTTP_AUTHORIZATION", ""))
    return account_of_key(signed.group(1)) if signed else DEFAULT_ACCOUNT_ID


def _get_access_key_info(self: STSBackend, access_key_id: str) -> dict[str, str]:
    return {"Account": account_of_key(access_key_id)}


def apply() -> None:
    # moto's BaseResponse.get_current_account imports this function at each call.
    iam_models.get_account_id_from = account_of_key
    STSBackend.get_access_key_info = _get_access_key_info  # type: ignore[method-assign]
