"""What rolling a service deployment back does, whatever asked for it.

Amazon ECS Developer Guide, "How the Amazon ECS deployment circuit breaker detects failures",
"How CloudWatch alarms detect Amazon ECS deployment failures" and "Stopping Amazon ECS service
deployments" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html):
a rollback deploys the service revision that ran before the failed deployment (the last one that
completed) and the service deployment goes ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL when that
revision runs again. For a rolling update that is a new PRIMARY deployment of the earlier settings
(DescribeServices shows it, with the reason in rolloutStateReason); for BLUE_GREEN, LINEAR and
CANARY (native_strategies) the production traffic goes back to the blue revision, which still runs.
"""

from __future__ import annotations

from moto.ecs.models import Service

from . import service_deployment_history, service_deployments
from .ecs_model import Deployment, add_event, runtime
from .service_deployment_history import Record


def roll_back(service: Service, record: Record, reason: str, target: Deployment | None = None) -> bool:
    """Rolls `record` back to `target` (default: the revision it replaced); False when there is
    nothing to go back to, in which case the caller decides what happens to the record."""
    target = target or service_deployment_history.previous_revision(record)
    if target is None:
        return False
    if record.native is not None:
        record.native.roll_back(target, reason)
        return True
    add_event(service, f"(service {service.name}) rolling back to deployment {target.id}.")
    # The revision rolled back to is not eligible for another rollback until it completes again.
    runtime(service).last_completed = None
    rollback = service_deployments.start(service, target.spec, reason=reason, rollback_to=target)
    service_deployment_history.rolling_back(record, rollback, reason)
    return True


def carry_out_requests(service: Service) -> None:
    """Starts the rollbacks StopServiceDeployment asked for since the last tick."""
    for record in runtime(service).history:
        if record.status == "ROLLBACK_REQUESTED" and not roll_back(service, record, record.status_reason):
            record.set_status("ROLLBACK_FAILED", "No earlier service revision to roll back to.")
