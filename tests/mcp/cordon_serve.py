"""Helpers for the MCP end-to-end tests of `cordon serve`: paths, file writers, server start-up and result checks.

Every test writes its own workspace, policies and tools file into pytest's `tmp_path` and starts its own server, so
the tests share nothing but the `cordon` binary and the guest components. The client is the official MCP SDK
(PyPI `mcp`, pinned by scripts/setup-mcp-client.sh).

The binary is `$CORDON_BIN`, or else `target/debug/cordon` under `$CARGO_TARGET_DIR` or the repository. The guest
components come from `guest-tools/target/wasm32-wasip2/release`, which scripts/build-guests.sh fills.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

REPO_ROOT = Path(__file__).resolve().parents[2]
GUEST_DIR = REPO_ROOT / "guest-tools" / "target" / "wasm32-wasip2" / "release"

# Seconds the client waits for one response. Generous, because the first load of a component compiles it, and only
# later loads read it from Cordon's on-disk cache.
REQUEST_TIMEOUT = 120.0

# Seconds a whole test may run before it fails, so that a server that stops responding ends the test instead of
# hanging the suite.
TEST_TIMEOUT = 300.0

# Seconds `cordon serve --http` may take to log the address it listens on.
LISTEN_TIMEOUT = 120.0

# The workspace every standard tools file serves, relative to the workspace root.
WORKSPACE_FILES = {
    "notes.txt": "alpha beta\ngamma alpha\nAlphabet soup\n",
    "src/lib.txt": "fn alpha_beta() {}\n",
    "unicode.txt": "héllo wörld\n",
}

READ_ONLY_POLICY = """\
cwd = "/workspace"

[[fs]]
host = "."
guest = "/workspace"
access = "read-only"

[env]
LANG = "C.UTF-8"
"""


def cordon_binary() -> Path:
    """Return the `cordon` binary the tests run, from `$CORDON_BIN` or the Cargo target directory."""
    explicit = os.environ.get("CORDON_BIN")
    if explicit:
        return Path(explicit).resolve()
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO_ROOT / "target")
    if not target.is_absolute():
        target = REPO_ROOT / target
    return target / "debug" / "cordon"


def guest(name: str) -> Path:
    """Return the path of the guest component `name`.wasm, failing the test when it has not been built."""
    path = GUEST_DIR / f"{name}.wasm"
    if not path.is_file():
        pytest.fail(f"guest component {path} not found; build it with scripts/build-guests.sh")
    return path


def toml_string(value: str | Path) -> str:
    """Return `value` as a TOML basic string. JSON string escapes are valid TOML escapes."""
    return json.dumps(str(value))


def write_policy(directory: Path, name: str, limits: dict[str, str | int] | None = None) -> Path:
    """Write a read-only workspace policy with the given `[limits]` entries and return its path.

    A string limit is written as a TOML string ("2s", "64 MiB") and an integer as a TOML integer.
    """
    text = READ_ONLY_POLICY
    if limits:
        lines = ["", "[limits]"]
        for key, value in limits.items():
            rendered = toml_string(value) if isinstance(value, str) else str(value)
            lines.append(f"{key} = {rendered}")
        text += "\n".join(lines) + "\n"
    path = directory / "policies" / f"{name}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def write_workspace(root: Path, files: dict[str, str] = WORKSPACE_FILES) -> Path:
    """Create the workspace directory `root` holding `files` (relative path to text) and return it."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    root.mkdir(parents=True, exist_ok=True)
    return root


def standard_tools(policy: str = "policies/read-only.toml") -> str:
    """Return the `[[tool]]` tables of the typed `search` and `measure` tools and the command tool `grep`.

    `policy` is the policy path written into each table, relative to the tools file.
    """
    return f"""
[[tool]]
name = "search"
description = "Search the workspace for a pattern"
component = {toml_string(guest("search"))}
policy = {toml_string(policy)}

[[tool]]
name = "measure"
description = "Count lines, words, bytes and characters"
component = {toml_string(guest("measure"))}
policy = {toml_string(policy)}

[[tool]]
name = "grep"
description = "Search files with a regular expression"
component = {toml_string(guest("grep"))}
policy = {toml_string(policy)}
args = ["-rn", "{{ignore-case}}", "{{pattern}}", "{{path}}"]

[tool.params.pattern]
type = "string"
description = "Regular expression"

[tool.params.path]
type = "string"
description = "File or directory"
default = "."

[tool.params.ignore-case]
type = "boolean"
description = "Ignore letter case"
flag = "-i"
default = false
"""


