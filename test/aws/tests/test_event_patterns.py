"""Event patterns PutRule accepts and refuses (patches/event_patterns.py)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from support import Aws


@pytest.mark.parametrize(
    "pattern",
    [
        {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"object": {"key": [{"prefix": "in/"}]}}},
        {"detail": {"size": [{"numeric": [">", 0, "<=", 5]}], "tag": [{"exists": False}]}},
        {"detail": {"state": [{"anything-but": ["STOPPED", "FAILED"]}], "name": [{"anything-but": {"prefix": "tmp"}}]}},
        {"source": [{"prefix": {"equals-ignore-case": "AWS."}}, {"wildcard": "my.*"}, None, 3, True]},
        {"$or": [{"source": ["a"]}, {"detail-type": ["b"]}]},
    ],
)
def test_documented_patterns_are_accepted(aws: Aws, pattern: dict) -> None:
    aws.events.put_rule(Name="ok", EventPattern=json.dumps(pattern))
    assert json.loads(aws.events.describe_rule(Name="ok")["EventPattern"]) == pattern


@pytest.mark.parametrize(
    "pattern",
    [
        "[1]",
        '{"source": "aws.s3"}',
        '{"source": []}',
        '{"source": [{"regex": "x"}]}',
        '{"source": [{"prefix": 3}]}',
        '{"detail": {"x": [{"exists": "yes"}]}}',
        '{"detail": {"n": [{"numeric": [">", "five"]}]}}',
        '{"source": [{"prefix": "a", "suffix": "b"}]}',
        "{not json",
    ],
)
def test_invalid_patterns_are_refused(aws: Aws, pattern: str) -> None:
    with pytest.raises(ClientError) as error:
        aws.events.put_rule(Name="bad", EventPattern=pattern)
    assert error.value.response["Error"]["Code"] == "InvalidEventPatternException"
    assert error.value.response["Error"]["Message"].startswith("Event pattern is not valid.")
