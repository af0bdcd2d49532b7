#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs the cloud emulators and the Python MCP client into .build/,
# adds the wasm32-wasip2 target, builds the guest components and the cordon binary, then runs every unit and
# end-to-end test. Last come the MCP tests in tests/mcp, which drive `cordon serve` through the official Python MCP
# SDK.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-emulators.sh
scripts/setup-mcp-client.sh
scripts/build-guests.sh
cargo build --quiet -p cordon-cli
cargo test --workspace "$@"
# PYTHONDONTWRITEBYTECODE keeps __pycache__ directories out of tests/mcp.
PYTHONDONTWRITEBYTECODE=1 .build/mcp-venv/bin/python -m pytest tests/mcp -q
