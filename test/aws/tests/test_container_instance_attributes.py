"""Container instance attributes as name/value pairs in every answer
(patches/container_instance_attributes.py)."""

from __future__ import annotations

from support import Aws


def test_container_instance_state_changes_answer_attributes_as_name_value_pairs(aws: Aws) -> None:
    cluster = aws.cluster(providers=())
    [instance] = aws.container_instances(cluster, 1)
    updated = aws.ecs.update_container_instances_state(cluster=cluster, containerInstances=[instance], status="DRAINING")
    attributes = updated["containerInstances"][0]["attributes"]
    assert attributes and all(isinstance(a.get("name"), str) for a in attributes)
    deregistered = aws.ecs.deregister_container_instance(cluster=cluster, containerInstance=instance, force=True)
    assert all(isinstance(a.get("name"), str) for a in deregistered["containerInstance"]["attributes"])
