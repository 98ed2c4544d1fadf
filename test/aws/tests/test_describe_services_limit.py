"""DescribeServices takes at most 10 services (patches/describe_services_limit.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import Aws


def test_describing_more_than_10_services_is_invalid_parameter_exception(aws: Aws) -> None:
    cluster = aws.cluster()
    assert len(aws.ecs.describe_services(cluster=cluster, services=[f"s{i}" for i in range(10)])["failures"]) == 10
    with pytest.raises(ClientError) as error:
        aws.ecs.describe_services(cluster=cluster, services=[f"s{i}" for i in range(11)])
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert error.value.response["Error"]["Message"] == "service names can have at most 10 items."
