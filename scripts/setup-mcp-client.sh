#!/usr/bin/env bash
# Installs the Python side of the MCP end-to-end tests in tests/mcp: the official MCP SDK (PyPI `mcp`), which the
# tests use as the client of `cordon serve`, and pytest, which runs them. Both go into a Python virtual environment,
# `.build/mcp-venv` in this repository or the directory the first argument names (relative to the repository root).
# A run that finds the pinned versions already installed changes nothing, so calling it before every test run is
# cheap.
#
# Needs python3 3.10 or newer, with the venv module.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests call the client API of mcp 2.3.0: ClientSession, stdio_client and streamable_http_client. The SDK changed
# their names and signatures between major releases, so run the tests against a newer version before pinning it.
mcp_version=2.3.0
pytest_version=9.2.0

venv=${1:-.build/mcp-venv}
mkdir -p "$(dirname "$venv")"
venv="$(cd "$(dirname "$venv")" && pwd)/$(basename "$venv")"

installed_version() {
    "$venv/bin/python" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "$1" 2>/dev/null \
        || true
}

if [[ ! -x "$venv/bin/python" ]]; then
    echo "creating a Python virtual environment in $venv"
    python3 -m venv "$venv"
fi

# A venv from an interrupted run may contain mcp without some of its dependencies, so the check imports the client
# modules the tests use instead of trusting the version alone.
mcp_found=$(installed_version mcp)
pytest_found=$(installed_version pytest)
if [[ $mcp_found != "$mcp_version" || $pytest_found != "$pytest_version" ]] \
    || ! "$venv/bin/python" -c 'import mcp.client.stdio, mcp.client.streamable_http, pytest' 2>/dev/null; then
    echo "installing mcp==$mcp_version and pytest==$pytest_version into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "mcp==$mcp_version" "pytest==$pytest_version"
    mcp_found=$(installed_version mcp)
    pytest_found=$(installed_version pytest)
fi

if [[ $mcp_found != "$mcp_version" || $pytest_found != "$pytest_version" ]]; then
    echo "setup-mcp-client.sh: expected mcp $mcp_version and pytest $pytest_version after installing, found" \
        "mcp '${mcp_found}' and pytest '${pytest_found}'" >&2
    exit 1
fi
echo "mcp $mcp_found, pytest $pytest_found: $venv/bin/python -m pytest tests/mcp"
