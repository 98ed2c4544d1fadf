"""Fault injection for tests: throttling, 5xx errors, dropped connections and slow answers.

Faults are registered only through the control endpoint, as rules. A rule names an operation
(e.g. "UpdateService", or "*" for every operation) and may narrow it to one service's signing name
("ecs", "application-autoscaling", "monitoring", "elasticloadbalancing", "ec2"), to one access
key id, so that tests sharing an emulator can fault only their own calls, and to one account (the
account the call acts in, accounts.request_account: whatever keys sign it, so also the calls of
assumed-role sessions whose keys change at each refresh). Every HTTP request counts as one call,
including an SDK's retries.

A rule hits either the next `count` matching calls, or a share of them: with `probability` p each
matching call is hit with chance p (at most `count` times when a count is given too, else until the
rule is cleared). Each rule draws from its own random generator, seeded by `seed` (or by a seed the
emulator picks and reports), so the same seed and the same sequence of calls give the same faults.
Each rule counts the calls it saw (`matched`) and the faults it caused (`injected`), so a test can
compare what it injected with the retries its client reports.

Kinds:
- throttle: 400 ThrottlingException "Rate exceeded", as every AWS API answers past its rate.
- error: HTTP 500 InternalFailure by default, 503 ServiceUnavailable for status 503 (the errors
  every AWS API shares); any status and code can be given, e.g. ECS's own 500 ServerException, or
  a 4xx the caller must not retry.
- reset: the connection is closed without an answer (the client sees ECONNRESET / "socket hang up").
- slow: the answer comes `delayMs` late.
With `afterProcessing` the call takes effect first and only its answer is lost (error, reset) or late
(slow): the case where a client retries, or times out, on a call that AWS did carry out.

Errors are written in each protocol's own shape so that SDKs parse them as they parse AWS's:
JSON protocols (ECS, Application Auto Scaling, CloudWatch) get `x-amzn-ErrorType` and a body with
`__type` and `message`; query protocols get an XML ErrorResponse (EC2 its own Response/Errors).
"""

from __future__ import annotations

import io
import itertools
import json
import random
import re
import socket
import struct
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from . import accounts, rest_json
from .ecs_model import LOCK

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_SIGNING_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/[^/]+/([^/]+)/aws4_request")

KINDS = ("throttle", "error", "reset", "slow")
ANY_OPERATION = "*"
MAX_DELAY_MS = 120_000

_THROTTLE = (400, "ThrottlingException", "Rate exceeded")
_ERROR_MESSAGE = "We encountered an internal error. Please try again."


def default_error_code(status: int) -> str:
    """The common AWS error (shared by every API) for a status, when a rule names no code."""
    return "ServiceUnavailable" if status == 503 else "InternalFailure"


