"""Patches that make moto behave like AWS where this project depends on it.

Each module implements one behaviour as the AWS API reference documents it (its docstring says
which, and what moto 5.2.5 does instead); apply_all() installs them into the running moto.
The behaviours of CreateService and UpdateService (service_fields, service_idempotency,
service_deployments, daemon_services, deployment_controller_updates, launch_type_restore,
placement_strategy_fields) are applied in order by the handlers service_api installs.
model_validation and cloudtrail_events are not patches of moto but WSGI layers in front of it
(emulator.py installs them).
"""

from __future__ import annotations

from . import (
    aas_object_not_found,
    aas_pagination,
    accounts,
    assume_role_trust,
    container_instance_attributes,
    container_memory,
    delete_service,
    describe_services_limit,
    ecs_list_pages,
    list_tasks,
    load_balancer_containers,
    network_interface_dns,
    scalable_target_capacity,
    scalable_target_deregistration,
    scalable_target_role,
    scaling_policy_alarms,
    service_api,
    service_deployments_api,
    target_groups_per_service,
    task_definition_deletion,
    task_definition_size,
)
from . import (
    capacity_providers,
    cluster_capacity_providers,
    cluster_counts,
    cluster_settings,
    delete_cluster,
    describe_clusters_include,
)
from . import describe_tasks, standalone_tasks, stop_task
from . import ecs_events, event_delivery, event_patterns, schedule_expressions, schedule_fields, sqs_long_polling, sqs_receive_cost

_applied = False


def apply_all() -> None:
    global _applied
    if _applied:
        return
    accounts.apply()
    assume_role_trust.apply()
    service_api.apply()
    # Quotas ECS enforces: they wrap the handlers service_api installs, so they run before them.
    load_balancer_containers.apply()
    target_groups_per_service.apply()
    describe_services_limit.apply()
    task_definition_size.apply()
    container_memory.apply()
    delete_service.apply()
    ecs_list_pages.apply()
    list_tasks.apply()
    container_instance_attributes.apply()
    scaling_policy_alarms.apply()
    network_interface_dns.apply()
    scalable_target_capacity.apply()
    scalable_target_deregistration.apply()
    scalable_target_role.apply()
    # Last among the Application Auto Scaling patches: it wraps the calls they install, so that a
    # missing object is reported before any of them acts.
    aas_object_not_found.apply()
    aas_pagination.apply()
    task_definition_deletion.apply()
    cluster_settings.apply()
    cluster_capacity_providers.apply()
    describe_clusters_include.apply()
    capacity_providers.apply()
    cluster_counts.apply()
    delete_cluster.apply()
    service_deployments_api.apply()
    standalone_tasks.apply()
    describe_tasks.apply()
    stop_task.apply()
    # schedule_expressions wraps the UpdateSchedule handler schedule_fields installs.
    schedule_fields.apply()
    schedule_expressions.apply()
    event_patterns.apply()
    event_delivery.apply()
    ecs_events.apply()
    sqs_long_polling.apply()
    sqs_receive_cost.apply()
    _applied = True
