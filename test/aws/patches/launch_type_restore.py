"""UpdateService with an empty capacityProviderStrategy moves a service back to its launch type.

ECS API reference (UpdateService, capacityProviderStrategy): among the valid transitions, "Update
the Auto Scaling group or Fargate capacity provider back to the launch type. Pass an empty list in
the capacityProviderStrategy parameter." The reference does not say which launch type a service
that was created with a strategy goes back to: here, the launch type it was created with, else
FARGATE when its strategy used only Fargate providers, else EC2 (the emulator's assumption).
moto 5.2.5 ignores an empty strategy.
"""

from __future__ import annotations

from typing import Any

from moto.ecs.models import Service

from .ecs_model import FARGATE_PROVIDERS, is_fargate, runtime
from .service_fields import platform_version


def changed_fields(service: Service, current: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The fields an empty strategy changes; none when the request has a strategy or the service none."""
    strategy = current.get("capacityProviderStrategy") or []
    if params.get("capacityProviderStrategy") != [] or not strategy:
        return {}
    created_with = runtime(service).create_params.get("launchType")
    fargate_only = all(item["capacityProvider"] in FARGATE_PROVIDERS for item in strategy)
    launch_type = created_with or ("FARGATE" if fargate_only else "EC2")
    fields: dict[str, Any] = {"launchType": launch_type, "capacityProviderStrategy": None}
    requested = params.get("platformVersion") or (current.get("platformVersion") if is_fargate(fields) else None)
    fields["platformVersion"] = platform_version(fields, requested)
    return fields
