"""An agent runtime's side of MCP, for the demo: starts `cordon serve` over stdio with the official Python MCP SDK,
lists the tools, and calls typed and command tools, including calls that the sandbox or the schema refuses.

Usage: mcp-agent.py CORDON TOOLS_FILE WORKSPACE
"""

import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def show(title, result, expect_error):
    """Prints one call's result and returns whether it ended as the demo expects."""
    print(f"\n\033[1m== {title}\033[0m")
    text = result.content[0].text if result.content else ""
    if result.structured_content is not None:
        text = json.dumps(result.structured_content, indent=2)
    elif result.is_error:
        text = json.dumps(json.loads(text), indent=2)
    lines = text.splitlines()
    print("\n".join(lines[:20]) + ("\n..." if len(lines) > 20 else ""))
    ok = bool(result.is_error) == expect_error
    print(f"(isError {bool(result.is_error)}, {'as expected' if ok else 'NOT as expected'})")
    return ok


async def main(cordon, tools_file, workspace):
    server = StdioServerParameters(command=cordon, args=["serve", "--tools", tools_file, "--workspace", workspace])
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            listed = await session.list_tools()
            print("\033[1m== tools/list\033[0m")
            for tool in listed.tools:
                params = ", ".join(tool.input_schema.get("properties", {}))
                print(f"{tool.name}({params}): {tool.description}")

            calls = [
                ("typed search: a record with an enum in, a list of records out", "search",
                 {"query": {"pattern": "UpdateDeadline", "mode": "whole-word", "max-matches": 3}}, False),
                ("typed measure: a variant and flags in, options and a tuple out", "measure",
                 {"source": {"file": "README.md"}, "measures": ["lines", "words", "longest-line"]}, False),
                ("command grep, its arguments rendered from the tools file", "grep",
                 {"pattern": "fn run\\b", "paths": ["crates/cordon-runtime"]}, False),
                ("refused by the schema: an enum value the WIT does not have", "search",
                 {"query": {"pattern": "x", "mode": "fuzzy"}}, True),
                ("refused by the sandbox: a path out of the workspace", "read", {"path": "../../etc/passwd"}, True),
            ]
            expected = True
            for title, name, arguments, expect_error in calls:
                result = await session.call_tool(name, arguments)
                expected &= show(f"{title}: {name} {json.dumps(arguments)}", result, expect_error)
            return expected


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(0 if asyncio.run(main(*sys.argv[1:])) else 1)
