#!/usr/bin/env bash
# The main job: builds Cordon and its guest tools, then runs real tool components in the sandbox against real files
# and shows how each call ended, including the calls the sandbox stops.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

scripts/build-guests.sh
cargo build --quiet -p cordon-cli

target_dir=${CARGO_TARGET_DIR:-target}
case "$target_dir" in /*) ;; *) target_dir="$repo/$target_dir" ;; esac
cordon="$target_dir/debug/cordon"
guests="$repo/guest-tools/target/wasm32-wasip2/release"
demo=$(mktemp -d "${TMPDIR:-/tmp}/cordon-demo.XXXXXX")
trap 'rm -rf "$demo"' EXIT

step() {
    printf '\n\033[1m== %s\033[0m\n' "$1"
    printf '$ %s\n' "${*:2}"
}

# Each step prints the tool's own output, then the summary line with the outcome kind and its costs. A step that
# the sandbox stops is part of the demonstration, so `show` takes the exit status the step should end with, and the
# script fails at the end if any step ended otherwise.
unexpected=0
show() {
    local expected=$1 status=0
    shift
    "$@" || status=$?
    if [ "$status" -eq "$expected" ]; then
        echo "(exit status $status, as expected)"
    else
        echo "(exit status $status, expected $expected)"
        unexpected=$((unexpected + 1))
    fi
}

step "grep this repository's sources through a read-only policy" \
    cordon run --policy policies/workspace-read-only.toml grep.wasm -- -rn UpdateDeadline crates
show 0 "$cordon" run --summary --policy policies/workspace-read-only.toml --workspace "$repo" \
    "$guests/grep.wasm" -- -rn UpdateDeadline crates

step "count the lines of the policy crate" \
    cordon run --policy policies/workspace-read-only.toml wc.wasm -- -l crates/cordon-policy/src/lib.rs
show 0 "$cordon" run --summary --policy policies/workspace-read-only.toml --workspace "$repo" \
    "$guests/wc.wasm" -- -l crates/cordon-policy/src/lib.rs

step "write a report into the per-call scratch directory (a fresh empty directory, removed after the call)" \
    'echo "# Findings" | cordon run --policy policies/workspace-read-write.toml write.wasm -- /scratch/report.md'
echo "# Findings" | show 0 "$cordon" run --summary --policy policies/workspace-read-write.toml --workspace "$demo" \
    "$guests/write.wasm" -- /scratch/report.md

step "try to escape the workspace: parent directories, absolute paths, host files" \
    cordon run --policy policies/workspace-read-only.toml probe-read.wasm -- ../.. /etc/passwd /workspace/../../etc/hostname
show 0 "$cordon" run --summary --policy policies/workspace-read-only.toml --workspace "$repo" \
    "$guests/probe-read.wasm" -- ../.. /etc/passwd /workspace/../../etc/hostname

step "try to write into the read-only workspace" \
    cordon run --policy policies/workspace-read-only.toml probe-write.wasm -- /workspace/README.md
show 0 "$cordon" run --summary --policy policies/workspace-read-only.toml --workspace "$repo" \
    "$guests/probe-write.wasm" -- /workspace/README.md

step "try to open a socket and resolve a name (loopback only; both are refused inside the guest)" \
    cordon run net-tcp.wasm -- 127.0.0.1:9 '&&' cordon run net-dns.wasm -- localhost
show 0 "$cordon" run --summary "$guests/net-tcp.wasm" -- 127.0.0.1:9
show 0 "$cordon" run --summary "$guests/net-dns.wasm" -- localhost

step "limits: an endless loop, a memory bomb, endless recursion and a sleep past the timeout, each ended with its own outcome (JSON)" \
    cordon run --json --policy limits.toml spin.wasm
printf '[limits]\nfuel = 50_000_000\nmemory = "32 MiB"\ntimeout = "300ms"\n' > "$demo/limits.toml"
show 152 "$cordon" run --json --policy "$demo/limits.toml" "$guests/spin.wasm"
show 137 "$cordon" run --json --policy "$demo/limits.toml" "$guests/alloc-bomb.wasm"
show 134 "$cordon" run --json --policy "$demo/limits.toml" "$guests/recurse.wasm"
show 124 "$cordon" run --json --policy "$demo/limits.toml" "$guests/sleep.wasm" -- 60000

if [ "$unexpected" -ne 0 ]; then
    echo "demo: $unexpected step(s) ended with an unexpected exit status" >&2
    exit 1
fi
echo
echo "demo: every step ended as expected"
