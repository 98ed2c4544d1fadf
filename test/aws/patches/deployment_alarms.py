"""Deployment alarms: a CloudWatch alarm in ALARM fails the deployment, and rolls it back.

Amazon ECS Developer Guide, "How CloudWatch alarms detect Amazon ECS deployment failures"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html) and API
reference (DeploymentAlarms, ServiceDeploymentAlarms): with `deploymentConfiguration.alarms`
enabled, ECS sets the deployment to FAILED when one of the named alarms goes into the ALARM state
while the deployment runs (bake time included: for BLUE_GREEN, LINEAR and CANARY the BAKE_TIME
stage); a FAILED deployment starts no new tasks; with `rollback` the service goes back to the last
completed deployment. The service deployment's `alarms` show `status` TRIGGERED and the
`triggeredAlarmNames`. moto 5.2.5 stores the alarms and never reads them.

Alarm states come from moto's CloudWatch in the same server (PutMetricAlarm, SetAlarmState).
Emulator choices: the alarms are read once per tick; a rolling update's deployment completes as
soon as it is steady (the bake time ECS derives from the alarms' periods is not modelled); under
BLUE_GREEN, LINEAR and CANARY an alarm always returns traffic to blue (the workflow's monitoring
phase rolls back), with or without `rollback`; the rolloutStateReason wording is the emulator's.
"""

from __future__ import annotations

from moto.cloudwatch.models import cloudwatch_backends
from moto.ecs.models import Service

from . import deployment_rollback, service_deployment_history
from .ecs_model import add_event


def in_alarm(service: Service, names: list[str]) -> list[str]:
    _, _, _, region, account, _ = service.arn.split(":", 5)
    alarms = cloudwatch_backends[account][region].alarms
    return [name for name in names if name in alarms and alarms[name].state_value == "ALARM"]


def check(service: Service) -> None:
    record = service_deployment_history.current(service)
    if record is None or record.status != "IN_PROGRESS":
        return
    alarms = record.deployment_configuration.get("alarms") or {}
    if not alarms.get("enable"):
        return
    triggered = in_alarm(service, list(alarms.get("alarmNames") or []))
    if not triggered:
        return
    record.alarms_status = "TRIGGERED"
    record.triggered_alarms = triggered
    deployment = record.target
    deployment.rollout_state = "FAILED"
    deployment.rollout_state_reason = f"ECS deployment failed: alarm(s) {', '.join(triggered)} in ALARM state."
    add_event(service, f"(service {service.name}) deployment {deployment.id} deployment failed: alarm detected.")
    reason = f"Service deployment rolled back because alarm(s) {', '.join(triggered)} went into ALARM state."
    if (alarms.get("rollback") or record.native is not None) and deployment_rollback.roll_back(service, record, reason):
        return
    record.set_status("STOPPED", deployment.rollout_state_reason)
