#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs the cloud emulators into .build/, adds the wasm32-wasip2
# target, builds the guest components and the cordon binary, then runs every unit and end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-emulators.sh
scripts/build-guests.sh
cargo build --quiet -p cordon-cli
cargo test --workspace "$@"
