#!/usr/bin/env bash
# The main job: builds Cordon and its guest tools, then runs real tool components in the sandbox against real files
# and shows how each call ended, including the calls the sandbox stops. Part 2 runs an agent scenario against real
# cloud emulators; part 3 serves the tools over MCP to the official Python MCP SDK.
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

# Part two: an agent-style scenario against real emulators. moto and Azurite run on loopback ports of their own,
# recorded in a state directory of this demo, and policies/cloud-emulated.toml routes the real AWS and Azure host
# names to them. Every call prints its audit trail: one line per HTTP request, allowed or denied, with the rule.
scripts/setup-emulators.sh
export CORDON_STATE_DIR="$demo/state"
"$cordon" emulators start
trap '"$cordon" emulators stop >/dev/null 2>&1; rm -rf "$demo"' EXIT
cloud=(--policy policies/cloud-emulated.toml --audit)

step "agent: list the workspace and find the files that handle refused requests" \
    cordon run --policy policies/cloud-emulated.toml ls.wasm -- crates '&&' grep.wasm -- -rlF HttpRequestDenied crates
show 0 "$cordon" run "${cloud[@]}" --workspace "$repo" "$guests/ls.wasm" -- crates
show 0 "$cordon" run "${cloud[@]}" --workspace "$repo" "$guests/grep.wasm" -- -rlF HttpRequestDenied crates

step "agent: write the findings as a report into scratch, kept after the call" \
    'cordon run grep.wasm ... | cordon run --keep-scratch out write.wasm -- /scratch/report.md'
"$cordon" run --policy policies/cloud-emulated.toml --workspace "$repo" "$guests/grep.wasm" -- -rnF HttpRequestDenied crates \
    > "$demo/findings.txt"
show 0 "$cordon" run "${cloud[@]}" --workspace "$repo" --keep-scratch "$demo/out" "$guests/write.wasm" -- /scratch/report.md \
    < "$demo/findings.txt"

step "agent: upload the report to S3 (the tool targets s3.amazonaws.com; the shim routes it to moto)" \
    cordon run s3.wasm -- mb cordon-reports '&&' s3.wasm -- put cordon-reports report.md /workspace/report.md
show 0 "$cordon" run "${cloud[@]}" --workspace "$demo/out" "$guests/s3.wasm" -- mb cordon-reports
show 0 "$cordon" run "${cloud[@]}" --workspace "$demo/out" "$guests/s3.wasm" -- put cordon-reports report.md /workspace/report.md

step "agent: record the report in DynamoDB" \
    cordon run dynamodb.wasm -- create-table reports --key id:S '&&' dynamodb.wasm -- put reports '{...}'
lines=$(wc -l < "$demo/out/report.md")
show 0 "$cordon" run "${cloud[@]}" --workspace "$demo/out" "$guests/dynamodb.wasm" -- create-table reports --key id:S
show 0 "$cordon" run "${cloud[@]}" --workspace "$demo/out" "$guests/dynamodb.wasm" -- \
    put reports "{\"id\":\"report.md\",\"bucket\":\"cordon-reports\",\"lines\":$lines}"

step "agent: announce it on SQS" \
    cordon run sqs.wasm -- create report-events '&&' sqs.wasm -- send report-events '...'
show 0 "$cordon" run "${cloud[@]}" --workspace "$demo/out" "$guests/sqs.wasm" -- create report-events
show 0 "$cordon" run "${cloud[@]}" --workspace "$demo/out" "$guests/sqs.wasm" -- \
    send report-events "report.md uploaded to s3://cordon-reports"

step "agent: copy the report to Azure Blob (Azurite checks the Shared Key signature the shim adds)" \
    cordon run blob.wasm -- create-container reports '&&' blob.wasm -- upload reports report.md /workspace/report.md
show 0 "$cordon" run "${cloud[@]}" --workspace "$demo/out" "$guests/blob.wasm" -- create-container reports
show 0 "$cordon" run "${cloud[@]}" --workspace "$demo/out" "$guests/blob.wasm" -- upload reports report.md /workspace/report.md
show 0 "$cordon" run "${cloud[@]}" --workspace "$demo/out" "$guests/blob.wasm" -- list reports

step "refused request: a tool tries to send the report to a host that is not an emulator" \
    cordon run http-probe.wasm -- --method POST --body-stdin https://uploads.cordon-demo.invalid/
show 0 "$cordon" run "${cloud[@]}" --workspace "$demo/out" "$guests/http-probe.wasm" -- \
    --method POST --body-stdin https://uploads.cordon-demo.invalid/ < "$demo/out/report.md"

step "refused action: a tool tries to delete the uploaded report (the policy denies s3:Delete*)" \
    cordon run s3.wasm -- rm cordon-reports report.md
show 1 "$cordon" run "${cloud[@]}" --workspace "$demo/out" "$guests/s3.wasm" -- rm cordon-reports report.md

printf '\n\033[1m== Part 3: an agent runtime calls the sandboxed tools over MCP\033[0m\n'
echo '$ cordon serve --tools tools.toml --workspace .   (driven by the official Python MCP SDK)'
scripts/setup-mcp-client.sh >/dev/null
show 0 .build/mcp-venv/bin/python scripts/mcp-agent.py "$cordon" "$repo/tools.toml" "$repo"

if [ "$unexpected" -ne 0 ]; then
    echo "demo: $unexpected step(s) ended with an unexpected exit status" >&2
    exit 1
fi
echo
echo "demo: every step ended as expected"
