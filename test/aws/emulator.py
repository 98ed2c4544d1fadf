"""Serves moto, with this project's patches, on a free loopback port: the AWS test emulator.

    python emulator.py [--host 127.0.0.1] [--port 0] [--clock manual|realtime] [--tick-ms N]

Prints one JSON line, {"endpoint": "http://127.0.0.1:PORT"}, once it accepts requests. Exits on
SIGTERM or SIGINT, and when its standard input closes, so that a parent that dies never leaves it
behind (pass --ignore-stdin to run it detached).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from patches import apply_all, control_api, faults
from patches.clock import Clock

# A realtime tick of 750 ms makes a new service reach steady state in about 1.5 s and a rolling
# update complete in 2.5 to 3 s (three steps): fast for end-to-end tests, slow enough for an
# operator polling every second or so to see each state go by.
DEFAULT_TICK_MS = 750


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--clock", choices=("manual", "realtime"), default="realtime")
    parser.add_argument("--tick-ms", type=int, default=DEFAULT_TICK_MS, help="realtime clock period")
    parser.add_argument("--ignore-stdin", action="store_true", help="do not exit when stdin closes")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser.parse_args(argv)


def wait_for_eof(done: threading.Event) -> None:
    # os.read, not sys.stdin: a thread blocked in the buffered reader holds its lock, and the
    # interpreter aborts at exit when it finds that lock taken.
    while os.read(0, 65536):
        pass
    done.set()


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.tick_ms < 1:
        raise SystemExit("--tick-ms must be positive")
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.ERROR)
    apply_all()

    clock = Clock(args.clock, args.tick_ms)
    app = control_api.ControlApi(faults.FaultInjector(DomainDispatcherApplication(create_backend_app)), clock)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    serving = threading.Thread(target=server.serve_forever, name="emulator-http", daemon=True)
    serving.start()
    clock.start()

    done = threading.Event()

    def stop(*_: Any) -> None:
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not args.ignore_stdin:
        threading.Thread(target=wait_for_eof, args=(done,), name="stdin-watch", daemon=True).start()

    print(json.dumps({"endpoint": f"http://{args.host}:{server.server_port}"}), flush=True)
    done.wait()
    clock.stop()
    server.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
