"""Calls that end in a limit or a refusal, and calls made while others run.

Each test writes a tools file that serves grep next to the misbehaving guest, under a policy with tight limits, so
the server's state after a failed call can be checked with a call that must succeed.
"""

from __future__ import annotations

import time

import anyio
import pytest

from cordon_serve import (
    failure_of,
    guest,
    standard_tools,
    stdio_session,
    success_of,
    time_limit,
    toml_string,
    write_policy,
    write_tools_file,
    write_workspace,
)

pytestmark = pytest.mark.anyio

# Fuel for the spinning guest: enough to start the component, and used up by the loop in well under a second.
TIGHT_FUEL = 50_000_000

# The timeout of the policy the refused request runs under. The shim refuses an unrouted request before any
# connection or name lookup, so the refusal has to arrive far sooner than this.
DENIED_POLICY_TIMEOUT_SECONDS = 60

# Seconds within which a refused request's outcome must arrive, including the server's start and handshake.
DENIED_RESPONSE_SECONDS = 10.0


def write_limits_tools_file(tmp_path):
    """Write a tools file serving search, measure and grep plus spin, sleep and http-get under tight policies."""
    write_workspace(tmp_path / "workspace")
    write_policy(tmp_path, "read-only", {"timeout": "20s"})
    write_policy(tmp_path, "tight-fuel", {"fuel": TIGHT_FUEL, "timeout": "20s"})
    write_policy(tmp_path, "short-timeout", {"timeout": "1s"})
    write_policy(tmp_path, "no-routes", {"timeout": f"{DENIED_POLICY_TIMEOUT_SECONDS}s"})
    return write_tools_file(
        tmp_path,
        standard_tools()
        + f"""
[[tool]]
name = "spin"
description = "Loop forever"
component = {toml_string(guest("spin"))}
policy = "policies/tight-fuel.toml"
args = []

[[tool]]
name = "sleep"
description = "Sleep for a number of milliseconds"
component = {toml_string(guest("sleep"))}
policy = "policies/short-timeout.toml"
args = ["{{millis}}"]

[tool.params.millis]
type = "integer"
description = "Milliseconds to sleep"

[[tool]]
name = "http-get"
description = "Send GET requests to a URL"
component = {toml_string(guest("http-get"))}
policy = "policies/no-routes.toml"
args = ["{{count}}", "{{url}}"]

[tool.params.count]
type = "integer"
description = "Number of requests"

[tool.params.url]
type = "string"
description = "URL to request"
""",
    )


async def test_spin_exhausts_fuel(cordon_bin, tmp_path):
    tools_file = write_limits_tools_file(tmp_path)
    with time_limit():
        async with stdio_session(cordon_bin, tools_file) as session:
            result = await session.call_tool("spin", {})
    outcome = failure_of(result)

    assert outcome["outcome"] == "fuel-exhausted"
    assert outcome["message"]


async def test_server_answers_after_fuel_exhaustion(cordon_bin, tmp_path):
    tools_file = write_limits_tools_file(tmp_path)
    with time_limit():
        async with stdio_session(cordon_bin, tools_file) as session:
            spun = await session.call_tool("spin", {})
            after = await session.call_tool("grep", {"pattern": "gamma", "path": "notes.txt"})

    assert failure_of(spun)["outcome"] == "fuel-exhausted"
    assert success_of(after) == "2:gamma alpha\n"


async def test_sleep_past_timeout_times_out(cordon_bin, tmp_path):
    tools_file = write_limits_tools_file(tmp_path)
    with time_limit():
        async with stdio_session(cordon_bin, tools_file) as session:
            result = await session.call_tool("sleep", {"millis": 30_000})
    outcome = failure_of(result)

    assert outcome["outcome"] == "timeout"


async def test_unrouted_request_is_denied(cordon_bin, tmp_path):
    tools_file = write_limits_tools_file(tmp_path)
    with time_limit():
        async with stdio_session(cordon_bin, tools_file) as session:
            result = await session.call_tool("http-get", {"count": 1, "url": "http://example.invalid/"})
    outcome = failure_of(result)

    # The audit trail may spell the authority as the guest wrote it or in its normalised form with the port.
    assert outcome["outcome"] == "denied"
    assert len(outcome["requests"]) == 1
    assert outcome["requests"][0]["authority"] in ("example.invalid", "example.invalid:80")
    assert outcome["requests"][0]["rule"]
    assert outcome["requests"][0]["reason"]


async def test_denied_request_returns_quickly(cordon_bin, tmp_path):
    tools_file = write_limits_tools_file(tmp_path)
    with time_limit():
        async with stdio_session(cordon_bin, tools_file) as session:
            started = time.monotonic()
            result = await session.call_tool("http-get", {"count": 1, "url": "http://example.invalid/"})
            elapsed = time.monotonic() - started

    assert failure_of(result)["outcome"] == "denied"
    assert elapsed < DENIED_RESPONSE_SECONDS, f"the refusal took {elapsed:.1f}s"


async def test_concurrent_calls_all_succeed(cordon_bin, tools_file):
    calls = [
        ("search", {"query": {"pattern": "alpha", "path": "notes.txt", "mode": "whole-word"}}),
        ("grep", {"pattern": "gamma", "path": "notes.txt"}),
        ("measure", {"source": {"file": "notes.txt"}, "measures": ["lines"]}),
    ] * 3
    results: list = [None] * len(calls)

    async def make_call(session, index: int) -> None:
        name, arguments = calls[index]
        results[index] = await session.call_tool(name, arguments)

    with time_limit():
        async with stdio_session(cordon_bin, tools_file) as session:
            async with anyio.create_task_group() as group:
                for index in range(len(calls)):
                    group.start_soon(make_call, session, index)

    for (name, _), result in zip(calls, results):
        assert not result.is_error, f"{name} failed: {result.content!r}"
    assert [len(result.structured_content["hits"]) for result in results[0::3]] == [2, 2, 2]
    assert [success_of(result) for result in results[1::3]] == ["2:gamma alpha\n"] * 3
    assert [result.structured_content["lines"] for result in results[2::3]] == [3, 3, 3]
