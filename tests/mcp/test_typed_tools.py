"""tools/call on the typed tools `search` and `measure`: JSON arguments in, the returned WIT value out.

The standard workspace (cordon_serve.WORKSPACE_FILES) contains notes.txt, src/lib.txt and unicode.txt.
"""

from __future__ import annotations

import json

import pytest

from cordon_serve import failure_of, stdio_session, success_of, time_limit

pytestmark = pytest.mark.anyio


async def call(cordon_bin, tools_file, name: str, arguments: dict):
    """Start a server, make one tool call and return its result."""
    with time_limit():
        async with stdio_session(cordon_bin, tools_file) as session:
            return await session.call_tool(name, arguments)


async def test_search_finds_whole_words(cordon_bin, tools_file):
    query = {"pattern": "alpha", "path": "notes.txt", "mode": "whole-word"}
    result = await call(cordon_bin, tools_file, "search", {"query": query})

    assert not result.is_error
    assert result.structured_content == {
        "hits": [
            {"path": "notes.txt", "line": 1, "column": 1, "text": "alpha beta"},
            {"path": "notes.txt", "line": 2, "column": 7, "text": "gamma alpha"},
        ],
        "files-searched": 1,
        "truncated": False,
    }


async def test_search_text_repeats_structured_content(cordon_bin, tools_file):
    query = {"pattern": "alpha", "path": "notes.txt", "mode": "literal"}
    result = await call(cordon_bin, tools_file, "search", {"query": query})

    assert json.loads(success_of(result)) == result.structured_content


async def test_search_ignores_case_on_request(cordon_bin, tools_file):
    query = {"pattern": "ALPHA", "mode": "prefix", "case-sensitive": False, "path": None}
    result = await call(cordon_bin, tools_file, "search", {"query": query})
    found = result.structured_content

    assert not result.is_error
    assert [(hit["path"], hit["line"]) for hit in found["hits"]] == [
        ("notes.txt", 1),
        ("notes.txt", 2),
        ("notes.txt", 3),
        ("src/lib.txt", 1),
    ]
    assert found["files-searched"] == 3


async def test_search_stops_at_max_matches(cordon_bin, tools_file):
    query = {"pattern": "alpha", "path": "notes.txt", "mode": "literal", "max-matches": 1}
    result = await call(cordon_bin, tools_file, "search", {"query": query})
    found = result.structured_content

    assert not result.is_error
    assert len(found["hits"]) == 1
    assert found["truncated"] is True


async def test_measure_counts_text_source(cordon_bin, tools_file):
    arguments = {"source": {"text": "one two\nthree\n"}, "measures": ["lines", "words"]}
    result = await call(cordon_bin, tools_file, "measure", arguments)
    stats = result.structured_content

    assert not result.is_error
    assert stats["lines"] == 2
    assert stats["words"] == 3
    assert stats.get("bytes") is None
    assert stats.get("chars") is None
    assert stats.get("longest-line") is None


async def test_measure_counts_file_bytes_and_chars(cordon_bin, tools_file):
    # unicode.txt is "héllo wörld\n": 12 characters, two of them two bytes long in UTF-8.
    arguments = {"source": {"file": "unicode.txt"}, "measures": ["bytes", "chars"]}
    result = await call(cordon_bin, tools_file, "measure", arguments)
    stats = result.structured_content

    assert not result.is_error
    assert stats["bytes"] == 14
    assert stats["chars"] == 12
    assert stats.get("lines") is None


async def test_measure_returns_longest_line_tuple(cordon_bin, tools_file):
    arguments = {"source": {"text": "ab\nabcd\nabc"}, "measures": ["longest-line"]}
    result = await call(cordon_bin, tools_file, "measure", arguments)

    assert not result.is_error
    assert result.structured_content["longest-line"] == [2, "abcd"]


async def test_bad_enum_value_is_invalid(cordon_bin, tools_file):
    query = {"pattern": "alpha", "mode": "fuzzy"}
    outcome = failure_of(await call(cordon_bin, tools_file, "search", {"query": query}))

    assert outcome["outcome"] == "invalid-arguments"
    assert "query.mode" in outcome["message"]


async def test_missing_record_field_is_invalid(cordon_bin, tools_file):
    query = {"mode": "literal"}
    outcome = failure_of(await call(cordon_bin, tools_file, "search", {"query": query}))

    assert outcome["outcome"] == "invalid-arguments"
    assert "query.pattern" in outcome["message"]


@pytest.mark.parametrize("value", [-1, 2**32, 1.5, "10"], ids=["negative", "above-u32", "fraction", "string"])
async def test_bad_u32_value_is_invalid(cordon_bin, tools_file, value):
    query = {"pattern": "alpha", "mode": "literal", "max-matches": value}
    outcome = failure_of(await call(cordon_bin, tools_file, "search", {"query": query}))

    assert outcome["outcome"] == "invalid-arguments"
    assert "query.max-matches" in outcome["message"]


async def test_variant_with_two_cases_is_invalid(cordon_bin, tools_file):
    arguments = {"source": {"text": "a", "file": "notes.txt"}, "measures": ["lines"]}
    outcome = failure_of(await call(cordon_bin, tools_file, "measure", arguments))

    assert outcome["outcome"] == "invalid-arguments"
    assert "source" in outcome["message"]


async def test_unknown_flag_name_is_invalid(cordon_bin, tools_file):
    arguments = {"source": {"text": "a"}, "measures": ["lines", "pages"]}
    outcome = failure_of(await call(cordon_bin, tools_file, "measure", arguments))

    assert outcome["outcome"] == "invalid-arguments"
    assert "measures" in outcome["message"]


async def test_missing_path_is_not_found(cordon_bin, tools_file):
    query = {"pattern": "alpha", "path": "missing.txt", "mode": "literal"}
    outcome = failure_of(await call(cordon_bin, tools_file, "search", {"query": query}))

    assert outcome["outcome"] == "tool-error"
    assert outcome["error"] == "not-found"
    assert isinstance(outcome["detail"], str)
    assert outcome["message"]


async def test_empty_flags_is_invalid_input(cordon_bin, tools_file):
    arguments = {"source": {"text": "a"}, "measures": []}
    outcome = failure_of(await call(cordon_bin, tools_file, "measure", arguments))

    assert outcome["outcome"] == "tool-error"
    assert outcome["error"] == "invalid-input"
