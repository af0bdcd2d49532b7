#!/usr/bin/env bash
# Measures Cordon against what a user would run instead, in one run on this machine, and rewrites the result tables
# of BENCHMARKS.md. Raw results go to target/bench-results/ as JSON (under CARGO_TARGET_DIR when that is set).
#
# It installs what it needs first. bubblewrap and hyperfine come from apt-get when they are missing (as root), and
# wasmtime-cli 48.0.8 goes into .build/wasmtime-cli (several minutes, once). Then it builds the guest components, the
# `hello` guest for the host, and release builds of the `cordon` binary, the `cordon-bench` driver and the criterion
# bench.
#
# Every connection it makes goes to loopback, and every bubblewrap run has no network (--unshare-all with
# --unshare-net). Each measurement has a fixed number of runs and ends by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
started=$(date +%s)

wasmtime_version=48.0.8
target_dir=${CARGO_TARGET_DIR:-target}
case "$target_dir" in /*) ;; *) target_dir="$repo/$target_dir" ;; esac
results="$target_dir/bench-results"
guests="$repo/guest-tools/target/wasm32-wasip2/release"

step() {
    printf '\n\033[1m== %s\033[0m\n' "$*"
}

# --- Set-up -------------------------------------------------------------------------------------------------------

step "installing bubblewrap and hyperfine where missing"
missing=()
command -v bwrap >/dev/null || missing+=(bubblewrap)
command -v hyperfine >/dev/null || missing+=(hyperfine)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "bench: ${missing[*]} missing (fix: run 'apt-get install -y ${missing[*]}' as root)" >&2
        exit 1
    fi
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
fi

step "installing wasmtime-cli $wasmtime_version into .build/wasmtime-cli where missing"
wasmtime="$repo/.build/wasmtime-cli/bin/wasmtime"
if ! "$wasmtime" --version 2>/dev/null | grep -q "^wasmtime $wasmtime_version "; then
    cargo install wasmtime-cli --version "$wasmtime_version" --locked --root "$repo/.build/wasmtime-cli"
fi
"$wasmtime" --version

step "building the guests, the native hello, cordon and cordon-bench"
scripts/build-guests.sh
host_triple=$(rustc -vV | sed -n 's/^host: //p')
(cd guest-tools && CARGO_TARGET_DIR="$target_dir/bench-native" \
    cargo build --release --quiet --target "$host_triple" -p cordon-adversarial-guests --bin hello)
native_hello="$target_dir/bench-native/$host_triple/release/hello"
# One package set for every build, so that Cargo unifies dependency features once and builds wasmtime once.
packages=(-p cordon-runtime -p cordon-cli -p cordon-benches)
cargo bench --quiet --no-run "${packages[@]}" --bench call
cargo build --release --quiet "${packages[@]}"
cordon="$target_dir/release/cordon"
bench="$target_dir/release/cordon-bench"

rm -rf "$results"
mkdir -p "$results"
export CORDON_CACHE_DIR="$results/cache"
"$wasmtime" compile "$guests/hello.wasm" -o "$results/hello.cwasm"

step "recording the machine"
{
    printf '{\n'
    printf '  "cpu": "%s",\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
    printf '  "cores": %s,\n' "$(nproc)"
    printf '  "memory_kib": %s,\n' "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
    printf '  "kernel": "%s",\n' "$(uname -r)"
    printf '  "rustc": "%s",\n' "$(rustc --version)"
    cordon_wasmtime=$(awk '/^name = "wasmtime"$/ { getline; print $3 }' Cargo.lock | tr -d '"' | head -n 1)
    printf '  "cordon_wasmtime": "%s",\n' "$cordon_wasmtime"
    printf '  "wasmtime_cli": "%s",\n' "$("$wasmtime" --version)"
    printf '  "hyperfine": "%s",\n' "$(hyperfine --version)"
    printf '  "bubblewrap": "%s",\n' "$(bwrap --version)"
    printf '  "load_average": "%s",\n' "$(cut -d ' ' -f 1-3 /proc/loadavg)"
    printf '  "rust_backtrace": "%s",\n' "${RUST_BACKTRACE:-unset}"
    printf '  "date": "%s"\n' "$(date -u +%Y-%m-%d)"
    printf '}\n'
} > "$results/machine.json"
cat "$results/machine.json"

# --- In-process suites ----------------------------------------------------------------------------------------------

step "in-process latency, 20,000 calls of hello"
"$bench" --results "$results" --cache "$results/cache" latency --calls 20000
step "throughput with 1, 2, 8 and 64 calls in flight"
"$bench" --results "$results" --cache "$results/cache" throughput --calls 20000
step "shim overhead against a loopback hyper server"
"$bench" --results "$results" --cache "$results/cache" shim --requests 10000 --per-call 1000
step "resident memory with 1, 100 and 1,000 idle calls"
"$bench" --results "$results" --cache "$results/cache" memory
step "grep -rn over crates/, in-process"
"$bench" --results "$results" --cache "$results/cache" grep --calls 50

step "criterion: one call of hello"
cargo bench --quiet "${packages[@]}" --bench call -- --noplot
for variant in current-thread multi-thread; do
    cp "$target_dir/criterion/call/hello_$variant/new/estimates.json" "$results/criterion-$variant.json"
done

# --- Process-per-call peers ----------------------------------------------------------------------------------------

# The native binaries run under bubblewrap with every namespace unshared, the network included, and only /usr (with
# /lib and /lib64, which are links into it here) and the workspace visible.
sandbox=(bwrap --unshare-all --unshare-net --die-with-parent --new-session
    --ro-bind /usr /usr --ro-bind /lib /lib --ro-bind /lib64 /lib64 --proc /proc --dev /dev)

step "one process per call: cordon run, wasmtime run, bubblewrap"
mkdir -p "$results/workspace"
cp "$native_hello" "$results/workspace/hello"
"$cordon" run "$guests/hello.wasm" >/dev/null
hyperfine --shell=none --warmup 20 --runs 500 --export-json "$results/peers.json" \
    -n cordon-run "$cordon run $guests/hello.wasm" \
    -n wasmtime-run "$wasmtime run $guests/hello.wasm" \
    -n wasmtime-run-precompiled "$wasmtime run --allow-precompiled $results/hello.cwasm" \
    -n bubblewrap-native "${sandbox[*]} --bind $results/workspace /workspace /workspace/hello" \
    -n native "$native_hello"

step "cold start: the first cordon run with an empty cache"
CORDON_CACHE_DIR="$results/cold-cache" hyperfine --shell=none --warmup 1 --runs 20 --export-json "$results/cold.json" \
    --prepare "rm -rf $results/cold-cache" \
    -n cordon-run-cold "$cordon run $guests/hello.wasm"

step "grep -rn over crates/: cordon run against native grep under bubblewrap"
policy="$repo/policies/workspace-read-only.toml"
"$cordon" run --policy "$policy" --workspace "$repo" "$guests/grep.wasm" -- -rn fuel crates > "$results/grep-cordon.txt"
"${sandbox[@]}" --ro-bind "$repo" /workspace --chdir /workspace grep -rn fuel crates > "$results/grep-native.txt"
hyperfine --shell=none --warmup 3 --runs 50 --export-json "$results/grep-peers.json" \
    -n cordon-run "$cordon run --policy $policy --workspace $repo $guests/grep.wasm -- -rn fuel crates" \
    -n bubblewrap-grep "${sandbox[*]} --ro-bind $repo /workspace --chdir /workspace grep -rn fuel crates" \
    -n grep "grep -rn fuel $repo/crates"
printf '{ "cordon_lines": %s, "native_lines": %s }\n' \
    "$(wc -l < "$results/grep-cordon.txt")" "$(wc -l < "$results/grep-native.txt")" > "$results/grep-lines.json"

# --- The page -----------------------------------------------------------------------------------------------------

step "writing the result tables of BENCHMARKS.md"
"$bench" --results "$results" report --page "$repo/BENCHMARKS.md"
echo "bench: finished in $(( $(date +%s) - started )) s; raw results in $results"
