"""tools/call on command tools: wasi:cli/run components whose arguments the tools file builds from the parameters.

The standard tools file runs grep as `-rn {ignore-case} {pattern} {path}`; the tests for standard input and array
parameters write their own tools files around cat and wc.
"""

from __future__ import annotations

import pytest

from cordon_serve import (
    failure_of,
    guest,
    stdio_session,
    success_of,
    time_limit,
    toml_string,
    write_policy,
    write_tools_file,
    write_workspace,
)

pytestmark = pytest.mark.anyio


async def call(cordon_bin, tools_file, name: str, arguments: dict):
    """Start a server, make one tool call and return its result."""
    with time_limit():
        async with stdio_session(cordon_bin, tools_file) as session:
            return await session.call_tool(name, arguments)


async def test_grep_prints_matching_lines(cordon_bin, tools_file):
    result = await call(cordon_bin, tools_file, "grep", {"pattern": "alpha", "path": "notes.txt"})

    assert success_of(result) == "1:alpha beta\n2:gamma alpha\n"


async def test_grep_default_path_searches_workspace(cordon_bin, tools_file):
    # The default "." is passed as an operand, so grep prefixes each path with "./".
    result = await call(cordon_bin, tools_file, "grep", {"pattern": "alpha_beta"})

    assert success_of(result) == "./src/lib.txt:1:fn alpha_beta() {}\n"


async def test_boolean_flag_adds_option(cordon_bin, tools_file):
    arguments = {"pattern": "alphabet", "path": "notes.txt", "ignore-case": True}
    result = await call(cordon_bin, tools_file, "grep", arguments)

    assert success_of(result) == "3:Alphabet soup\n"


async def test_false_flag_adds_nothing(cordon_bin, tools_file):
    arguments = {"pattern": "alphabet", "path": "notes.txt", "ignore-case": False}
    outcome = failure_of(await call(cordon_bin, tools_file, "grep", arguments))

    assert outcome["outcome"] == "exit"
    assert outcome["exit_code"] == 1


async def test_no_match_is_exit_outcome(cordon_bin, tools_file):
    outcome = failure_of(await call(cordon_bin, tools_file, "grep", {"pattern": "zebra", "path": "notes.txt"}))

    assert outcome["outcome"] == "exit"
    assert outcome["exit_code"] == 1
    assert outcome["stdout"] == ""
    assert "stderr" in outcome
    assert outcome["message"]


async def test_missing_required_parameter_is_invalid(cordon_bin, tools_file):
    outcome = failure_of(await call(cordon_bin, tools_file, "grep", {"path": "notes.txt"}))

    assert outcome["outcome"] == "invalid-arguments"
    assert "pattern" in outcome["message"]


async def test_wrong_parameter_type_is_invalid(cordon_bin, tools_file):
    outcome = failure_of(await call(cordon_bin, tools_file, "grep", {"pattern": 42}))

    assert outcome["outcome"] == "invalid-arguments"
    assert "pattern" in outcome["message"]


async def test_stdin_parameter_feeds_tool(cordon_bin, tmp_path):
    write_workspace(tmp_path / "workspace")
    write_policy(tmp_path, "read-only")
    tools_file = write_tools_file(
        tmp_path,
        f"""
[[tool]]
name = "echo-stdin"
description = "Copy the text to standard output"
component = {toml_string(guest("cat"))}
policy = "policies/read-only.toml"
args = []
stdin = "text"

[tool.params.text]
type = "string"
description = "Text to copy"
""",
    )
    result = await call(cordon_bin, tools_file, "echo-stdin", {"text": "first line\nsecond line\n"})

    assert success_of(result) == "first line\nsecond line\n"


async def test_array_parameter_expands_arguments(cordon_bin, tmp_path):
    write_workspace(tmp_path / "workspace")
    write_policy(tmp_path, "read-only")
    tools_file = write_tools_file(
        tmp_path,
        f"""
[[tool]]
name = "count-lines"
description = "Count the lines of files"
component = {toml_string(guest("wc"))}
policy = "policies/read-only.toml"
args = ["-l", "{{files}}"]

[tool.params.files]
type = "array"
description = "Files to count"
""",
    )
    result = await call(cordon_bin, tools_file, "count-lines", {"files": ["notes.txt", "src/lib.txt"]})
    rows = [line.split() for line in success_of(result).splitlines()]

    assert rows == [["3", "notes.txt"], ["1", "src/lib.txt"], ["4", "total"]]