@dataclass
class Fault:
    operation: str
    kind: str = "throttle"
    # Faults still to cause; None: no limit (a probability rule that runs until cleared).
    remaining: int | None = 1
    probability: float = 1.0
    seed: int | None = None
    status: int | None = None
    code: str | None = None
    message: str | None = None
    delay_ms: int = 0
    service: str | None = None
    account: str | None = None
    access_key_id: str | None = None
    after_processing: bool = False
    id: int = 0
    matched: int = 0
    injected: int = 0
    rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if not self.operation:
            raise ValueError("operation must name an API operation, or * for all")
        if self.remaining is not None and self.remaining < 1:
            raise ValueError("count must be at least 1")
        if not 0 < self.probability <= 1:
            raise ValueError("probability must be in (0, 1]")
        if self.account is not None and not re.fullmatch(r"\d{12}", self.account):
            raise ValueError("account must be a 12-digit AWS account id")
        if self.kind == "throttle":
            self.status = self.status or _THROTTLE[0]
            self.code = self.code or _THROTTLE[1]
            self.message = self.message or _THROTTLE[2]
        if self.kind == "error":
            self.status = self.status or 500
            self.code = self.code or default_error_code(self.status)
            self.message = self.message or _ERROR_MESSAGE
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError("status must be an HTTP error status")
        if self.kind == "slow" and not 1 <= self.delay_ms <= MAX_DELAY_MS:
            raise ValueError(f"delayMs must be between 1 and {MAX_DELAY_MS}")
        if self.seed is None:
            self.seed = random.SystemRandom().randrange(2**31)
        self.rng = random.Random(self.seed)

    def matches(self, call: Call) -> bool:
        return (
            self.operation in (ANY_OPERATION, call.operation)
            and self.service in (None, call.service)
            and self.access_key_id in (None, call.access_key_id)
            and self.account in (None, call.account)
        )

    def describe(self) -> dict[str, Any]:
        """The rule as the control endpoint names it."""
        return {
            "id": self.id,
            "operation": self.operation,
            "kind": self.kind,
            "remaining": self.remaining,
            "probability": self.probability,
            "seed": self.seed,
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "delayMs": self.delay_ms,
            "service": self.service,
            "accessKeyId": self.access_key_id,
            "account": self.account,
            "afterProcessing": self.after_processing,
            "matched": self.matched,
            "injected": self.injected,
        }


@dataclass
class Call:
    operation: str | None
    service: str | None
    access_key_id: str | None
    json_protocol: bool
    account: str | None = None


_faults: list[Fault] = []
_ids = itertools.count(1)
# Requests run on many threads; rule bookkeeping (counts, random draws) must not interleave.
_rules_lock = threading.Lock()


def from_request(body: dict[str, Any]) -> Fault:
    """A rule from the control endpoint's JSON body (see README.md, "The control endpoint")."""
    probability = float(body.get("probability", 1.0))
    count = body.get("count")
    # A plain rule hits the next call; a probability rule without a count runs until cleared.
    remaining = int(count) if count is not None else (None if "probability" in body else 1)
    seed = body.get("seed")
    return Fault(
        operation=str(body["operation"]),
        kind=str(body.get("kind", "throttle")),
        remaining=remaining,
        probability=probability,
        seed=None if seed is None else int(seed),
        status=None if body.get("status") is None else int(body["status"]),
        code=None if body.get("code") is None else str(body["code"]),
        message=None if body.get("message") is None else str(body["message"]),
        delay_ms=int(body.get("delayMs", 0)),
        service=body.get("service"),
        access_key_id=body.get("accessKeyId"),
        account=None if body.get("account") is None else str(body["account"]),
        after_processing=bool(body.get("afterProcessing", False)),
    )


def add(fault: Fault) -> dict[str, Any]:
    """Registers a rule; returns it as described in the state (with its id and seed)."""
    with _rules_lock:
        fault.id = next(_ids)
        _faults.append(fault)
        return fault.describe()


def clear(rule_id: int | None = None) -> None:
    """Drops one rule (by id) or every rule."""
    with _rules_lock:
        _faults[:] = [] if rule_id is None else [f for f in _faults if f.id != rule_id]


def pending() -> list[dict[str, Any]]:
    """The rules still armed, with their counts."""
    with _rules_lock:
        return [f.describe() for f in _faults]


def take(call: Call) -> Fault | None:
    """The first armed rule that hits this call (each matching rule draws in turn), one fault used up."""
    with _rules_lock:
        for fault in _faults:
            if not fault.matches(call):
                continue
            fault.matched += 1
            if fault.rng.random() >= fault.probability:
                continue
            fault.injected += 1
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining == 0:
                    _faults.remove(fault)
            return fault
    return None


def identify(environ: dict[str, Any]) -> Call:
    scope = _SIGNING_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    access_key_id, service = scope.groups() if scope else (None, None)
    call = _identify_operation(environ, service, access_key_id)
    call.account = accounts.request_account(environ)
    return call


