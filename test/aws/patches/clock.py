"""The emulator's clock: each tick is one scheduling step for every ECS service.

Standalone tasks (RunTask) move on the same ticks (task_lifecycle).

`manual` ticks only when a test advances it through the control endpoint, so a test sees every
intermediate state in order. `realtime` also ticks on a timer, every tick_ms milliseconds, for
end-to-end tests that run the operator as a user would.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

from . import service_scheduler, task_lifecycle
from .ecs_model import LOCK

Mode = Literal["manual", "realtime"]


class Clock:
    def __init__(self, mode: Mode, tick_ms: int) -> None:
        self.mode = mode
        self.tick_ms = tick_ms
        self.ticks = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def advance(self, steps: int = 1) -> int:
        with LOCK:
            for _ in range(steps):
                service_scheduler.tick_all()
                task_lifecycle.tick_all()
                self.ticks += 1
            return self.ticks

    def state(self) -> dict[str, Any]:
        return {"mode": self.mode, "tickMs": self.tick_ms, "ticks": self.ticks}

    def reset(self) -> None:
        with LOCK:
            self.ticks = 0

    def start(self) -> None:
        if self.mode == "realtime":
            self._thread = threading.Thread(target=self._run, name="emulator-clock", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.tick_ms / 1000):
            self.advance()
