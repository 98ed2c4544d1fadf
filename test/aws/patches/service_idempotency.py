"""CreateService with the name of an ACTIVE service fails unless it repeats the same clientToken.

ECS API reference (CreateService): service names are unique within a cluster; clientToken makes
the request idempotent. Repeating a CreateService with the same clientToken and the same parameters
returns the existing service; any other CreateService on an ACTIVE service's name fails with
InvalidParameterException "Creation of service was not idempotent.". A DRAINING or INACTIVE
service's name can be used again. moto 5.2.5 silently replaces the service.
"""

from __future__ import annotations

from typing import Any

from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import Service

from .ecs_model import runtime


def comparable(params: dict[str, Any]) -> dict[str, Any]:
    """The request as compared between two CreateService calls (the token itself aside)."""
    return {k: v for k, v in params.items() if k != "clientToken"}


def existing_service(current: Service | None, params: dict[str, Any]) -> Service | None:
    """The service an idempotent repeat returns, None when a new service may be created."""
    if current is None or current.status != "ACTIVE":
        return None
    token = params.get("clientToken")
    state = runtime(current)
    if token and token == state.client_token and comparable(params) == comparable(state.create_params):
        return current
    raise InvalidParameterException("Creation of service was not idempotent.")
