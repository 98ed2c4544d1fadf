"""Every request is checked against AWS's own service model (botocore's service-2.json), as the
real endpoint checks it, and every breach is recorded for the test run to see.

The models are the oracle that does not come from this project: the operator and the emulator are
written by the same hands and could agree on something AWS rejects. For each operation of a
validated service (VALIDATED_SERVICES) the request is read in its wire protocol and its input
shape is walked member by member: required members, types, enums, string and list lengths
(`min`/`max`), numeric ranges and patterns. botocore's own ParamValidator checks only part of this
(no `max`, no patterns, no enums), so the walk is done here.

A request that breaks the model is answered as the endpoint answers it, HTTP 400 with the member
named in Coral's words, and never reaches moto:

    1 validation error detected: Value 'x' at 'member.path' failed to satisfy constraint: Member must ...

(several breaches: "2 validation errors detected: ...; ..."; a missing member: "Value null at
'family' failed to satisfy constraint: Member must not be null"; list elements are named
`list.N.member`, 1-based, and member names start lowercase, as Coral writes them). The error code
is the one each service uses for these:

- ECS: InvalidParameterException. ECS's models carry few constraints beyond required members and
  enums; its answers to malformed input come as InvalidParameterException (e.g. "Cluster must
  match ^[a-zA-Z0-9\\-_]{1,255}$, but was ...", awslabs/amazon-ecs-nodejs-microservices#18) or
  ClientException ("Container.name should not be null or empty.", hashicorp/terraform#2888).
  Which of the two a Coral model check gives is not documented; InvalidParameterException is the
  emulator's choice (issue 16 names it), both are 400s that a client must not retry.
- Application Auto Scaling: ValidationException, as its API reference lists for every operation
  ("An exception was thrown for a validation issue"), e.g. fakecloud PR #1449 (enum and
  `@length(1, 1600)` of ResourceId).
- CloudWatch: ValidationError, its query code; over JSON (awsQueryCompatible) the answer names the
  model's error shape, `__type` ValidationException, and carries `x-amzn-query-error:
  ValidationError;Sender` (boto3 reports the code ValidationError, the JS SDK the name
  ValidationException), as in "MetricName must not be null (Service: AmazonCloudWatch; Status
  Code: 400; Error Code: ValidationError" (aws-cloudformation/cfn-lint#771).
- ELBv2: ValidationError, as in "A port must be specified (Service:
  AmazonElasticLoadBalancingV2; Status Code: 400; Error Code: ValidationError"
  (awsdocs/aws-cloudformation-user-guide#467); STS's Coral check gives the same code and wording
  ("ValidationError: 1 validation error detected: Value '…' at 'name' failed to satisfy
  constraint: Member must have length less than or equal to 32", tenesys/awsconsole#2).

- EventBridge and EventBridge Scheduler: ValidationException, which both API references list
  ("The input fails to satisfy the constraints specified by an AWS service", HTTP 400). Scheduler
  speaks REST-JSON: its operation is found from the method and path (rest_json), and the path's
  labels and the query string are checked with the body.

A value of the wrong type is not a constraint breach but a serialization error: JSON services
answer SerializationException (query services cannot send a wrong type; a number that does not
parse is a ValidationError).

Members the model does not know are ignored, as the endpoints ignore them. Violations are kept
(operation, member, constraint, access key id, time) for the control endpoint; a test that sends a
bad request on purpose declares it first (`expect`), and the run fails on any other (see
README.md, "The control endpoint").

Responses can be checked the same way (`--check-responses`, the emulator's own pytest suite): a
member moto invents (not in the output shape), a required one it drops, a wrong type or enum
value is recorded as a response violation; the answer itself is passed on unchanged.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import parse_qs

import botocore.session
import regex
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape
from moto.core.parse import QueryParser
from moto.core.utils import get_service_model as moto_service_model

from . import faults, rest_json


@dataclass(frozen=True)
class Service:
    """A validated service: its botocore name and the code its endpoint gives a model breach."""

    model: str
    error_code: str
    # The query API version that tells this service from another under the same signing name.
    query_version: str | None = None


# By signing name (the service in the request's credential scope). Adding a service: one row.
VALIDATED_SERVICES: dict[str, Service] = {
    "ecs": Service("ecs", "InvalidParameterException"),
    "application-autoscaling": Service("application-autoscaling", "ValidationException"),
    "monitoring": Service("cloudwatch", "ValidationError"),
    # Classic ELB signs as elasticloadbalancing too, with Version 2012-06-01: not validated.
    "elasticloadbalancing": Service("elbv2", "ValidationError", query_version="2015-12-01"),
    "events": Service("events", "ValidationException"),
    # REST-JSON: the operation comes from the method and path (rest_json).
    "scheduler": Service("scheduler", "ValidationException"),
    "sts": Service("sts", "ValidationError", query_version="2011-06-15"),
}

SERIALIZATION_ERROR = "SerializationException"
MAX_KEPT = 1000


@dataclass
class Violation:
    """One breach of the model by one request (or, with direction "response", by an answer)."""

    operation: str
    member: str
    constraint: str
    message: str
    service: str
    access_key_id: str | None
    direction: str = "request"
    expected: bool = False
    time: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat())

    def describe(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "member": self.member,
            "constraint": self.constraint,
            "message": self.message,
            "service": self.service,
            "accessKeyId": self.access_key_id,
            "direction": self.direction,
            "expected": self.expected,
            "time": self.time,
        }


@dataclass
class Expectation:
    """A test's declaration that it sends a request breaking the model on purpose."""

    operation: str
    member: str
    access_key_id: str | None = None
    remaining: int = 1
    id: int = 0

    def matches(self, violation: Violation) -> bool:
        return (
            self.operation == violation.operation
            and self.member == violation.member
            and self.access_key_id in (None, violation.access_key_id)
        )

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "operation": self.operation,
            "member": self.member,
            "accessKeyId": self.access_key_id,
            "remaining": self.remaining,
        }


