"""A journal of the API calls the emulator served, for tests that count calls by caller.

AWS keeps such a journal itself: CloudTrail records every management API call with who made it
(`userIdentity.accessKeyId`), when (`eventTime`), to which service (`eventSource`, the service's
`<name>.amazonaws.com`), which action (`eventName`), its `requestParameters` and, when it failed,
its `errorCode` (AWS CloudTrail User Guide, "CloudTrail record contents for management, data, and
network activity events"). Records here carry those fields, in that shape, so that a test can ask
what CloudTrail would tell an operator of an account: which caller wrote what, and in what order.

Recording is off until a test starts it for the access key ids beginning with a prefix (its own),
through the control endpoint, so tests sharing an emulator never see each other's calls and an
idle journal costs nothing. `requestParameters` is the JSON body of JSON-protocol calls (ECS,
Application Auto Scaling, CloudWatch); query-protocol calls record none.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from . import faults

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_lock = threading.Lock()
# Access key id prefix -> the records of calls signed with a key that starts with it.
_journals: dict[str, list[dict[str, Any]]] = {}


def start(body: dict[str, Any]) -> dict[str, Any]:
    prefix = str(body["accessKeyIdPrefix"])
    if len(prefix) < 4:
        raise ValueError("accessKeyIdPrefix must be at least 4 characters (a journal per test, not per emulator)")
    with _lock:
        _journals.setdefault(prefix, [])
    return state()


def read(body: dict[str, Any]) -> dict[str, Any]:
    prefix = str(body["accessKeyIdPrefix"])
    with _lock:
        if prefix not in _journals:
            raise KeyError(f"no journal for access key id prefix {prefix!r}")
        return {"Records": list(_journals[prefix])}


def clear(prefix: str | None = None) -> None:
    with _lock:
        if prefix is None:
            _journals.clear()
        else:
            _journals.pop(prefix, None)


def state() -> dict[str, int]:
    """Journals being kept, with their record counts."""
    with _lock:
        return {prefix: len(records) for prefix, records in _journals.items()}


def _journal_for(access_key_id: str | None) -> list[dict[str, Any]] | None:
    if access_key_id is None:
        return None
    with _lock:
        for prefix, records in _journals.items():
            if access_key_id.startswith(prefix):
                return records
    return None


class RequestJournal:
    """WSGI middleware that records the calls of journaled callers, with their outcome."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not _journals:
            return self.app(environ, start_response)
        call = faults.identify(environ)
        records = _journal_for(call.access_key_id)
        if records is None or call.operation is None:
            return self.app(environ, start_response)
        parameters: Any = None
        if call.json_protocol:
            try:
                parameters = json.loads(faults.buffer_body(environ) or b"null")
            except ValueError:
                parameters = None
        outcome: dict[str, Any] = {}

        def recording_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            outcome["status"] = int(status.split(" ", 1)[0])
            outcome["errorCode"] = next((v for k, v in headers if k.lower() == "x-amzn-errortype"), None)
            return start_response(status, headers, exc_info)

        try:
            return list(self.app(environ, recording_start_response))
        except ConnectionResetError:
            outcome["errorCode"] = "ConnectionReset"
            raise
        finally:
            now = time.time()
            record: dict[str, Any] = {
                "eventTime": datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "eventSource": f"{call.service}.amazonaws.com",
                "eventName": call.operation,
                "userIdentity": {"accessKeyId": call.access_key_id},
                "requestParameters": parameters,
            }
            status = outcome.get("status")
            if outcome.get("errorCode") or (status is not None and status >= 400):
                record["errorCode"] = (outcome.get("errorCode") or str(status)).split(":", 1)[0]
            with _lock:
                records.append(record)
