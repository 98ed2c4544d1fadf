"""Helpers for the emulator's tests: launching servers, AWS clients and common fixtures' parts."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

AWS_DIR = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
ECS_DESIRED_COUNT = "ecs:service:DesiredCount"


class Server:
    """A launched emulator (or plain moto) process and the clients that talk to it."""

    def __init__(self, script: Path, *args: str, capture_stderr: bool = False) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(script), *args],
            cwd=AWS_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if capture_stderr else None,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        self.endpoint: str = json.loads(line)["endpoint"]

    def client(
        self,
        service: str,
        access_key_id: str = "testing",
        retry: bool = True,
        validate: bool = True,
        session: dict[str, Any] | None = None,
        region: str = REGION,
    ) -> Any:
        """A boto3 client; validate=False sends what boto3 itself would refuse (breaking the model);
        `session`: the Credentials of an AssumeRole answer, used instead of access_key_id."""
        config = Config(
            retries={"total_max_attempts": 3 if retry else 1, "mode": "standard"}, parameter_validation=validate
        )
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=session["AccessKeyId"] if session else access_key_id,
            aws_secret_access_key=session["SecretAccessKey"] if session else "testing",
            aws_session_token=session["SessionToken"] if session else None,
            config=config,
        )

    def control(
        self, path: str, body: dict[str, Any] | None = None, method: str = "POST"
    ) -> tuple[int, dict[str, Any]]:
        data = json.dumps(body or {}).encode() if method == "POST" else None
        request = urllib.request.Request(f"{self.endpoint}/moto-api/ecs-operator{path}", data=data, method=method)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def ok(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        status, payload = self.control(path, body)
        assert status == 200, payload
        return payload

    def expect_violation(self, operation: str, member: str, count: int = 1) -> None:
        """Declares that the test sends a request breaking the model in `member` on purpose."""
        self.ok("/model-violations/expect", {"operation": operation, "member": member, "count": count})

    def violations(self) -> dict[str, Any]:
        status, payload = self.control("/model-violations", method="GET")
        assert status == 200, payload
        return payload

    def advance(self, steps: int = 1) -> None:
        self.ok("/clock/advance", {"steps": steps})

    def close(self) -> int:
        assert self.process.stdin is not None
        self.process.stdin.close()  # the launcher exits when its stdin closes
        return self.process.wait(timeout=10)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Aws:
    """Common AWS set-up steps on one server."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.ecs = server.client("ecs")
        self.ec2 = server.client("ec2")
        self.scaling = server.client("application-autoscaling")
        self.cloudwatch = server.client("cloudwatch")
        self.scheduler = server.client("scheduler")
        self.events = server.client("events")

    def subnet(self) -> tuple[str, str]:
        """A new VPC's subnet, and the VPC's id."""
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = self.ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        return subnet, vpc

    def cluster(self, providers: tuple[str, ...] = ("FARGATE", "FARGATE_SPOT")) -> str:
        name = unique("cluster")
        self.ecs.create_cluster(clusterName=name, capacityProviders=list(providers))
        return name

    def task_definition(self, family: str, image: str = "nginx:1", fargate: bool = True) -> str:
        extra: dict[str, Any] = (
            {"networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512"}
            if fargate
            else {}
        )
        response = self.ecs.register_task_definition(
            family=family, containerDefinitions=[{"name": "app", "image": image, "memory": 128}], **extra
        )
        return str(response["taskDefinition"]["taskDefinitionArn"])

    def fargate_service(
        self, cluster: str, name: str, task_definition: str, desired: int = 2, **extra: Any
    ) -> dict[str, Any]:
        subnet, _ = self.subnet()
        params: dict[str, Any] = {
            "cluster": cluster,
            "serviceName": name,
            "taskDefinition": task_definition,
            "desiredCount": desired,
            "launchType": "FARGATE",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": [subnet]}},
            **extra,
        }
        return dict(self.ecs.create_service(**params)["service"])

    def scalable_service(
        self, desired: int = 1, min_capacity: int = 1, max_capacity: int = 4, name: str = "web"
    ) -> tuple[str, str]:
        """A Fargate service registered as a scalable target; returns its cluster and resource id."""
        cluster = self.cluster()
        self.task_definition(name)
        self.fargate_service(cluster, name, name, desired=desired)
        resource = f"service/{cluster}/{name}"
        self.scaling.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=resource,
            ScalableDimension=ECS_DESIRED_COUNT,
            MinCapacity=min_capacity,
            MaxCapacity=max_capacity,
        )
        return cluster, resource

    def step_policy(self, resource: str, name: str = "scale-out", cooldown: int = 60) -> str:
        """Creates or updates a step scaling policy; returns its ARN."""
        response = self.scaling.put_scaling_policy(
            PolicyName=name,
            ServiceNamespace="ecs",
            ResourceId=resource,
            ScalableDimension=ECS_DESIRED_COUNT,
            PolicyType="StepScaling",
            StepScalingPolicyConfiguration={
                "AdjustmentType": "ChangeInCapacity",
                "Cooldown": cooldown,
                "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
            },
        )
        return str(response["PolicyARN"])

    def target_tracking_policy(self, resource: str, name: str = "cpu", target: float = 50.0) -> dict[str, Any]:
        """Creates or updates a CPU target tracking policy; returns PolicyARN and the Alarms it made."""
        response = self.scaling.put_scaling_policy(
            PolicyName=name,
            ServiceNamespace="ecs",
            ResourceId=resource,
            ScalableDimension=ECS_DESIRED_COUNT,
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": target,
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
            },
        )
        return {"PolicyARN": response["PolicyARN"], "Alarms": response["Alarms"]}

    def scheduled_action(self, resource: str, name: str, min_capacity: int = 1, max_capacity: int = 4) -> None:
        self.scaling.put_scheduled_action(
            ServiceNamespace="ecs",
            ScheduledActionName=name,
            ResourceId=resource,
            ScalableDimension=ECS_DESIRED_COUNT,
            Schedule="cron(0 8 * * ? *)",
            ScalableTargetAction={"MinCapacity": min_capacity, "MaxCapacity": max_capacity},
        )

    def metric_alarm(self, name: str, actions: list[str]) -> str:
        """Creates a CPU alarm with these alarm actions; returns its ARN."""
        self.cloudwatch.put_metric_alarm(
            AlarmName=name,
            MetricName="CPUUtilization",
            Namespace="AWS/ECS",
            Statistic="Average",
            Period=60,
            EvaluationPeriods=1,
            Threshold=70,
            ComparisonOperator="GreaterThanThreshold",
            AlarmActions=actions,
        )
        return str(self.cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmArn"])

    def alarms(self) -> dict[str, dict[str, Any]]:
        """Every metric alarm, by name."""
        return {a["AlarmName"]: a for a in self.cloudwatch.describe_alarms()["MetricAlarms"]}

    def container_instances(self, cluster: str, count: int) -> list[str]:
        """Registers `count` new EC2 instances with the cluster; returns the container instance ARNs."""
        image = self.ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        reservation = self.ec2.run_instances(ImageId=image, MinCount=count, MaxCount=count)
        return [
            self.ecs.register_container_instance(
                cluster=cluster, instanceIdentityDocument=json.dumps({"instanceId": i["InstanceId"]})
            )["containerInstance"]["containerInstanceArn"]
            for i in reservation["Instances"]
        ]

    def fargate_job(self, family: str = "job") -> tuple[str, str, str]:
        """A cluster, a Fargate task definition and a subnet: the ARNs and id an ECS target names."""
        cluster = self.cluster()
        cluster_arn = self.ecs.describe_clusters(clusters=[cluster])["clusters"][0]["clusterArn"]
        subnet, _ = self.subnet()
        return str(cluster_arn), self.task_definition(family), subnet

    def describe(self, cluster: str, name: str) -> dict[str, Any]:
        return dict(self.ecs.describe_services(cluster=cluster, services=[name])["services"][0])

    def advance_until(
        self, cluster: str, name: str, done: Callable[[dict[str, Any]], bool], max_steps: int = 20
    ) -> dict[str, Any]:
        for _ in range(max_steps):
            service = self.describe(cluster, name)
            if done(service):
                return service
            self.server.advance()
        raise AssertionError(f"not reached in {max_steps} steps: {self.describe(cluster, name)}")


def messages(service: dict[str, Any]) -> list[str]:
    """The service's event messages, oldest first."""
    return [e["message"] for e in reversed(service["events"])]


def completed(service: dict[str, Any]) -> bool:
    deployments = service["deployments"]
    return len(deployments) == 1 and deployments[0]["rolloutState"] == "COMPLETED"