_violations: list[Violation] = []
# Requests checked, by signing name: shows that the oracle saw the traffic (0 violations of 0 is no news).
_checked: dict[str, int] = {}
_expectations: list[Expectation] = []
_next_id = iter(range(1, 1 << 62))
_lock = threading.Lock()
# Response checks are for the emulator's own suite (emulator.py --check-responses).
check_responses = False


def expect(body: dict[str, Any]) -> dict[str, Any]:
    """Arms an expectation from the control endpoint's JSON body: the next `count` (default 1)
    violations of `member` in `operation` (signed with `accessKeyId`, when given) are expected."""
    operation, member = body.get("operation"), body.get("member")
    if not isinstance(operation, str) or not operation or operation == "*":
        raise ValueError("operation must name one API operation")
    if not isinstance(member, str) or not member or "*" in member:
        raise ValueError("member must name one member path as the error names it, e.g. containerDefinitions.1.member.name")
    count = int(body.get("count", 1))
    if not 1 <= count <= 100:
        raise ValueError("count must be between 1 and 100")
    key = body.get("accessKeyId")
    with _lock:
        expectation = Expectation(operation, member, None if key is None else str(key), count, next(_next_id))
        _expectations.append(expectation)
        return expectation.describe()


def record(violation: Violation) -> None:
    with _lock:
        for expectation in _expectations:
            if violation.direction == "request" and expectation.matches(violation):
                violation.expected = True
                expectation.remaining -= 1
                if expectation.remaining == 0:
                    _expectations.remove(expectation)
                break
        _violations.append(violation)
        del _violations[:-MAX_KEPT]


def state() -> dict[str, Any]:
    """What the control endpoint shows: every violation, and the expectations not used up."""
    with _lock:
        return {
            "violations": [v.describe() for v in _violations],
            "unexpected": sum(1 for v in _violations if not v.expected),
            "expectations": [e.describe() for e in _expectations],
            "checked": dict(_checked),
        }


def clear() -> None:
    with _lock:
        _violations.clear()
        _expectations.clear()
        _checked.clear()


def count(signing_name: str) -> None:
    with _lock:
        _checked[signing_name] = _checked.get(signing_name, 0) + 1


