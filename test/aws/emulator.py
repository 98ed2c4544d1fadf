"""Serves moto, with this project's patches, on a free loopback port: the AWS test emulator.

    python emulator.py [--host 127.0.0.1] [--port 0] [--clock manual|realtime] [--tick-ms N] [--throttle off|aws]
                       [--check-responses]

Prints one JSON line, {"endpoint": "http://127.0.0.1:PORT"}, once it accepts requests. Exits on
SIGTERM or SIGINT, and when its standard input closes, so that a parent that dies never leaves it
behind (pass --ignore-stdin to run it detached). It exits with status 0 and writes nothing on the
way out.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import select
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from patches import apply_all, cloudtrail_events, control_api, faults, model_validation, request_journal, throttle
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
    parser.add_argument(
        "--throttle",
        choices=throttle.MODES,
        default="off",
        help="aws: throttle requests with the token buckets AWS publishes (README.md, Throttling)",
    )
    parser.add_argument("--ignore-stdin", action="store_true", help="do not exit when stdin closes")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument(
        "--check-responses",
        action="store_true",
        help="also check every answer against the operation's output shape (the emulator's own tests)",
    )
    return parser.parse_args(argv)


def catch_stop_signals() -> int:
    """From now on SIGTERM and SIGINT only make the returned file descriptor readable.

    The main thread then waits for it in select() (wait_for_stop), so the Python-level handlers do
    nothing: setting a threading.Event from a handler can deadlock on the lock that the interrupted
    Event.wait() holds.
    """
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)
    return wake_read


def wait_for_stop(wake_read: int, watch_stdin: bool) -> None:
    """Returns once a stop signal came (see catch_stop_signals) or, when watch_stdin, stdin ended.

    stdin is read here, by the main thread, with os.read: a thread left blocked in sys.stdin's
    buffered reader makes the interpreter abort at exit ("Fatal Python error: _enter_buffered_busy").
    """
    watched = [wake_read, 0] if watch_stdin else [wake_read]
    while True:
        ready, _, _ = select.select(watched, [], [])
        if wake_read in ready or (0 in ready and not os.read(0, 65536)):
            return


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.tick_ms < 1:
        raise SystemExit("--tick-ms must be positive")
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.ERROR)
    apply_all()
    wake_read = catch_stop_signals()

    clock = Clock(args.clock, args.tick_ms)
    model_validation.check_responses = args.check_responses
    throttle.throttle.set_mode(args.throttle)
    moto_app = DomainDispatcherApplication(create_backend_app)
    # The journal sees every call as it came (a throttled one too, with its error); throttling comes
    # before the fault rules (a throttled call is not carried out), and CloudTrail records each
    # changing call that succeeds.
    recorded = cloudtrail_events.ApiCallRecorder(model_validation.ModelValidator(moto_app))
    app = control_api.ControlApi(request_journal.RequestJournal(throttle.Throttler(faults.FaultInjector(recorded))), clock)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    # A short poll interval: shutdown() waits up to one interval for the serving loop to notice.
    serving = threading.Thread(target=server.serve_forever, args=(0.05,), name="emulator-http", daemon=True)
    serving.start()
    clock.start()

    print(json.dumps({"endpoint": f"http://{args.host}:{server.server_port}"}), flush=True)
    wait_for_stop(wake_read, watch_stdin=not args.ignore_stdin)
    clock.stop()
    server.shutdown()
    server.server_close()
    sys.stdout.flush()
    sys.stderr.flush()
    # Request threads may still be finishing; os._exit ends them with the process instead of
    # letting interpreter shutdown run beside them.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
