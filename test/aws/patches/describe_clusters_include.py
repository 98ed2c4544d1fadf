"""DescribeClusters returns settings and configuration only when `include` asks for them.

ECS API reference (DescribeClusters, `include`): "If this field is omitted, this information isn't
included": SETTINGS adds the cluster's settings, CONFIGURATIONS its configuration, TAGS its tags
(ATTACHMENTS and STATISTICS are not modelled here). moto 5.2.5 always returns settings and
configuration (it already honours TAGS).
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.ecs.responses import EC2ContainerServiceResponse

_PATH = "DescribeClustersResponse.clusters.Cluster"

_original = EC2ContainerServiceResponse.describe_clusters


def describe_clusters(self: EC2ContainerServiceResponse) -> ActionResult:
    result = _original(self)
    include = self._get_param("include", []) or []
    for member, flag in (("settings", "SETTINGS"), ("configuration", "CONFIGURATIONS")):
        # moto keeps these switches on the class: every call sets both ways.
        if flag in include:
            self._include_in_response(f"{_PATH}.{member}")
        else:
            self._exclude_from_response(f"{_PATH}.{member}")
    return result


def apply() -> None:
    EC2ContainerServiceResponse.describe_clusters = describe_clusters