def _identify_operation(environ: dict[str, Any], service: str | None, access_key_id: str | None) -> Call:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return Call(target.rsplit(".", 1)[-1], service, access_key_id, json_protocol=True)
    routed = rest_json.route(service, environ)
    if routed is not None:
        return Call(routed[0].name, service, access_key_id, json_protocol=True)
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" not in query and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        # Query-protocol calls name their action in the form body.
        query = parse_qs(buffer_body(environ).decode("utf-8", "replace"))
    action = query.get("Action", [None])[0]
    return Call(action, service, access_key_id, json_protocol=False)


def buffer_body(environ: dict[str, Any]) -> bytes:
    """Reads the request body off the connection and puts it back as a buffer, for moto to read."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(body)
    return bytes(body)


def render(fault: Fault, call: Call) -> tuple[str, list[tuple[str, str]], bytes]:
    return render_error(call, fault.status or 500, fault.code or "", fault.message or "")


def render_error(call: Call, status_code: int, code: str, message: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """An AWS error answer in the call's protocol: status line, headers and body."""
    request_id = str(uuid.uuid4())
    reason = {400: "Bad Request", 500: "Internal Server Error", 503: "Service Unavailable"}.get(status_code, "Error")
    status = f"{status_code} {reason}"
    if call.json_protocol:
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("x-amzn-ErrorType", code),
            ("x-amzn-RequestId", request_id),
        ]
        return status, headers, body
    kind = "Sender" if status_code < 500 else "Receiver"
    code, message = escape(code), escape(message)
    if call.service == "ec2":
        xml = f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
    else:
        xml = f"<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    return status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], xml.encode()


def wait_unlocked(seconds: float) -> None:
    """Sleeps without holding the emulator's lock, so that a slow answer does not slow every other
    call (requests are served one at a time under ecs_model.LOCK, which the caller may hold)."""
    with LOCK:
        # Condition.wait releases every level of the re-entrant lock for the wait, then restores it.
        threading.Condition(LOCK).wait(seconds)


def drop_connection(environ: dict[str, Any]) -> None:
    """Closes the client's connection without an answer.

    The request body must have been read off the connection (buffer_body): left there, it would
    be parsed as the next request on this connection and answered with a 400. Shutting down sends
    the client a FIN before any answer (it sees ECONNRESET, "socket hang up") and ends the
    server's keep-alive loop; SO_LINGER 0 makes the final close a TCP RST. The
    ConnectionResetError tells werkzeug the connection is gone: it writes nothing and logs nothing.
    """
    connection = environ.get("werkzeug.socket")
    if not isinstance(connection, socket.socket):
        raise RuntimeError("the server does not expose the connection, so it cannot be dropped")
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.shutdown(socket.SHUT_RDWR)
    raise ConnectionResetError("connection dropped by a fault rule")


def _discard(_status: str, _headers: list[tuple[str, str]], _exc_info: Any = None) -> Callable[[bytes], None]:
    return lambda _data: None


class FaultInjector:
    """WSGI middleware that answers a faulted call with its fault instead of (or after) moto."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not _faults:
            return self.app(environ, start_response)
        call = identify(environ)
        fault = take(call)
        if fault is None:
            return self.app(environ, start_response)
        if fault.kind == "slow":
            if fault.after_processing:
                answer = list(self.app(environ, start_response))
                wait_unlocked(fault.delay_ms / 1000)
                return answer
            wait_unlocked(fault.delay_ms / 1000)
            return self.app(environ, start_response)
        if fault.kind == "reset":
            buffer_body(environ)
            if fault.after_processing:
                self.apply_only(environ)
            drop_connection(environ)
        if fault.after_processing:
            self.apply_only(environ)
        status, headers, body = render(fault, call)
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def apply_only(self, environ: dict[str, Any]) -> None:
        """Lets moto carry out the call and throws its answer away."""
        for _chunk in self.app(environ, _discard):
            pass
