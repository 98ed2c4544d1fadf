"""Shared set-up for the BLUE_GREEN, LINEAR and CANARY tests: a load balancer with a production and
a test listener rule forwarding to two target groups, and a service that uses them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from support import Aws, completed

ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"
HOOK_ROLE = "arn:aws:iam::123456789012:role/ecsLifecycleHookRole"


@dataclass
class Balancer:
    blue: str
    green: str
    production_rule: str
    test_rule: str


def balancer(aws: Aws) -> tuple[Balancer, str]:
    """An ALB with target groups and rules; returns them and a subnet of its VPC."""
    elbv2 = aws.server.client("elbv2")
    vpc = aws.ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        aws.ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    alb = elbv2.create_load_balancer(Name=f"alb-{vpc[-6:]}", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    groups = [
        elbv2.create_target_group(Name=f"{color}-{vpc[-6:]}", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")[
            "TargetGroups"
        ][0]["TargetGroupArn"]
        for color in ("blue", "green")
    ]
    forward = [
        {
            "Type": "forward",
            "ForwardConfig": {
                "TargetGroups": [{"TargetGroupArn": groups[0], "Weight": 100}, {"TargetGroupArn": groups[1], "Weight": 0}]
            },
        }
    ]
    rules = []
    for port in (80, 8080):
        listener = elbv2.create_listener(
            LoadBalancerArn=alb,
            Protocol="HTTP",
            Port=port,
            DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
        )["Listeners"][0]["ListenerArn"]
        rules.append(
            elbv2.create_rule(
                ListenerArn=listener,
                Priority=1,
                Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
                Actions=forward,
            )["Rules"][0]["RuleArn"]
        )
    return Balancer(groups[0], groups[1], rules[0], rules[1]), subnets[0]


def weights(aws: Aws, rule: str) -> dict[str, int]:
    action = aws.server.client("elbv2").describe_rules(RuleArns=[rule])["Rules"][0]["Actions"][0]
    return {g["TargetGroupArn"]: g["Weight"] for g in action["ForwardConfig"]["TargetGroups"]}


def task_definition(aws: Aws, image: str) -> str:
    return str(
        aws.ecs.register_task_definition(
            family="web",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[
                {"name": "app", "image": image, "memory": 128, "portMappings": [{"containerPort": 80}]}
            ],
        )["taskDefinition"]["taskDefinitionArn"]
    )


def load_balancers(lb: Balancer, advanced: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [
        {
            "targetGroupArn": lb.blue,
            "containerName": "app",
            "containerPort": 80,
            "advancedConfiguration": advanced
            if advanced is not None
            else {
                "alternateTargetGroupArn": lb.green,
                "productionListenerRule": lb.production_rule,
                "testListenerRule": lb.test_rule,
                "roleArn": ROLE,
            },
        }
    ]


def native_service(aws: Aws, configuration: dict[str, Any], desired: int = 2) -> tuple[str, Balancer]:
    """A settled service with this deployment configuration, on the balancer's blue target group."""
    lb, subnet = balancer(aws)
    cluster = aws.cluster()
    task_definition(aws, "nginx:1")
    aws.ecs.create_service(
        cluster=cluster,
        serviceName="web",
        taskDefinition="web",
        desiredCount=desired,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
        loadBalancers=load_balancers(lb),
        deploymentConfiguration=configuration,
    )
    aws.advance_until(cluster, "web", completed)
    return cluster, lb


def current_deployment(aws: Aws, cluster: str) -> dict[str, Any]:
    arn = aws.describe(cluster, "web")["currentServiceDeployment"]
    return dict(aws.ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0])


def stages(aws: Aws, cluster: str, until: str = "SUCCESSFUL", max_steps: int = 60) -> list[tuple[str, str]]:
    """(status, lifecycleStage) after each tick until the status is `until`, without repeats."""
    seen: list[tuple[str, str]] = []
    for _ in range(max_steps):
        deployment = current_deployment(aws, cluster)
        state = (deployment["status"], deployment.get("lifecycleStage", ""))
        if not seen or seen[-1] != state:
            seen.append(state)
        if deployment["status"] == until:
            return seen
        aws.server.advance()
    raise AssertionError(f"{until} not reached: {seen}")


def stage_names(seen: list[tuple[str, str]]) -> list[str]:
    names: list[str] = []
    for _, stage in seen:
        if not names or names[-1] != stage:
            names.append(stage)
    return names
