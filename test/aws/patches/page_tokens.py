"""Pagination tokens for the list calls the patches page themselves (not a patch).

A token holds the offset of the next page, base64-encoded JSON so that it is as opaque to clients
as AWS's tokens are. A token the call did not return is refused with the service's own error.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable


def token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def offset(token: str | None, invalid: Callable[[], Exception]) -> int:
    """The offset a token names (0 without one); `invalid()` is raised for any other token."""
    if not token:
        return 0
    try:
        value = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise invalid() from None
    if not isinstance(value, int) or value < 1:
        raise invalid()
    return value  # past the end (results deleted meanwhile) is an empty last page