# ---------------------------------------------------------------------------------------------
# The models


@cache
def service_model(name: str) -> ServiceModel:
    session = botocore.session.get_session()
    return ServiceModel(session.get_component("data_loader").load_service_model(name, "service-2"), name)


def operation_model(service: Service, operation: str) -> OperationModel | None:
    model = service_model(service.model)
    return model.operation_model(operation) if operation in model.operation_names else None


def coral_name(name: str) -> str:
    """Coral names members with a lowercase first letter ('resourceId' for ResourceId)."""
    return name[:1].lower() + name[1:]


# Java matches strings as UTF-16: a surrogate pair range in a pattern means the supplementary
# planes, which Python writes as code points.
_SURROGATE_RANGE = "\\uD800\\uDC00-\\uDBFF\\uDFFF"


@cache
def compiled(pattern: str) -> Any:
    # Java-style patterns (\p{L}, possessive quantifiers) need the regex module, not re.
    return regex.compile(pattern.replace(_SURROGATE_RANGE, "\\U00010000-\\U0010FFFF"), regex.DOTALL)


# ---------------------------------------------------------------------------------------------
# Walking a value against a shape


@dataclass
class Breach:
    member: str
    constraint: str
    value: Any
    serialization: bool = False

    def sentence(self) -> str:
        shown = "null" if self.value is None else f"'{render(self.value)}'"
        return f"Value {shown} at '{self.member}' failed to satisfy constraint: {self.constraint}"


