"""RunTask with a clientToken it has seen before returns the tasks it started then.

ECS API reference ("Ensuring idempotency", RunTask idempotency): tokens are scoped to a cluster;
a retry of a successful RunTask with the same client token and the same parameters returns the
original result and starts nothing; the same token with one or more different parameters fails
with ConflictException; a token lives 24 hours. (The SDKs generate a token when none is given, so
an SDK's own retry never starts a second task.) moto 5.2.5 ignores clientToken: every call starts
new tasks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from moto.core.utils import utcnow
from moto.ecs.exceptions import ECSException
from moto.ecs.models import EC2ContainerServiceBackend, Task

TOKEN_LIFETIME = dt.timedelta(hours=24)


class ConflictException(ECSException):
    code = "ConflictException"

    def __init__(self, message: str) -> None:
        super().__init__(message)


@dataclass
class Seen:
    params: dict[str, Any]
    tasks: list[Task]
    at: dt.datetime


# (account, region, cluster name, client token) -> the call that used the token
_seen: dict[tuple[str, str, str, str], Seen] = {}


def _key(backend: EC2ContainerServiceBackend, params: dict[str, Any]) -> tuple[str, str, str, str] | None:
    token = params.get("clientToken")
    if not token:
        return None
    cluster = backend._get_cluster(params.get("cluster") or "default")
    return (backend.account_id, backend.region_name, cluster.name, token)


def _comparable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k != "clientToken"}


def repeated(backend: EC2ContainerServiceBackend, params: dict[str, Any]) -> list[Task] | None:
    """The tasks of the earlier call with this token, or None when the call is a new one."""
    key = _key(backend, params)
    seen = _seen.get(key) if key else None
    if seen is None or utcnow() - seen.at > TOKEN_LIFETIME:
        return None
    if _comparable(seen.params) != _comparable(params):
        raise ConflictException(
            "The clientToken was already used by a RunTask request with different parameters."
        )
    return seen.tasks


def remember(backend: EC2ContainerServiceBackend, params: dict[str, Any], tasks: list[Task]) -> None:
    key = _key(backend, params)
    if key is not None:
        _seen[key] = Seen(dict(params), list(tasks), utcnow())


def clear() -> None:
    _seen.clear()
