"""Network interfaces always have a private DNS name (patches/network_interface_dns.py)."""

from __future__ import annotations

from support import Aws


def test_run_task_with_awsvpc_in_a_vpc_without_dns_hostnames_starts(aws: Aws) -> None:
    cluster = aws.cluster()
    aws.task_definition("job")
    subnet, _ = aws.subnet()
    response = aws.ecs.run_task(
        cluster=cluster,
        taskDefinition="job",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": []}},
    )
    [task] = response["tasks"]
    details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    assert details["privateDnsName"] == f"ip-{details['privateIPv4Address'].replace('.', '-')}.ec2.internal"
