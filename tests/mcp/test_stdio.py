"""The stdio transport itself: what stdout carries, protocol errors, and which workspace the server mounts."""

from __future__ import annotations

import json
import queue
import subprocess
import threading

import pytest
from mcp import MCPError

from cordon_serve import (
    REQUEST_TIMEOUT,
    standard_tools,
    stdio_session,
    time_limit,
    write_policy,
    write_tools_file,
    write_workspace,
)

# Seconds the server may take to exit after its stdin closes.
EXIT_TIMEOUT = 10.0


def read_lines(stream, lines: queue.Queue) -> None:
    """Put each line of `stream` into `lines`, then None at the end of the stream."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def send(process: subprocess.Popen[bytes], message: dict) -> None:
    """Write one JSON-RPC message to the server's stdin as a line."""
    process.stdin.write(json.dumps(message).encode() + b"\n")
    process.stdin.flush()


def wait_for_response(lines: queue.Queue, received: list[bytes], request_id: int) -> None:
    """Collect stdout lines into `received` until the response to `request_id` arrives."""
    while True:
        try:
            line = lines.get(timeout=REQUEST_TIMEOUT)
        except queue.Empty:
            pytest.fail(f"no response to request {request_id} within {REQUEST_TIMEOUT}s; stdout so far: {received!r}")
        if line is None:
            pytest.fail(f"stdout ended before the response to request {request_id}; stdout so far: {received!r}")
        received.append(line)
        try:
            if json.loads(line).get("id") == request_id:
                return
        except (ValueError, AttributeError):
            # A line that is not a JSON object fails the test's own check of every line.
            pass


def start_raw_server(cordon_bin, tools_file, processes) -> tuple[subprocess.Popen[bytes], queue.Queue]:
    """Start `cordon serve` over stdio with pipes of its own, returning the process and a queue of its stdout lines."""
    with open(tools_file.parent / "serve-stderr.log", "wb") as stderr:
        process = subprocess.Popen(
            [str(cordon_bin), "serve", "--tools", str(tools_file)],
            cwd=tools_file.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    processes.append(process)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True).start()
    return process, lines


def initialize(process: subprocess.Popen[bytes], lines: queue.Queue, received: list[bytes]) -> None:
    """Send an initialize request with id 1 and wait for its response."""
    send(
        process,
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "cordon-mcp-tests", "version": "0"},
            },
        },
    )
    wait_for_response(lines, received, 1)


def test_stdout_carries_only_jsonrpc(cordon_bin, tools_file, processes):
    process, lines = start_raw_server(cordon_bin, tools_file, processes)
    received: list[bytes] = []

    # A handshake and a tool call, which makes the server log the call, then the end of its input.
    initialize(process, lines, received)
    send(process, {"jsonrpc": "2.0", "method": "notifications/initialized"})
    send(
        process,
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {"name": "grep", "arguments": {"pattern": "alpha", "path": "notes.txt"}},
        },
    )
    wait_for_response(lines, received, 2)
    process.stdin.close()
    try:
        process.wait(timeout=EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.terminate()
    while (line := lines.get(timeout=EXIT_TIMEOUT)) is not None:
        received.append(line)

    messages = [json.loads(line) for line in received]
    assert all(line.endswith(b"\n") for line in received)
    assert [message.get("jsonrpc") for message in messages] == ["2.0"] * len(messages)
    assert [message["id"] for message in messages if "id" in message] == [1, 2]
    assert "result" in messages[0]


def test_server_exits_when_stdin_closes(cordon_bin, tools_file, processes):
    process, lines = start_raw_server(cordon_bin, tools_file, processes)
    initialize(process, lines, [])
    process.stdin.close()

    try:
        status = process.wait(timeout=EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"cordon serve was still running {EXIT_TIMEOUT}s after its stdin closed")
    assert status == 0


@pytest.mark.anyio
async def test_unknown_tool_raises_mcp_error(cordon_bin, tools_file):
    error = None
    with time_limit():
        async with stdio_session(cordon_bin, tools_file) as session:
            try:
                await session.call_tool("no-such-tool", {})
            except MCPError as raised:
                error = raised

    assert error is not None, "calling an unknown tool returned a result instead of a JSON-RPC error"
    assert "no-such-tool" in error.message


@pytest.mark.anyio
async def test_workspace_flag_overrides_tools_file(cordon_bin, tmp_path):
    write_workspace(tmp_path / "workspace", {"only-in-default.txt": "marker\n"})
    write_workspace(tmp_path / "other", {"only-in-other.txt": "marker\n"})
    write_policy(tmp_path, "read-only")
    tools_file = write_tools_file(tmp_path, standard_tools())
    query = {"pattern": "marker", "mode": "literal"}
    with time_limit():
        async with stdio_session(cordon_bin, tools_file, "--workspace", str(tmp_path / "other")) as session:
            result = await session.call_tool("search", {"query": query})

    assert not result.is_error
    assert [hit["path"] for hit in result.structured_content["hits"]] == ["only-in-other.txt"]


@pytest.mark.anyio
async def test_default_workspace_is_tools_directory(cordon_bin, tmp_path):
    tools_dir = tmp_path / "config"
    write_workspace(tools_dir, {"beside-tools.txt": "marker\n"})
    write_policy(tools_dir, "read-only")
    tools_file = write_tools_file(tools_dir, standard_tools(), workspace=None)
    query = {"pattern": "marker", "path": "beside-tools.txt", "mode": "literal"}
    with time_limit():
        async with stdio_session(cordon_bin, tools_file) as session:
            result = await session.call_tool("search", {"query": query})

    assert not result.is_error
    assert result.structured_content["hits"][0]["path"] == "beside-tools.txt"
