"""The emulator's control endpoint for tests, under /moto-api/ecs-operator/ (see README.md).

It is the only way to make things fail or time pass: nothing in a request to an AWS API does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from moto.core.exceptions import ServiceException, _RESTError
from moto.moto_api._internal.models import moto_api_backend
from werkzeug.wrappers import Request, Response

from . import (
    circuit_breaker,
    event_delivery,
    faults,
    lifecycle_hooks,
    model_validation,
    native_strategies,
    pending_tasks,
    request_journal,
    run_task_idempotency,
    schedule_firing,
    task_outcomes,
    throttle,
)
from .clock import Clock
from .ecs_model import LOCK

PREFIX = "/moto-api/ecs-operator"

class BadRequest(Exception):
    pass


class ControlApi:
    """WSGI middleware: answers the control endpoint and passes everything else on, one request
    at a time (see ecs_model.LOCK)."""

    def __init__(self, app: faults.WsgiApp, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with LOCK:
            path = environ.get("PATH_INFO", "")
            if path.startswith(PREFIX + "/"):
                return self.control(Request(environ))(environ, start_response)
            if path == "/moto-api/reset":
                self.reset_emulator()
            # moto's response iterables are consumed here so the lock covers the whole call.
            return list(self.app(environ, start_response))

    def control(self, request: Request) -> Response:
        route = (request.method, request.path[len(PREFIX) :])
        try:
            body = json.loads(request.get_data() or b"{}")
            if not isinstance(body, dict):
                raise BadRequest("the body must be a JSON object")
            result = self.dispatch(route, body)
        except (BadRequest, ValueError, KeyError, TypeError) as exc:
            return _json({"error": f"{type(exc).__name__}: {exc}"}, 400)
        except _RESTError as exc:  # a schedule or bus that does not exist
            return _json({"error": f"{exc.error_type}: {exc.message}"}, 400)
        except ServiceException as exc:
            return _json({"error": f"{exc.code}: {exc.message}"}, 400)
        if result is None:
            return _json({"error": f"no control route {route[0]} {route[1]}"}, 404)
        return _json(result, 200)

    def dispatch(self, route: tuple[str, str], body: dict[str, Any]) -> dict[str, Any] | None:
        match route:
            case ("GET", "/state"):
                return self.state()
            case ("POST", "/clock/advance"):
                steps = int(body.get("steps", 1))
                if not 1 <= steps <= 1000:
                    raise BadRequest("steps must be between 1 and 1000")
                self.clock.advance(steps)
                return self.clock.state()
            case ("POST", "/task-failures"):
                circuit_breaker.fail_tasks_of(
                    body["taskDefinition"], body.get("stoppedReason") or circuit_breaker.DEFAULT_STOPPED_REASON
                )
                return self.state()
            case ("POST", "/task-failures/clear"):
                circuit_breaker.clear(body.get("taskDefinition"))
                return self.state()
            case ("POST", "/pending-tasks"):
                pending_tasks.hold_tasks_of(body["taskDefinition"])
                return self.state()
            case ("POST", "/pending-tasks/clear"):
                pending_tasks.clear(body.get("taskDefinition"))
                return self.state()
            case ("POST", "/lifecycle-hooks"):
                lifecycle_hooks.set_outcome(body)
                return self.state()
            case ("POST", "/lifecycle-hooks/clear"):
                lifecycle_hooks.clear(body.get("service"))
                return self.state()
            case ("POST", "/deployment-clock"):
                native_strategies.set_ticks_per_minute(int(body["ticksPerMinute"]))
                return self.state()
            case ("POST", "/task-outcomes"):
                added = task_outcomes.add(body)
                return {**self.state(), "added": added}
            case ("POST", "/task-outcomes/clear"):
                task_outcomes.clear(None if body.get("id") is None else int(body["id"]))
                return self.state()
            case ("POST", "/schedules/fire"):
                return schedule_firing.fire(body)
            case ("POST", "/events/deliver"):
                return event_delivery.deliver(body)
            case ("POST", "/faults"):
                added = faults.add(faults.from_request(body))
                return {**self.state(), "added": added}
            case ("POST", "/faults/clear"):
                faults.clear(None if body.get("id") is None else int(body["id"]))
                return self.state()
            case ("POST", "/throttle"):
                throttle.throttle.set_mode(str(body["mode"]))
                return self.state()
            case ("POST", "/journal"):
                return {"journals": request_journal.start(body)}
            case ("POST", "/journal/read"):
                return request_journal.read(body)
            case ("POST", "/journal/clear"):
                request_journal.clear(body.get("accessKeyIdPrefix"))
                return {"journals": request_journal.state()}
            case ("GET", "/model-violations"):
                return model_validation.state()
            case ("POST", "/model-violations/expect"):
                added = model_validation.expect(body)
                return {**model_validation.state(), "added": added}
            case ("POST", "/model-violations/clear"):
                model_validation.clear()
                return model_validation.state()
            case ("POST", "/reset"):
                moto_api_backend.reset()
                self.reset_emulator()
                return self.state()
        return None

    def state(self) -> dict[str, Any]:
        return {
            "clock": self.clock.state(),
            "taskFailures": circuit_breaker.failing(),
            "pendingTasks": pending_tasks.held(),
            "lifecycleHooks": lifecycle_hooks.state(),
            "ticksPerMinute": native_strategies.ticks_per_minute,
            "taskOutcomes": task_outcomes.rules(),
            "faults": faults.pending(),
            "throttle": throttle.throttle.state(),
            "modelViolations": model_validation.state(),
        }

    def reset_emulator(self) -> None:
        circuit_breaker.clear()
        pending_tasks.clear()
        lifecycle_hooks.clear()
        native_strategies.reset()
        task_outcomes.clear()
        run_task_idempotency.clear()
        faults.clear()
        throttle.throttle.reset()
        request_journal.clear()
        self.clock.reset()


def _json(payload: dict[str, Any], status: int) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")
