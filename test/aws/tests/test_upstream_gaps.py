"""What moto 5.2.5 itself still gets wrong, checked against unpatched moto.

Each test asserts the gap as it is today. When a moto upgrade makes one fail, moto fixed that
behaviour upstream: drop (or shrink) the named patch and this test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import ECS_DESIRED_COUNT, Aws

from access_keys import account_key


def still_a_gap(gap_present: bool, patch: str) -> None:
    assert gap_present, f"moto fixed this upstream: drop the patch {patch}"


def service(moto: Aws, **extra: object) -> tuple[str, dict]:
    cluster = moto.cluster()
    moto.task_definition("web")
    subnet, vpc = moto.subnet()
    group = moto.ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"][0][
        "GroupId"
    ]
    params = {
        "cluster": cluster,
        "serviceName": "web",
        "taskDefinition": "web",
        "desiredCount": 2,
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}},
        **extra,
    }
    return cluster, moto.ecs.create_service(**params)["service"]


def test_create_service_drops_fields_and_reports_ec2(plain_moto: Aws) -> None:
    _, created = service(
        plain_moto,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
        healthCheckGracePeriodSeconds=30,
        enableExecuteCommand=True,
    )
    still_a_gap("capacityProviderStrategy" not in created and created.get("launchType") == "EC2", "service_fields.py")
    still_a_gap(
        "deploymentConfiguration" not in created and "healthCheckGracePeriodSeconds" not in created, "service_fields.py"
    )


def test_create_service_with_an_active_name_replaces_the_service(plain_moto: Aws) -> None:
    cluster, _ = service(plain_moto)
    try:
        plain_moto.ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="web", desiredCount=5)
        replaced = True
    except ClientError:
        replaced = False
    still_a_gap(replaced, "service_idempotency.py")


def test_update_service_stores_task_definition_as_passed_and_starts_no_deployment(plain_moto: Aws) -> None:
    cluster, _ = service(plain_moto)
    plain_moto.task_definition("web", "nginx:2")
    updated = plain_moto.ecs.update_service(cluster=cluster, service="web", taskDefinition="web:2")["service"]
    still_a_gap(updated["taskDefinition"] == "web:2", "service_fields.py")
    still_a_gap(len(updated["deployments"]) == 1, "service_deployments.py")


def test_deployments_never_progress(plain_moto: Aws) -> None:
    cluster, _ = service(plain_moto)
    described = plain_moto.describe(cluster, "web")
    still_a_gap(
        described["runningCount"] == 0 and described["deployments"][0]["rolloutState"] == "IN_PROGRESS",
        "service_scheduler.py",
    )
    still_a_gap(described["events"] == [], "service_scheduler.py")


def test_awsvpc_without_security_groups_is_a_server_error(plain_moto: Aws) -> None:
    cluster = plain_moto.cluster()
    plain_moto.task_definition("web")
    subnet, _ = plain_moto.subnet()
    ecs = plain_moto.server.client("ecs", retry=False)
    with pytest.raises(ClientError) as error:
        ecs.create_service(
            cluster=cluster,
            serviceName="web",
            taskDefinition="web",
            networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
        )
    still_a_gap(error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500, "default_security_group.py")


def test_step_policy_does_not_list_its_alarms_and_changes_arn_on_update(plain_moto: Aws) -> None:
    scaling = plain_moto.server.client("application-autoscaling")
    cluster, _ = service(plain_moto)
    resource = f"service/{cluster}/web"
    scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=2,
    )

    def put_policy() -> str:
        return str(
            scaling.put_scaling_policy(
                PolicyName="out",
                ServiceNamespace="ecs",
                ResourceId=resource,
                ScalableDimension="ecs:service:DesiredCount",
                PolicyType="StepScaling",
                StepScalingPolicyConfiguration={
                    "AdjustmentType": "ChangeInCapacity",
                    "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
                },
            )["PolicyARN"]
        )

    arn = put_policy()
    plain_moto.server.client("cloudwatch").put_metric_alarm(
        AlarmName="cpu-high",
        MetricName="CPUUtilization",
        Namespace="AWS/ECS",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=70,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[arn],
    )
    [policy] = scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)["ScalingPolicies"]
    still_a_gap(policy.get("Alarms", []) == [], "scaling_policy_alarms.py")
    still_a_gap(put_policy() != arn, "scaling_policy_alarms.py")


def test_daemon_service_is_accepted_on_fargate(plain_moto: Aws) -> None:
    cluster = plain_moto.cluster()
    plain_moto.task_definition("agent", fargate=False)
    created = plain_moto.ecs.create_service(
        cluster=cluster, serviceName="agent", taskDefinition="agent", launchType="FARGATE", schedulingStrategy="DAEMON"
    )
    still_a_gap(created["service"]["schedulingStrategy"] == "DAEMON", "daemon_services.py")


def test_delete_service_is_inactive_at_once_and_still_listed(plain_moto: Aws) -> None:
    cluster, _ = service(plain_moto, desiredCount=0)
    deleted = plain_moto.ecs.delete_service(cluster=cluster, service="web")["service"]
    still_a_gap(deleted["status"] == "INACTIVE", "delete_service.py")
    still_a_gap(len(plain_moto.ecs.list_services(cluster=cluster)["serviceArns"]) == 1, "delete_service.py")


def test_list_tasks_lists_stopped_tasks_by_default(plain_moto: Aws) -> None:
    cluster = plain_moto.cluster(providers=())
    plain_moto.task_definition("job", fargate=False)
    plain_moto.container_instances(cluster, 1)
    [task] = plain_moto.ecs.run_task(cluster=cluster, taskDefinition="job", launchType="EC2")["tasks"]
    plain_moto.ecs.stop_task(cluster=cluster, task=task["taskArn"])
    still_a_gap(task["taskArn"] in plain_moto.ecs.list_tasks(cluster=cluster)["taskArns"], "list_tasks.py")


def test_run_task_with_awsvpc_fails_in_a_vpc_without_dns_hostnames(plain_moto: Aws) -> None:
    cluster = plain_moto.cluster()
    plain_moto.task_definition("job")
    subnet, _ = plain_moto.subnet()
    ecs = plain_moto.server.client("ecs", retry=False)
    with pytest.raises(ClientError) as error:
        ecs.run_task(
            cluster=cluster,
            taskDefinition="job",
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": []}},
        )
    still_a_gap(error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500, "network_interface_dns.py")


def test_capacity_provider_not_associated_with_the_cluster_is_accepted(plain_moto: Aws) -> None:
    cluster = plain_moto.cluster(providers=())
    plain_moto.task_definition("job", fargate=False)
    created = plain_moto.ecs.create_service(
        cluster=cluster,
        serviceName="job",
        taskDefinition="job",
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
    )
    still_a_gap(created["service"]["status"] == "ACTIVE", "service_fields.py")


def scalable(moto: Aws, desired: int = 1, min_capacity: int = 1, max_capacity: int = 4) -> tuple[str, str]:
    cluster, _ = service(moto, desiredCount=desired)
    resource = f"service/{cluster}/web"
    moto.scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=resource,
        ScalableDimension=ECS_DESIRED_COUNT,
        MinCapacity=min_capacity,
        MaxCapacity=max_capacity,
    )
    return cluster, resource


def aas_error(call: Callable[..., Any], **params: Any) -> str | None:
    try:
        call(ServiceNamespace="ecs", ScalableDimension=ECS_DESIRED_COUNT, **params)
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return None


def test_deregister_scalable_target_leaves_its_policies_and_scheduled_actions(plain_moto: Aws) -> None:
    _, resource = scalable(plain_moto)
    plain_moto.target_tracking_policy(resource)
    plain_moto.scheduled_action(resource, "morning")
    plain_moto.scaling.deregister_scalable_target(
        ServiceNamespace="ecs", ResourceId=resource, ScalableDimension=ECS_DESIRED_COUNT
    )
    policies = plain_moto.scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)
    actions = plain_moto.scaling.describe_scheduled_actions(ServiceNamespace="ecs", ResourceId=resource)
    still_a_gap(len(policies["ScalingPolicies"]) == 1, "scalable_target_deregistration.py")
    still_a_gap(len(actions["ScheduledActions"]) == 1, "scalable_target_deregistration.py")


def test_missing_scaling_objects_are_not_object_not_found(plain_moto: Aws) -> None:
    scaling = plain_moto.scaling
    _, resource = scalable(plain_moto)
    still_a_gap(
        aas_error(scaling.delete_scaling_policy, ResourceId=resource, PolicyName="nope") == "ValidationException",
        "aas_object_not_found.py",
    )
    still_a_gap(
        aas_error(scaling.delete_scheduled_action, ResourceId=resource, ScheduledActionName="nope") is None,
        "aas_object_not_found.py",
    )
    scaling.deregister_scalable_target(ServiceNamespace="ecs", ResourceId=resource, ScalableDimension=ECS_DESIRED_COUNT)
    still_a_gap(
        aas_error(scaling.deregister_scalable_target, ResourceId=resource) == "ValidationException",
        "aas_object_not_found.py",
    )
    plain_moto.step_policy(resource)  # no scalable target any more, and yet accepted
    still_a_gap(
        len(scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)["ScalingPolicies"]) == 1,
        "aas_object_not_found.py",
    )


def test_register_scalable_target_leaves_the_service_count_outside_the_range(plain_moto: Aws) -> None:
    cluster, resource = scalable(plain_moto, desired=1, min_capacity=3, max_capacity=5)
    still_a_gap(plain_moto.describe(cluster, "web")["desiredCount"] == 1, "scalable_target_capacity.py")
    still_a_gap(
        aas_error(plain_moto.scaling.register_scalable_target, ResourceId=resource, MinCapacity=9, MaxCapacity=2)
        is None,
        "scalable_target_capacity.py",
    )


def test_scaling_describe_calls_page_and_filter_wrongly(plain_moto: Aws) -> None:
    scaling = plain_moto.scaling
    resources = [scalable(plain_moto)[1] for _ in range(5)]
    first = scaling.describe_scalable_targets(ServiceNamespace="ecs", MaxResults=2)
    second = scaling.describe_scalable_targets(ServiceNamespace="ecs", MaxResults=2, NextToken=first["NextToken"])
    third = scaling.describe_scalable_targets(ServiceNamespace="ecs", MaxResults=2, NextToken=second["NextToken"])
    still_a_gap(third["ScalableTargets"] == second["ScalableTargets"], "aas_pagination.py")

    for n in range(3):
        plain_moto.scheduled_action(resources[0], f"a{n}")
    actions = scaling.describe_scheduled_actions(ServiceNamespace="ecs", ResourceId=resources[0], MaxResults=2)
    still_a_gap(len(actions["ScheduledActions"]) == 3, "aas_pagination.py")

    plain_moto.step_policy(resources[0], name="out")
    plain_moto.step_policy(resources[0], name="in")
    policies = scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resources[0], PolicyNames=["out"])
    still_a_gap(len(policies["ScalingPolicies"]) == 2, "aas_pagination.py")


def test_updating_a_target_tracking_policy_leaves_its_old_alarms(plain_moto: Aws) -> None:
    _, resource = scalable(plain_moto)
    before = set(plain_moto.alarms())
    plain_moto.target_tracking_policy(resource, target=50)
    plain_moto.target_tracking_policy(resource, target=60)
    still_a_gap(len(set(plain_moto.alarms()) - before) == 4, "scaling_policy_alarms.py")


def test_deleting_a_step_policy_leaves_its_action_on_the_alarm(plain_moto: Aws) -> None:
    _, resource = scalable(plain_moto)
    policy = plain_moto.step_policy(resource)
    name = f"cpu-high-{resource.split('/')[1]}"
    plain_moto.metric_alarm(name, [policy])
    plain_moto.scaling.delete_scaling_policy(
        PolicyName="scale-out", ServiceNamespace="ecs", ResourceId=resource, ScalableDimension=ECS_DESIRED_COUNT
    )
    still_a_gap(plain_moto.alarms()[name]["AlarmActions"] == [policy], "scaling_policy_alarms.py")


def test_update_service_accepts_a_task_definition_under_code_deploy(plain_moto: Aws) -> None:
    cluster, _ = service(plain_moto, deploymentController={"type": "CODE_DEPLOY"})
    plain_moto.task_definition("web")
    try:
        plain_moto.ecs.update_service(cluster=cluster, service="web", taskDefinition="web:2")
        accepted = True
    except ClientError:
        accepted = False
    still_a_gap(accepted, "deployment_controller_updates.py")


def test_placement_strategy_on_host_is_not_stored_as_instance_id(plain_moto: Aws) -> None:
    _, created = service(plain_moto, placementStrategy=[{"type": "spread", "field": "host"}])
    still_a_gap(created.get("placementStrategy") != [{"type": "spread", "field": "instanceId"}], "placement_strategy_fields.py")


def test_deleted_task_definition_disappears_and_its_number_is_reused(plain_moto: Aws) -> None:
    family = "gone"
    plain_moto.task_definition(family)
    second = plain_moto.task_definition(family, image="nginx:2")
    plain_moto.ecs.deregister_task_definition(taskDefinition=second)
    plain_moto.ecs.delete_task_definitions(taskDefinitions=[second])
    try:
        plain_moto.ecs.describe_task_definition(taskDefinition=second)
        described = True
    except ClientError:
        described = False
    reused = plain_moto.task_definition(family, image="nginx:3").endswith(f"/{family}:2")
    still_a_gap(not described and reused, "task_definition_deletion.py")


def test_requests_are_not_checked_against_the_service_model(plain_moto: Aws) -> None:
    cloudwatch = plain_moto.server.client("cloudwatch", validate=False)
    try:
        cloudwatch.put_metric_alarm(
            AlarmName="zero", EvaluationPeriods=0, ComparisonOperator="GreaterThanThreshold", Threshold=1.0,
            MetricName="CPUUtilization", Namespace="AWS/ECS", Statistic="Average", Period=60,
        )
        accepted = True
    except ClientError:
        accepted = False
    still_a_gap(accepted, "model_validation.py")


def test_ecs_quotas_are_not_enforced(plain_moto: Aws) -> None:
    cluster = plain_moto.cluster()
    described = plain_moto.ecs.describe_services(cluster=cluster, services=[f"s{i}" for i in range(11)])
    still_a_gap(len(described["failures"]) == 11, "describe_services_limit.py")
    registered = plain_moto.ecs.register_task_definition(
        family="mem",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 1024, "environment": [{"name": "V", "value": "x" * 70000}]}],
    )
    still_a_gap(registered["taskDefinition"]["revision"] == 1, "container_memory.py, task_definition_size.py")
    group = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef"
    created = plain_moto.ecs.create_service(
        cluster=cluster,
        serviceName="web",
        taskDefinition="mem",
        desiredCount=0,
        loadBalancers=[{"targetGroupArn": group, "containerName": "none", "containerPort": 1}] * 6,
    )["service"]
    still_a_gap(created["serviceName"] == "web", "load_balancer_containers.py, target_groups_per_service.py")


def test_scalable_targets_have_no_role_and_container_instance_updates_no_attribute_names(plain_moto: Aws) -> None:
    cluster, _ = service(plain_moto)
    resource = f"service/{cluster}/web"
    plain_moto.scaling.register_scalable_target(
        ServiceNamespace="ecs", ResourceId=resource, ScalableDimension=ECS_DESIRED_COUNT, MinCapacity=1, MaxCapacity=2
    )
    [target] = plain_moto.scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource])["ScalableTargets"]
    still_a_gap("RoleARN" not in target, "scalable_target_role.py")
    cluster = plain_moto.cluster(providers=())
    [instance] = plain_moto.container_instances(cluster, 1)
    raw: dict[str, Any] = {}
    plain_moto.ecs.meta.events.register("after-call.ecs.UpdateContainerInstancesState", lambda http_response, **_: raw.update(body=http_response.text))
    plain_moto.ecs.update_container_instances_state(cluster=cluster, containerInstances=[instance], status="DRAINING")
    attributes = json.loads(raw["body"])["containerInstances"][0]["attributes"]
    still_a_gap(all("name" not in a for a in attributes), "container_instance_attributes.py")


def test_update_cluster_settings_is_missing_and_any_setting_is_stored(plain_moto: Aws) -> None:
    cluster = plain_moto.cluster()
    try:
        plain_moto.ecs.update_cluster_settings(cluster=cluster, settings=[{"name": "containerInsights", "value": "enabled"}])
        missing = False
    except ClientError:
        missing = True
    still_a_gap(missing, "cluster_settings.py")
    updated = plain_moto.ecs.update_cluster(cluster=cluster, settings=[{"name": "containerInsights", "value": "on"}])
    still_a_gap(updated["cluster"]["settings"] == [{"name": "containerInsights", "value": "on"}], "cluster_settings.py")


def test_describe_clusters_returns_settings_without_include(plain_moto: Aws) -> None:
    cluster = plain_moto.cluster()
    described = plain_moto.ecs.describe_clusters(clusters=[cluster])["clusters"][0]
    still_a_gap("settings" in described, "describe_clusters_include.py")


def test_put_cluster_capacity_providers_accepts_anything(plain_moto: Aws) -> None:
    cluster = plain_moto.cluster()
    try:
        plain_moto.ecs.put_cluster_capacity_providers(
            cluster=cluster, capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=[{"capacityProvider": "nowhere", "weight": 1}]
        )
        accepted = True
    except ClientError:
        accepted = False
    still_a_gap(accepted, "cluster_capacity_providers.py")


def test_create_capacity_provider_accepts_a_missing_group_and_a_reserved_name(plain_moto: Aws) -> None:
    created = plain_moto.ecs.create_capacity_provider(name="ecs-reserved", autoScalingGroupProvider={"autoScalingGroupArn": "no-such-group"})
    still_a_gap(created["capacityProvider"]["status"] == "ACTIVE", "capacity_providers.py")
    plain_moto.ecs.delete_capacity_provider(capacityProvider="ecs-reserved")
    failures = plain_moto.ecs.describe_capacity_providers(capacityProviders=["ecs-reserved"])["failures"]
    still_a_gap(len(failures) == 1, "capacity_providers.py")


def test_delete_cluster_ignores_its_services(plain_moto: Aws) -> None:
    cluster, _ = service(plain_moto)
    still_a_gap(plain_moto.ecs.delete_cluster(cluster=cluster)["cluster"]["status"] == "INACTIVE", "delete_cluster.py")


def test_cluster_counts_ignore_services(plain_moto: Aws) -> None:
    cluster, _ = service(plain_moto)
    described = plain_moto.ecs.describe_clusters(clusters=[cluster])["clusters"][0]
    still_a_gap(described["activeServicesCount"] == 0, "cluster_counts.py")


def test_service_deployment_calls_do_not_exist(plain_moto: Aws) -> None:
    cluster, created = service(plain_moto)
    calls = (
        lambda: plain_moto.ecs.list_service_deployments(cluster=cluster, service="web"),
        lambda: plain_moto.ecs.describe_service_deployments(serviceDeploymentArns=["arn:aws:ecs:us-east-1:123456789012:service-deployment/c/web/x"]),
        lambda: plain_moto.ecs.stop_service_deployment(serviceDeploymentArn="arn:aws:ecs:us-east-1:123456789012:service-deployment/c/web/x"),
    )
    missing = 0
    for call in calls:
        try:
            call()
        except Exception:  # moto answers an unknown action with an error (or a 500)
            missing += 1
    still_a_gap(missing == len(calls) and "currentServiceDeployment" not in created, "service_deployments_api.py")


def test_native_strategies_and_deployment_alarms_are_stored_but_never_run(plain_moto: Aws) -> None:
    plain_moto.cloudwatch.put_metric_alarm(
        AlarmName="web-5xx", MetricName="HTTPCode_Target_5XX_Count", Namespace="AWS/ApplicationELB", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold",
    )
    plain_moto.cloudwatch.set_alarm_state(AlarmName="web-5xx", StateValue="ALARM", StateReason="test")
    configuration = {"strategy": "BLUE_GREEN", "alarms": {"alarmNames": ["web-5xx"], "enable": True, "rollback": True}}
    cluster, _ = service(plain_moto, deploymentConfiguration=configuration)
    plain_moto.task_definition("web", image="nginx:2")
    updated = plain_moto.ecs.update_service(cluster=cluster, service="web", taskDefinition="web:2")["service"]
    still_a_gap(
        all(d.get("rolloutState") != "FAILED" for d in updated.get("deployments", [])),
        "native_strategies.py, deployment_alarms.py",
    )
def test_run_task_ignores_client_tokens_and_leaves_the_launch_type_empty(plain_moto: Aws) -> None:
    cluster = plain_moto.cluster(providers=())
    plain_moto.task_definition("job", fargate=False)
    plain_moto.container_instances(cluster, 1)
    first = plain_moto.ecs.run_task(cluster=cluster, taskDefinition="job", clientToken="t")["tasks"][0]
    again = plain_moto.ecs.run_task(cluster=cluster, taskDefinition="job", clientToken="t")["tasks"][0]
    still_a_gap(first["taskArn"] != again["taskArn"], "run_task_idempotency.py")
    still_a_gap(not first.get("launchType"), "standalone_tasks.py")
    stopped = plain_moto.ecs.stop_task(cluster=cluster, task=first["taskArn"])["task"]
    still_a_gap(stopped["lastStatus"] == "STOPPED" and "stopCode" not in stopped, "stop_task.py, task_lifecycle.py")
    described = plain_moto.ecs.describe_tasks(cluster=cluster, tasks=[first["taskArn"], "nope"])
    still_a_gap(described["failures"] == [], "describe_tasks.py")


def test_scheduler_and_events_gaps(plain_moto: Aws) -> None:
    scheduler = plain_moto.server.client("scheduler", retry=False)
    target = {"Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c", "RoleArn": "arn:aws:iam::123456789012:role/r"}
    with pytest.raises(ClientError) as error:
        scheduler.create_schedule(
            Name="s", GroupName="nope", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"}, Target=target
        )
    still_a_gap(error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500, "schedule_fields.py")
    scheduler.create_schedule(Name="s", ScheduleExpression="every hour", FlexibleTimeWindow={"Mode": "OFF"}, Target=target)
    still_a_gap("ActionAfterCompletion" not in scheduler.get_schedule(Name="s"), "schedule_fields.py, schedule_expressions.py")
    events = plain_moto.server.client("events", retry=False)
    events.put_rule(Name="r", EventPattern=json.dumps({"source": [{"regex": "x"}]}))
    still_a_gap(True, "event_patterns.py")
    events.put_rule(Name="e", EventPattern=json.dumps({"source": ["app"]}))
    events.put_targets(Rule="e", Targets=[{**target, "Id": "t", "EcsParameters": {"TaskDefinitionArn": "job"}}])
    with pytest.raises(ClientError) as error:
        events.put_events(Entries=[{"Source": "app", "DetailType": "x", "Detail": "{}"}])
    still_a_gap(error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500, "event_delivery.py")


def test_assume_role_checks_nothing_and_keys_of_another_account_act_in_the_default_one(plain_moto: Aws) -> None:
    sts = plain_moto.server.client("sts")
    missing = sts.assume_role(RoleArn="arn:aws:iam::222222222222:role/missing", RoleSessionName="ops")
    still_a_gap(missing["AssumedRoleUser"]["Arn"].startswith("arn:aws:sts::222222222222:"), "assume_role_trust.py")
    other = plain_moto.server.client("sts", account_key("111111111111")).get_caller_identity()["Account"]
    still_a_gap(other == "123456789012", "accounts.py")


def test_requests_are_never_throttled(plain_moto: Aws) -> None:
    ecs = plain_moto.server.client("ecs", retry=False)
    throttled = 0
    for _ in range(25):  # Cluster modify actions: a bucket of 20
        try:
            ecs.create_cluster(clusterName="burst")
        except ClientError as error:
            throttled += error.response["Error"]["Code"] == "ThrottlingException"
    still_a_gap(throttled == 0, "throttle.py")
