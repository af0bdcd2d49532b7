#!/usr/bin/env bash
# Fuzzes Cordon's untrusted-input parsers with libFuzzer through cargo-fuzz: the policy parser, the authority
# normaliser and route table, the request classifier with the rules, the service control policy parser and the
# aws-chunked decoder. Each target runs for SECONDS_PER_TARGET seconds (default 600), FUZZ_JOBS targets at a time
# (default 2). Prints one summary line per target and exits with 1 when any target found a crash, a timeout or an
# out-of-memory input.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# cargo-fuzz needs nightly compiler flags (-Zsanitizer=address and others). This script sets RUSTC_BOOTSTRAP=1, which
# lets the stable compiler accept them. Failing inputs land in fuzz/artifacts/TARGET/. The inputs a run adds to the
# corpus go to .build/fuzz/corpus/TARGET/, so the seed corpus in fuzz/corpus/ stays as committed, and each run starts
# from both.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo_fuzz_version=0.13.2
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(policy_parse authority classify scp aws_chunked)
fi
jobs=${FUZZ_JOBS:-2}

if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: SECONDS_PER_TARGET must be a positive whole number, not '$seconds'" >&2
    exit 2
fi
if ! [[ "$jobs" =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: FUZZ_JOBS must be a positive whole number, not '$jobs'" >&2
    exit 2
fi

root=$PWD/.build
cargo_fuzz=$root/cargo-fuzz/bin/cargo-fuzz
if [ "$("$cargo_fuzz" --version 2>/dev/null || true)" != "cargo-fuzz $cargo_fuzz_version" ]; then
    echo "installing cargo-fuzz $cargo_fuzz_version into .build/cargo-fuzz"
    cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked --root "$root/cargo-fuzz"
fi
export PATH="$root/cargo-fuzz/bin:$PATH"
export RUSTC_BOOTSTRAP=1

# The targets build into fuzz/target, even when CARGO_TARGET_DIR is set, so that the main workspace's build is never
# rebuilt with sanitizer flags.
unset CARGO_TARGET_DIR
cargo fuzz build

logs=$root/fuzz/logs
# policy_parse makes its temporary workspace under TMPDIR and never removes it, because libFuzzer ends the process
# without dropping statics. Pointing TMPDIR here lets this script remove it.
export TMPDIR=$root/fuzz/tmp
mkdir -p "$logs" "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT

run_target() {
    local target=$1
    mkdir -p "$root/fuzz/corpus/$target" "fuzz/corpus/$target"
    # -timeout reports an input that runs for more than 10 seconds as a failure, because a slow parse of a guest's
    # request would stall the call that sent it.
    cargo fuzz run "$target" "$root/fuzz/corpus/$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$logs/$target.log" 2>&1
}

echo "fuzzing ${targets[*]} for $seconds s each, $jobs at a time; logs in .build/fuzz/logs/"
declare -A status=()
declare -A pid_target=()

# Waits for one running target and records its exit status.
reap_one() {
    local finished exit_code=0
    wait -n -p finished || exit_code=$?
    status[${pid_target[$finished]}]=$exit_code
    unset "pid_target[$finished]"
}

for target in "${targets[@]}"; do
    if [ "${#pid_target[@]}" -ge "$jobs" ]; then
        reap_one
    fi
    run_target "$target" &
    pid_target[$!]=$target
done
while [ "${#pid_target[@]}" -gt 0 ]; do
    reap_one
done

# Reads the executions, the final coverage and the failing inputs from each libFuzzer log.
failed=0
echo
for target in "${targets[@]}"; do
    log=$logs/$target.log
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ -z "$runs" ]; then
        # A run that stops at a failing input prints no final statistics, only its progress lines.
        runs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
    fi
    cov=$(sed -n 's/.* cov: \([0-9][0-9]*\) .*/\1/p' "$log" | tail -n 1)
    artifacts=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tr '\n' ' ')
    artifacts=${artifacts% }
    if [ -n "$artifacts" ] || [ "${status[$target]:-1}" -ne 0 ]; then
        failed=1
        echo "$target: ${runs:-?} runs, cov ${cov:-?}, FAILED: ${artifacts:-see $log}"
    else
        echo "$target: ${runs:-?} runs in $seconds s, cov ${cov:-?}, crashes 0"
    fi
done
exit "$failed"
