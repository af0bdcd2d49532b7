"""tools/list over stdio: the names and descriptions from the tools file, and the input schemas.

The schema of a typed tool (the search and measure guests) is derived from its WIT function parameters. The schema of
a command tool comes from the `[tool.params]` tables of the tools file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cordon_serve import stdio_session, time_limit, without_null

pytestmark = pytest.mark.anyio


async def list_tools(cordon_bin: Path, tools_file: Path) -> dict:
    """Start a server, list its tools and return them by name."""
    with time_limit():
        async with stdio_session(cordon_bin, tools_file) as session:
            listing = await session.list_tools()
    return {tool.name: tool for tool in listing.tools}


async def test_lists_every_configured_tool(cordon_bin, tools_file):
    tools = await list_tools(cordon_bin, tools_file)

    assert sorted(tools) == ["grep", "measure", "search"]


async def test_listing_keeps_tool_descriptions(cordon_bin, tools_file):
    tools = await list_tools(cordon_bin, tools_file)

    assert tools["search"].description == "Search the workspace for a pattern"
    assert tools["measure"].description == "Count lines, words, bytes and characters"
    assert tools["grep"].description == "Search files with a regular expression"


async def test_search_schema_requires_query(cordon_bin, tools_file):
    schema = (await list_tools(cordon_bin, tools_file))["search"].input_schema

    assert schema["type"] == "object"
    assert sorted(schema["properties"]) == ["query"]
    assert schema["required"] == ["query"]


async def test_query_schema_marks_required_fields(cordon_bin, tools_file):
    schema = (await list_tools(cordon_bin, tools_file))["search"].input_schema
    query = schema["properties"]["query"]

    assert query["type"] == "object"
    assert sorted(query["properties"]) == ["case-sensitive", "max-matches", "mode", "path", "pattern"]
    assert sorted(query["required"]) == ["mode", "pattern"]


async def test_mode_schema_lists_enum_cases(cordon_bin, tools_file):
    schema = (await list_tools(cordon_bin, tools_file))["search"].input_schema
    mode = schema["properties"]["query"]["properties"]["mode"]

    assert mode["enum"] == ["literal", "whole-word", "prefix"]


async def test_option_fields_have_value_types(cordon_bin, tools_file):
    schema = (await list_tools(cordon_bin, tools_file))["search"].input_schema
    fields = schema["properties"]["query"]["properties"]

    assert without_null(fields["path"])["type"] == "string"
    assert without_null(fields["case-sensitive"])["type"] == "boolean"
    assert without_null(fields["max-matches"])["type"] == "integer"


async def test_measure_schema_lists_flag_names(cordon_bin, tools_file):
    schema = (await list_tools(cordon_bin, tools_file))["measure"].input_schema
    measures = schema["properties"]["measures"]

    assert measures["type"] == "array"
    assert sorted(measures["items"]["enum"]) == ["bytes", "chars", "lines", "longest-line", "words"]


async def test_measure_schema_offers_variant_cases(cordon_bin, tools_file):
    schema = (await list_tools(cordon_bin, tools_file))["measure"].input_schema
    source = schema["properties"]["source"]
    alternatives = source.get("oneOf") or source.get("anyOf") or []
    case_names = sorted(name for alternative in alternatives for name in alternative.get("properties", {}))

    assert sorted(schema["required"]) == ["measures", "source"]
    assert case_names == ["file", "text"]


async def test_grep_schema_comes_from_tools_file(cordon_bin, tools_file):
    schema = (await list_tools(cordon_bin, tools_file))["grep"].input_schema
    properties = schema["properties"]

    assert schema["type"] == "object"
    assert sorted(properties) == ["ignore-case", "path", "pattern"]
    assert properties["pattern"]["type"] == "string"
    assert properties["pattern"]["description"] == "Regular expression"
    assert properties["path"]["description"] == "File or directory"
    assert properties["ignore-case"]["type"] == "boolean"


async def test_grep_schema_marks_optional_parameters(cordon_bin, tools_file):
    schema = (await list_tools(cordon_bin, tools_file))["grep"].input_schema

    assert schema["required"] == ["pattern"]
    assert schema["properties"]["path"]["default"] == "."
    assert schema["properties"]["ignore-case"]["default"] is False
