"""`cordon serve --http`: the streamable HTTP transport on a loopback port the server picks itself."""

from __future__ import annotations

import logging
import subprocess

import pytest

from cordon_serve import http_session, start_http_server, success_of, time_limit

pytestmark = pytest.mark.anyio


async def test_http_lists_tools(cordon_bin, tools_file, processes):
    url = start_http_server(cordon_bin, tools_file, processes)
    with time_limit():
        async with http_session(url) as session:
            listing = await session.list_tools()

    assert sorted(tool.name for tool in listing.tools) == ["grep", "measure", "search"]


async def test_http_calls_typed_tool(cordon_bin, tools_file, processes):
    url = start_http_server(cordon_bin, tools_file, processes)
    query = {"pattern": "gamma", "path": "notes.txt", "mode": "literal"}
    with time_limit():
        async with http_session(url) as session:
            result = await session.call_tool("search", {"query": query})

    assert not result.is_error
    assert result.structured_content["hits"] == [{"path": "notes.txt", "line": 2, "column": 1, "text": "gamma alpha"}]


async def test_http_calls_command_tool(cordon_bin, tools_file, processes):
    url = start_http_server(cordon_bin, tools_file, processes)
    with time_limit():
        async with http_session(url) as session:
            result = await session.call_tool("grep", {"pattern": "beta", "path": "notes.txt"})

    assert success_of(result) == "1:alpha beta\n"


async def test_http_serves_two_sessions(cordon_bin, tools_file, processes):
    url = start_http_server(cordon_bin, tools_file, processes)
    with time_limit():
        async with http_session(url) as first, http_session(url) as second:
            first_result = await first.call_tool("grep", {"pattern": "beta", "path": "notes.txt"})
            second_result = await second.call_tool("grep", {"pattern": "soup", "path": "notes.txt"})

    assert success_of(first_result) == "1:alpha beta\n"
    assert success_of(second_result) == "3:Alphabet soup\n"


async def test_http_session_ends_cleanly(cordon_bin, tools_file, processes, caplog):
    url = start_http_server(cordon_bin, tools_file, processes)
    with caplog.at_level(logging.WARNING), time_limit():
        async with http_session(url) as session:
            await session.list_tools()

    assert not [record.getMessage() for record in caplog.records if "termination" in record.getMessage()]


def test_http_rejects_wildcard_address(cordon_bin, tools_file, processes):
    # The server must reject a non-loopback address before it binds, so it exits at once with a failure status.
    process = subprocess.Popen(
        [str(cordon_bin), "serve", "--tools", str(tools_file), "--http", "0.0.0.0:0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    processes.append(process)
    try:
        _, stderr = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("cordon serve --http 0.0.0.0:0 was still running after 10s instead of rejecting the address")

    assert process.returncode != 0
    assert b"0.0.0.0" in stderr
