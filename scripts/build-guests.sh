#!/usr/bin/env bash
# Builds every guest component under guest-tools/ for wasm32-wasip2, adding the target first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-wasip2; then
    rustup target add wasm32-wasip2
fi
# The guests always build into guest-tools/target, whatever CARGO_TARGET_DIR says for the host crates, because the
# tests and the demo look for them there.
(cd guest-tools && CARGO_TARGET_DIR="$PWD/target" cargo build --release --quiet)
echo "guest components: guest-tools/target/wasm32-wasip2/release/*.wasm"
