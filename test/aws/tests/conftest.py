"""Fixtures: one patched emulator (manual clock) and one plain moto for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support import AWS_DIR, Aws, Server


@pytest.fixture(scope="session")
def emulator() -> Iterator[Server]:
    server = Server(AWS_DIR / "emulator.py", "--clock", "manual")
    yield server
    assert server.close() == 0


@pytest.fixture
def aws(emulator: Server) -> Aws:
    emulator.ok("/reset")
    return Aws(emulator)


@pytest.fixture(scope="session")
def plain_moto() -> Iterator[Aws]:
    server = Server(AWS_DIR / "tests" / "plain_moto.py")
    yield Aws(server)
    server.close()