def render(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Walker:
    """Collects the breaches of one value against one shape.

    `wire` is how values arrived: "json" (as sent: types must match), "parsed" (already typed by
    a query parser) or "output" (a response body: unknown members are breaches too)."""

    def __init__(self, wire: str) -> None:
        self.wire = wire
        self.breaches: list[Breach] = []

    def add(self, member: str, constraint: str, value: Any, serialization: bool = False) -> None:
        self.breaches.append(Breach(member or "input", constraint, value, serialization))

    def walk(self, shape: Shape, value: Any, path: str) -> None:
        handler: Callable[[Shape, Any, str], None] = getattr(self, f"_{shape.type_name}", self._scalar)
        handler(shape, value, path)

    def _structure(self, shape: Shape, value: Any, path: str) -> None:
        assert isinstance(shape, StructureShape)
        if shape.metadata.get("document"):
            return
        if not isinstance(value, dict):
            self.add(path, "Member must be a structure", value, serialization=True)
            return
        by_wire_name = {m.serialization.get("name", name): name for name, m in shape.members.items()}
        for required in shape.required_members:
            wire_name = shape.members[required].serialization.get("name", required)
            if value.get(wire_name) is None and value.get(required) is None:
                self.add(join(path, coral_name(required)), "Member must not be null", None)
        for key, member_value in value.items():
            name = by_wire_name.get(key, key if key in shape.members else None)
            if name is None:
                if self.wire == "output":
                    self.add(join(path, coral_name(key)), "Member is not in the model's output shape", member_value)
                continue
            if member_value is None:
                continue
            self.walk(shape.members[name], member_value, join(path, coral_name(name)))
        if shape.metadata.get("union") and sum(1 for v in value.values() if v is not None) > 1:
            self.add(path, "Member must have exactly one member set", value)

    def _list(self, shape: Shape, value: Any, path: str) -> None:
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            self.add(path, "Member must be a list", value, serialization=True)
            return
        self.length(shape, len(value), value, path)
        for index, item in enumerate(value, start=1):
            item_path = f"{path}.{index}.member"
            if item is None:
                if self.wire != "output":
                    self.add(item_path, "Member must not be null", None)
                continue
            self.walk(shape.member, item, item_path)

    def _map(self, shape: Shape, value: Any, path: str) -> None:
        assert isinstance(shape, MapShape)
        if not isinstance(value, dict):
            self.add(path, "Member must be a map", value, serialization=True)
            return
        self.length(shape, len(value), value, path)
        for key, item in value.items():
            self.walk(shape.key, key, f"{path}.key")
            if item is not None:
                self.walk(shape.value, item, f"{path}.value")

    def _string(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, str):
            self.add(path, "Member must be a string", value, serialization=True)
            return
        if shape.enum and value not in shape.enum:
            self.add(path, f"Member must satisfy enum value set: [{', '.join(shape.enum)}]", value)
        if self.wire == "output":
            return
        self.length(shape, len(value), value, path)
        pattern = shape.metadata.get("pattern")
        if pattern and compiled(pattern).fullmatch(value) is None:
            self.add(path, f"Member must satisfy regular expression pattern: {pattern}", value)

    def _integer(self, shape: Shape, value: Any, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, "Member must be an integer", value, serialization=True)
            return
        self.range(shape, value, path)

    _long = _integer

    def _double(self, shape: Shape, value: Any, path: str) -> None:
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(path, "Member must be a number", value, serialization=True)
            return
        self.range(shape, value, path)

    _float = _double

    def _boolean(self, shape: Shape, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            self.add(path, "Member must be a boolean", value, serialization=True)

    def _timestamp(self, shape: Shape, value: Any, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, dt.datetime)):
            self.add(path, "Member must be a timestamp", value, serialization=True)

    def _blob(self, shape: Shape, value: Any, path: str) -> None:
        if self.wire == "json":
            try:
                base64.b64decode(value, validate=True)
            except (ValueError, TypeError):
                self.add(path, "Member must be base64-encoded binary data", value, serialization=True)

    def _scalar(self, shape: Shape, value: Any, path: str) -> None:
        pass

    def length(self, shape: Shape, size: int, value: Any, path: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and size < low:
            self.add(path, f"Member must have length greater than or equal to {low}", value)
        if high is not None and size > high:
            self.add(path, f"Member must have length less than or equal to {high}", value)

    def range(self, shape: Shape, value: float, path: str) -> None:
        if self.wire == "output":
            return
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            self.add(path, f"Member must have value greater than or equal to {render(low)}", value)
        if high is not None and value > high:
            self.add(path, f"Member must have value less than or equal to {render(high)}", value)


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def check(shape: Shape | None, value: Any, wire: str) -> list[Breach]:
    """The breaches of `value` (a decoded request or response) against `shape`."""
    if shape is None:
        return []
    walker = Walker(wire)
    walker.walk(shape, value, "")
    return walker.breaches


def error_message(breaches: list[Breach]) -> str:
    count = len(breaches)
    noun = "validation error" if count == 1 else "validation errors"
    return f"{count} {noun} detected: " + "; ".join(b.sentence() for b in breaches)


# ---------------------------------------------------------------------------------------------
# Reading requests off the wire


@dataclass
class Request:
    service: Service
    signing_name: str
    operation: str
    model: OperationModel
    params: Any
    wire: str
    call: faults.Call
    json_version: str = "1.1"
    parse_error: str | None = None
    rest: bool = False


def read_request(environ: dict[str, Any]) -> Request | None:
    """The validated request this is, decoded, or None when its service is not validated."""
    call = faults.identify(environ)
    service = VALIDATED_SERVICES.get(call.service or "")
    if service is None or call.operation is None:
        return None
    content_type = environ.get("CONTENT_TYPE", "")
    body = faults.buffer_body(environ)
    if environ.get("HTTP_CONTENT_ENCODING") == "gzip":
        # SDKs compress large CloudWatch requests (PutMetricData); moto inflates them as well.
        body = gzip.decompress(body)
    routed = rest_json.route(call.service, environ)
    if routed is not None:
        model, labels = routed
        try:
            payload = json.loads(body) if body else {}
        except ValueError as error:
            return Request(service, call.service or "", call.operation, model, None, "json", call, parse_error=str(error), rest=True)
        params = rest_json.request_params(model, labels, parse_qs(environ.get("QUERY_STRING", "")), payload)
        return Request(service, call.service or "", call.operation, model, params, "json", call, rest=True)
    if call.json_protocol:
        if "cbor" in content_type:
            # No SDK this project uses sends CBOR (boto3 and the JS SDK pick JSON); not checked.
            return None
        model = operation_model(service, call.operation)
        if model is None:
            return None
        version = "1.0" if content_type.endswith("1.0") else "1.1"
        try:
            params = json.loads(body or b"{}")
        except ValueError as error:
            return Request(service, call.service or "", call.operation, model, None, "json", call, version, str(error))
        return Request(service, call.service or "", call.operation, model, params, "json", call, version)
    values = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    values.update({k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()})
    if service.query_version is not None and values.get("Version") != service.query_version:
        return None
    model = operation_model(service, call.operation)
    if model is None:
        return None
    try:
        # moto's parser reads the form into members (lists, maps, numbers) as the model says; it
        # needs moto's own flavour of the model.
        parser = QueryParser(moto_service_model(service.model).operation_model(call.operation))
        params = parser.parse({"values": values}) if model.input_shape is not None else {}  # type: ignore[typeddict-item]
    except (ValueError, TypeError) as error:
        return Request(service, call.service or "", call.operation, model, None, "parsed", call, parse_error=str(error))
    return Request(service, call.service or "", call.operation, model, params, "parsed", call)


def rejection(request: Request, breaches: list[Breach]) -> tuple[str, str]:
    """The error code and message the endpoint answers these breaches with."""
    if request.parse_error is not None:
        if request.wire == "json":
            return SERIALIZATION_ERROR, request.parse_error
        return request.service.error_code, request.parse_error
    if request.wire == "json" and any(b.serialization for b in breaches):
        first = next(b for b in breaches if b.serialization)
        return SERIALIZATION_ERROR, f"{first.constraint[len('Member must be ') :].capitalize()} expected at '{first.member}'"
    return request.service.error_code, error_message(breaches)


def error_response(request: Request, code: str, message: str) -> tuple[str, list[tuple[str, str]], bytes]:
    if not request.call.json_protocol:
        return faults.render_error(request.call, 400, code, message)
    model = service_model(request.service.model)
    query_compatible = model.metadata.get("awsQueryCompatible") is not None
    # A query-compatible service (CloudWatch) names the error shape in JSON (ValidationException)
    # and its query code in x-amzn-query-error (ValidationError): SDKs read one or the other.
    shape = next((e.name for e in model.error_shapes if e.metadata.get("error", {}).get("code") == code), code)
    status, headers, body = faults.render_error(request.call, 400, shape if query_compatible else code, message)
    content_type = "application/json" if request.rest else f"application/x-amz-json-{request.json_version}"
    headers = [(k, content_type if k == "Content-Type" else v) for k, v in headers]
    if query_compatible:
        headers.append(("x-amzn-query-error", f"{code};Sender"))
    return status, headers, body


# ---------------------------------------------------------------------------------------------
# The middleware


class ModelValidator:
    """WSGI middleware: validates each request of a validated service before moto sees it."""

    def __init__(self, app: faults.WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = read_request(environ)
        if request is None:
            return self.app(environ, start_response)
        count(request.signing_name)
        breaches = (
            [Breach("input", request.parse_error, None, serialization=True)]
            if request.parse_error is not None
            else check(request.model.input_shape, request.params, request.wire)
        )
        if breaches:
            code, message = rejection(request, breaches)
            for breach in breaches:
                record(
                    Violation(
                        request.operation,
                        breach.member,
                        breach.constraint,
                        message,
                        request.signing_name,
                        request.call.access_key_id,
                    )
                )
            status, headers, body = error_response(request, code, message)
            start_response(status, [*headers, ("Content-Length", str(len(body)))])
            return [body]
        if not check_responses or request.wire != "json":
            return self.app(environ, start_response)
        return self.checked(request, environ, start_response)

    def checked(self, request: Request, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Passes the answer on and records how it breaks the operation's output shape."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"] = status
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, capture))
        if captured.get("status", "").startswith("200"):
            try:
                answer = json.loads(body or b"{}")
            except ValueError:
                answer = body.decode("utf-8", "replace")
            for breach in check(request.model.output_shape, answer, "output"):
                record(
                    Violation(
                        request.operation,
                        breach.member,
                        breach.constraint,
                        breach.sentence(),
                        request.signing_name,
                        request.call.access_key_id,
                        direction="response",
                    )
                )
        return [body]
