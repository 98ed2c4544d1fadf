"""DescribeClusters returns settings and configuration only when asked (patches/describe_clusters_include.py)."""

from __future__ import annotations

from support import Aws, unique

CONFIGURATION = {"executeCommandConfiguration": {"logging": "DEFAULT"}}


def test_settings_and_configuration_only_with_include(aws: Aws) -> None:
    name = unique("cluster")
    aws.ecs.create_cluster(clusterName=name, configuration=CONFIGURATION, tags=[{"key": "team", "value": "a"}])

    plain = aws.ecs.describe_clusters(clusters=[name])["clusters"][0]
    assert "settings" not in plain and "configuration" not in plain and "tags" not in plain

    full = aws.ecs.describe_clusters(clusters=[name], include=["SETTINGS", "CONFIGURATIONS", "TAGS"])["clusters"][0]
    assert full["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    assert full["configuration"] == CONFIGURATION
    assert full["tags"] == [{"key": "team", "value": "a"}]

    only_settings = aws.ecs.describe_clusters(clusters=[name], include=["SETTINGS"])["clusters"][0]
    assert "settings" in only_settings and "configuration" not in only_settings
