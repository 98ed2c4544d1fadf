"""Cluster settings: UpdateClusterSettings and containerInsights values (patches/cluster_settings.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws, unique


def insights(aws: Aws, cluster: str) -> list[dict[str, str]]:
    return list(aws.ecs.describe_clusters(clusters=[cluster], include=["SETTINGS"])["clusters"][0]["settings"])


def test_new_cluster_reports_container_insights_disabled_by_default(aws: Aws) -> None:
    name = unique("cluster")
    aws.ecs.create_cluster(clusterName=name)
    assert insights(aws, name) == [{"name": "containerInsights", "value": "disabled"}]


def test_update_cluster_settings_changes_container_insights(aws: Aws) -> None:
    name = unique("cluster")
    aws.ecs.create_cluster(clusterName=name, settings=[{"name": "containerInsights", "value": "enabled"}])
    answer = aws.ecs.update_cluster_settings(cluster=name, settings=[{"name": "containerInsights", "value": "enhanced"}])
    assert answer["cluster"]["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    assert insights(aws, name) == [{"name": "containerInsights", "value": "enhanced"}]


def test_update_cluster_settings_on_a_missing_cluster_is_cluster_not_found(aws: Aws) -> None:
    with pytest.raises(ClientError) as error:
        aws.ecs.update_cluster_settings(cluster="nowhere", settings=[{"name": "containerInsights", "value": "enabled"}])
    assert error.value.response["Error"]["Code"] == "ClusterNotFoundException"


@pytest.mark.parametrize("call", ["create", "update", "settings"])
def test_container_insights_value_outside_enhanced_enabled_disabled_is_refused(aws: Aws, call: str) -> None:
    name = unique("cluster")
    bad = [{"name": "containerInsights", "value": "on"}]
    if call != "create":
        aws.ecs.create_cluster(clusterName=name)
    with pytest.raises(ClientError) as error:
        if call == "create":
            aws.ecs.create_cluster(clusterName=name, settings=bad)
        elif call == "update":
            aws.ecs.update_cluster(cluster=name, settings=bad)
        else:
            aws.ecs.update_cluster_settings(cluster=name, settings=bad)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
