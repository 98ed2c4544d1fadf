"""Access key ids of AWS's form for a given account, and the account a key id names (see
patches/accounts.py, which reads them so). Kept apart from the patches so that a client can make
keys without importing moto."""

from __future__ import annotations

import base64
import binascii
import re
import secrets

_KEY_FORM = re.compile(r"A[KS]IA[A-Z2-7]{16}")
_ACCOUNT_BITS = 0x7FFFFFFFFF80


def encoded_account(access_key_id: str) -> str | None:
    """The account an AWS-form key id encodes, or None for a key of another form."""
    if not _KEY_FORM.fullmatch(access_key_id):
        return None
    try:
        raw = base64.b32decode(access_key_id[4:])
    except binascii.Error:
        return None
    return f"{(int.from_bytes(raw[:6], 'big') & _ACCOUNT_BITS) >> 7:012d}"


def account_key(account_id: str, temporary: bool = False) -> str:
    """A fresh access key id of AWS's form that acts in `account_id` (for tests)."""
    if not re.fullmatch(r"\d{12}", account_id):
        raise ValueError("an account id is 12 digits")
    # the "new generation" bit, the account number, then random bits
    head = (1 << 47) | (int(account_id) << 7) | secrets.randbits(7)
    raw = head.to_bytes(6, "big") + secrets.token_bytes(4)
    return ("ASIA" if temporary else "AKIA") + base64.b32encode(raw).decode()
