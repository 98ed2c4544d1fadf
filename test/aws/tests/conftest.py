"""Fixtures: one patched emulator (manual clock) and one plain moto for the whole session.

The emulator checks every request against AWS's service models and, for this suite, every answer
too (--check-responses); a test fails when either broke the model in a way the test did not
declare (Server.expect_violation), so a member moto invents or drops is caught where it happens.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support import AWS_DIR, Aws, Server

# Answers of moto 5.2.5 that break the output shape and that no patch changes (see README.md,
# "What the emulator still does not do"): (operation, member path) as the violation names it.
KNOWN_RESPONSE_GAPS: set[tuple[str, str]] = set()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Server]:
    server = Server(AWS_DIR / "emulator.py", "--clock", "manual", "--check-responses")
    yield server
    assert server.close() == 0


@pytest.fixture(autouse=True)
def no_unexpected_model_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails a test after which the emulator holds a model violation nobody declared."""
    if "emulator" not in request.fixturenames and "aws" not in request.fixturenames:
        yield
        return
    server: Server = request.getfixturevalue("emulator")
    server.ok("/model-violations/clear")
    yield
    found = server.violations()
    unexpected = [
        v
        for v in found["violations"]
        if not v["expected"] and (v["operation"], v["member"]) not in KNOWN_RESPONSE_GAPS
    ]
    assert not unexpected, "model violations nobody declared:\n" + "\n".join(
        f"  {v['direction']} {v['operation']} {v['member']}: {v['constraint']}" for v in unexpected
    )
    assert not found["expectations"], f"declared violations that never happened: {found['expectations']}"


@pytest.fixture
def aws(emulator: Server) -> Aws:
    emulator.ok("/reset")
    return Aws(emulator)


@pytest.fixture(scope="session")
def plain_moto() -> Iterator[Aws]:
    server = Server(AWS_DIR / "tests" / "plain_moto.py")
    yield Aws(server)
    server.close()