def write_tools_file(directory: Path, tools: str, workspace: str | None = "workspace") -> Path:
    """Write `tools.toml` into `directory` with the given `[[tool]]` tables and return its path.

    `workspace` becomes the file's top-level `workspace` key, relative to `directory`. None leaves the key out.
    """
    header = f"workspace = {toml_string(workspace)}\n" if workspace is not None else ""
    path = directory / "tools.toml"
    path.write_text(header + tools)
    return path


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """End `process`: SIGTERM first, then SIGKILL when it is still running five seconds later."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@asynccontextmanager
async def stdio_session(cordon_bin: Path, tools_file: Path, *extra_args: str) -> AsyncIterator[ClientSession]:
    """Start `cordon serve --tools TOOLS_FILE` over stdio and yield an initialized client session.

    The server's stderr goes to `serve-stderr.log` next to the tools file. On leaving, the SDK's stdio transport
    closes the server's stdin, then sends SIGTERM and SIGKILL to its process group if it has not exited.
    """
    parameters = StdioServerParameters(
        command=str(cordon_bin),
        args=["serve", "--tools", str(tools_file), *extra_args],
        cwd=str(tools_file.parent),
    )
    with open(tools_file.parent / "serve-stderr.log", "w") as errlog:
        async with stdio_client(parameters, errlog=errlog) as (read_stream, write_stream):
            async with ClientSession(read_stream, write_stream, read_timeout_seconds=REQUEST_TIMEOUT) as session:
                await session.initialize()
                yield session


def start_http_server(
    cordon_bin: Path, tools_file: Path, processes: list[subprocess.Popen[bytes]], *extra_args: str
) -> str:
    """Start `cordon serve --tools TOOLS_FILE --http 127.0.0.1:0` and return the URL it logs on stderr.

    The process joins `processes`, so the `processes` fixture ends it after the test.
    """
    stderr_path = tools_file.parent / "serve-stderr.log"
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            [str(cordon_bin), "serve", "--tools", str(tools_file), "--http", "127.0.0.1:0", *extra_args],
            cwd=tools_file.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    processes.append(process)

    url_pattern = re.compile(r"http://127\.0\.0\.1:(\d+)/mcp")
    deadline = time.monotonic() + LISTEN_TIMEOUT
    while time.monotonic() < deadline:
        logged = stderr_path.read_text(errors="replace")
        found = url_pattern.search(logged)
        if found and int(found.group(1)) != 0:
            return found.group(0)
        if process.poll() is not None:
            pytest.fail(f"cordon serve --http exited with status {process.returncode} before listening:\n{logged}")
        time.sleep(0.1)
    pytest.fail(f"cordon serve --http logged no http://127.0.0.1:PORT/mcp line within {LISTEN_TIMEOUT}s")


@asynccontextmanager
async def http_session(url: str) -> AsyncIterator[ClientSession]:
    """Connect to a streamable HTTP MCP endpoint on loopback and yield an initialized client session.

    The HTTP client ignores proxy variables from the environment, so requests go straight to the loopback address.
    """
    timeout = httpx2.Timeout(REQUEST_TIMEOUT)
    async with httpx2.AsyncClient(timeout=timeout, trust_env=False) as client:
        async with streamable_http_client(url, http_client=client) as (read_stream, write_stream):
            async with ClientSession(read_stream, write_stream, read_timeout_seconds=REQUEST_TIMEOUT) as session:
                await session.initialize()
                yield session


def text_of(result) -> str:
    """Return the text of a tool result that must consist of exactly one text block."""
    assert len(result.content) == 1, f"expected one content block, got {result.content!r}"
    block = result.content[0]
    assert block.type == "text", f"expected a text block, got {block!r}"
    return block.text


def failure_of(result) -> dict:
    """Return the JSON object of a failed tool result, asserting that it is marked as an error."""
    assert result.is_error, f"expected isError true, got a success: {result.content!r}"
    outcome = json.loads(text_of(result))
    assert isinstance(outcome, dict), f"expected a JSON object, got {outcome!r}"
    return outcome


def success_of(result) -> str:
    """Return the text of a successful tool result, asserting that it is not marked as an error."""
    assert not result.is_error, f"expected success, got an error: {result.content!r}"
    return text_of(result)


def time_limit():
    """Return a cancel scope that fails the test after TEST_TIMEOUT seconds."""
    return anyio.fail_after(TEST_TIMEOUT)


def without_null(schema: dict) -> dict:
    """Return the schema of an optional value without its null alternative.

    Handles the three usual spellings: `"type": [T, "null"]`, and `anyOf` or `oneOf` with a `{"type": "null"}` member.
    A schema without a null alternative is returned unchanged.
    """
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        remaining = [item for item in kind if item != "null"]
        return {**schema, "type": remaining[0] if len(remaining) == 1 else remaining}
    for keyword in ("anyOf", "oneOf"):
        alternatives = schema.get(keyword)
        if isinstance(alternatives, list):
            others = [item for item in alternatives if item.get("type") != "null"]
            if len(others) == 1 and len(others) < len(alternatives):
                return others[0]
    return schema
