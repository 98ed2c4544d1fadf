"""The control endpoint and the launcher themselves."""

from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor

from support import AWS_DIR, Aws, Server


def test_state_reports_the_clock_and_pending_controls(aws: Aws) -> None:
    aws.server.advance(3)
    aws.server.ok("/task-failures", {"taskDefinition": "web:7"})
    aws.server.ok("/faults", {"operation": "ListClusters", "count": 2})
    status, state = aws.server.control("/state", method="GET")
    assert status == 200
    assert (state["clock"]["mode"], state["clock"]["ticks"]) == ("manual", 3)
    assert state["taskFailures"] == {"web:7": "Essential container in task exited"}
    assert [(f["operation"], f["remaining"], f["code"]) for f in state["faults"]] == [
        ("ListClusters", 2, "ThrottlingException")
    ]

    state = aws.server.ok("/reset")
    assert (state["clock"]["ticks"], state["taskFailures"], state["faults"]) == (0, {}, [])


def test_reset_clears_aws_state(aws: Aws) -> None:
    aws.cluster()
    aws.server.ok("/reset")
    assert aws.ecs.list_clusters()["clusterArns"] == []


def test_bad_control_requests_are_rejected_with_a_reason(aws: Aws) -> None:
    assert aws.server.control("/clock/advance", {"steps": 0})[0] == 400
    assert aws.server.control("/task-failures", {"taskDefinition": "web"})[0] == 400  # needs a revision
    assert aws.server.control("/faults", {"operation": "X", "kind": "explode"})[0] == 400
    assert aws.server.control("/nope")[0] == 404


def test_realtime_clock_ticks_by_itself_and_launcher_exits_cleanly_when_stdin_closes() -> None:
    server = Server(AWS_DIR / "emulator.py", "--clock", "realtime", "--tick-ms", "20", capture_stderr=True)
    try:
        aws = Aws(server)
        cluster = aws.cluster()
        aws.task_definition("web")
        aws.fargate_service(cluster, "web", "web", desired=1)
        for _ in range(200):
            if aws.describe(cluster, "web")["deployments"][0]["rolloutState"] == "COMPLETED":
                break
            time.sleep(0.02)
        else:
            raise AssertionError("the realtime clock did not complete the rollout")
    finally:
        assert server.close() == 0
        assert server.process.stderr is not None
        assert server.process.stderr.read() == b""  # no "Fatal Python error" or traceback on the way out


def test_launcher_exits_cleanly_on_sigterm_and_sigint() -> None:
    signals = (signal.SIGTERM, signal.SIGINT)
    with ThreadPoolExecutor() as pool:  # both start at once: a launch takes a second or two
        launched = pool.map(
            lambda _: Server(AWS_DIR / "emulator.py", "--clock", "realtime", "--tick-ms", "5", capture_stderr=True),
            signals,
        )
        servers = dict(zip(signals, launched, strict=True))
    for signum, server in servers.items():
        Aws(server).cluster()  # a served request and a ticking clock, then the signal
        server.process.send_signal(signum)
    for signum, server in servers.items():
        assert server.process.wait(timeout=10) == 0, signum
        assert server.process.stderr is not None
        assert server.process.stderr.read() == b"", signum
        server.close()
