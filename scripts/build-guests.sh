#!/usr/bin/env bash
# Builds every guest component under guest-tools/ for wasm32-wasip2, adding the target first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-wasip2; then
    rustup target add wasm32-wasip2
fi
(cd guest-tools && cargo build --release --quiet)
echo "guest components: guest-tools/target/wasm32-wasip2/release/*.wasm"
