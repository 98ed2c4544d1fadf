"""Fault injection for tests: throttle an API, or make it fail with a 5xx, for the next N calls.

Faults are registered only through the control endpoint. Each names an operation (e.g.
"UpdateService") and may narrow it to one service's signing name ("ecs",
"application-autoscaling", "monitoring", "elasticloadbalancing", "ec2") and to one access key id,
so that tests sharing an emulator can fault only their own calls. Every HTTP request counts as one
call, including an SDK's retries.

Errors are written in each protocol's own shape so that SDKs parse them as they parse AWS's:
JSON protocols (ECS, Application Auto Scaling, CloudWatch) get `x-amzn-ErrorType` and a body with
`__type` and `message`; query protocols get an XML ErrorResponse (EC2 its own Response/Errors).
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_SIGNING_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/[^/]+/([^/]+)/aws4_request")


@dataclass
class Fault:
    operation: str
    remaining: int
    status: int
    code: str
    message: str
    service: str | None = None
    access_key_id: str | None = None
    after_processing: bool = False  # the call takes effect, only its answer is the error


@dataclass
class Call:
    operation: str | None
    service: str | None
    access_key_id: str | None
    json_protocol: bool


_faults: list[Fault] = []


def add(fault: Fault) -> None:
    if fault.remaining < 1:
        raise ValueError("count must be at least 1")
    if not 400 <= fault.status <= 599:
        raise ValueError("status must be an HTTP error status")
    _faults.append(fault)


def clear() -> None:
    _faults.clear()


def pending() -> list[dict[str, Any]]:
    """The faults still to happen, named as the control endpoint names them."""
    return [
        {
            "operation": f.operation,
            "remaining": f.remaining,
            "status": f.status,
            "code": f.code,
            "message": f.message,
            "service": f.service,
            "accessKeyId": f.access_key_id,
            "afterProcessing": f.after_processing,
        }
        for f in _faults
    ]


def take(call: Call) -> Fault | None:
    """The first fault matching the call, one of its calls used up."""
    for fault in _faults:
        if (
            fault.operation == call.operation
            and fault.service in (None, call.service)
            and fault.access_key_id in (None, call.access_key_id)
        ):
            fault.remaining -= 1
            if fault.remaining == 0:
                _faults.remove(fault)
            return fault
    return None


def identify(environ: dict[str, Any]) -> Call:
    scope = _SIGNING_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    access_key_id, service = scope.groups() if scope else (None, None)
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return Call(target.rsplit(".", 1)[-1], service, access_key_id, json_protocol=True)
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" not in query and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        # Query-protocol calls name their action in the form body: read it, and put it back for moto.
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        query = parse_qs(body.decode("utf-8", "replace"))
    action = query.get("Action", [None])[0]
    return Call(action, service, access_key_id, json_protocol=False)


def render(fault: Fault, call: Call) -> tuple[str, list[tuple[str, str]], bytes]:
    request_id = str(uuid.uuid4())
    status = f"{fault.status} {'Bad Request' if fault.status < 500 else 'Internal Server Error'}"
    if call.json_protocol:
        body = json.dumps({"__type": fault.code, "message": fault.message}).encode()
        headers = [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("x-amzn-ErrorType", fault.code),
            ("x-amzn-RequestId", request_id),
        ]
        return status, headers, body
    kind = "Sender" if fault.status < 500 else "Receiver"
    code, message = escape(fault.code), escape(fault.message)
    if call.service == "ec2":
        xml = f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
    else:
        xml = f"<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    return status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], xml.encode()


class FaultInjector:
    """WSGI middleware that answers a faulted call with its error instead of (or after) moto."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not _faults:
            return self.app(environ, start_response)
        call = identify(environ)
        fault = take(call)
        if fault is None:
            return self.app(environ, start_response)
        if fault.after_processing:
            for _chunk in self.app(environ, lambda *_args: lambda _data: None):
                pass
        status, headers, body = render(fault, call)
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]
