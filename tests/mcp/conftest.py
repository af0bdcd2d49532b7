"""Fixtures of the MCP end-to-end tests. The helpers they call are in cordon_serve.py."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cordon_serve import (
    cordon_binary,
    standard_tools,
    stop_process,
    write_policy,
    write_tools_file,
    write_workspace,
)


@pytest.fixture
def anyio_backend() -> str:
    """Run the async tests on asyncio rather than on every backend anyio supports."""
    return "asyncio"


@pytest.fixture(scope="session")
def cordon_bin() -> Path:
    """Return the `cordon` binary, failing every test that needs it when it is missing."""
    path = cordon_binary()
    if not path.is_file():
        pytest.fail(f"cordon binary {path} not found; build it with `cargo build -p cordon-cli` or set CORDON_BIN")
    return path


@pytest.fixture
def tools_file(tmp_path: Path) -> Path:
    """Write the standard workspace, a read-only policy and a tools file serving search, measure and grep."""
    write_workspace(tmp_path / "workspace")
    write_policy(tmp_path, "read-only", {"fuel": 2_000_000_000, "timeout": "20s"})
    return write_tools_file(tmp_path, standard_tools())


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Collect the server processes a test starts itself, and end each one after the test, passed or failed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        stop_process(process)
