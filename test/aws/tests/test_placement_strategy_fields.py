"""Placement strategy fields as ECS stores them (patches/placement_strategy_fields.py)."""

from __future__ import annotations

from support import Aws


def test_spread_over_host_is_returned_as_instance_id_and_binpack_fields_in_capitals(aws: Aws) -> None:
    cluster = aws.cluster(providers=())
    aws.task_definition("batch", fargate=False)
    strategy = [{"type": "spread", "field": "host"}, {"type": "binpack", "field": "memory"}, {"type": "spread", "field": "attribute:ecs.availability-zone"}]
    aws.ecs.create_service(cluster=cluster, serviceName="batch", taskDefinition="batch", desiredCount=0, placementStrategy=strategy)
    expected = [{"type": "spread", "field": "instanceId"}, {"type": "binpack", "field": "MEMORY"}, {"type": "spread", "field": "attribute:ecs.availability-zone"}]
    assert aws.describe(cluster, "batch")["placementStrategy"] == expected

    aws.ecs.update_service(cluster=cluster, service="batch", placementStrategy=[{"type": "spread", "field": "host"}, {"type": "binpack", "field": "cpu"}])
    assert aws.describe(cluster, "batch")["placementStrategy"] == [{"type": "spread", "field": "instanceId"}, {"type": "binpack", "field": "CPU"}]
