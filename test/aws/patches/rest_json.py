"""Which operation a REST-JSON request is, from its method and path, as the service model routes it.

A REST-JSON service (EventBridge Scheduler) names the operation by the HTTP method and the request
URI template of botocore's service model (`POST /schedules/{Name}`: CreateSchedule): labels are
one path segment, `{Label+}` takes the rest of the path. The fault injector and the model check
use this to name a call's operation.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import unquote

import botocore.session
from botocore.model import OperationModel, ServiceModel

# Signing name -> botocore model name of the REST-JSON services the emulator identifies.
REST_JSON_SERVICES = {"scheduler": "scheduler"}

_LABEL = re.compile(r"\{([^}+]+)(\+?)\}")


@cache
def _model(name: str) -> ServiceModel:
    session = botocore.session.get_session()
    return ServiceModel(session.get_component("data_loader").load_service_model(name, "service-2"), name)


def _template(uri: str) -> re.Pattern[str]:
    path = uri.split("?", 1)[0]
    pattern, last = "", 0
    for label in _LABEL.finditer(path):
        pattern += re.escape(path[last : label.start()])
        pattern += f"(?P<{label.group(1)}>{'.+' if label.group(2) else '[^/]+'})"
        last = label.end()
    return re.compile(pattern + re.escape(path[last:]) + "/?")


@cache
def _routes(model_name: str) -> list[tuple[str, re.Pattern[str], str]]:
    model = _model(model_name)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        routes.append((http["method"], _template(http["requestUri"]), name))
    # Literal paths before templated ones (/schedule-groups before /schedules/{Name}).
    routes.sort(key=lambda r: r[1].pattern.count("(?P<"))
    return routes


def route(signing_name: str | None, environ: dict[str, Any]) -> tuple[OperationModel, dict[str, str]] | None:
    """The operation and the path's labels, or None when the service or the path is not routed."""
    model_name = REST_JSON_SERVICES.get(signing_name or "")
    if model_name is None:
        return None
    method = environ.get("REQUEST_METHOD", "")
    # The path as sent: a label holding an ARN is percent-encoded there ("/" as %2F), not in PATH_INFO.
    path = (environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")).split("?", 1)[0]
    for verb, template, name in _routes(model_name):
        match = template.fullmatch(path) if verb == method else None
        if match is not None:
            labels = {k: unquote(v) for k, v in match.groupdict().items()}
            return _model(model_name).operation_model(name), labels
    return None


def request_params(operation: OperationModel, labels: dict[str, str], query: dict[str, list[str]], body: Any) -> dict[str, Any]:
    """The operation's input as one structure: path labels, query string members and the JSON body,
    each value typed as its member's shape says (strings on the wire become numbers and lists)."""
    params: dict[str, Any] = dict(body) if isinstance(body, dict) else {}
    shape = operation.input_shape
    if shape is None:
        return params
    for member, member_shape in shape.members.items():
        location = member_shape.serialization.get("location")
        wire_name = member_shape.serialization.get("name", member)
        if location == "uri" and wire_name in labels:
            params[member] = labels[wire_name]
        elif location == "querystring" and wire_name in query:
            values = query[wire_name]
            params[member] = values if member_shape.type_name == "list" else _typed(member_shape.type_name, values[0])
    return params


def _typed(type_name: str, value: str) -> Any:
    if type_name in ("integer", "long"):
        try:
            return int(value)
        except ValueError:
            return value  # reported as a wrong type
    if type_name == "boolean":
        return {"true": True, "false": False}.get(value, value)
    return value
