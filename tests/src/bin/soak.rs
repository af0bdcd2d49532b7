//! The soak: many calls with random faults on one runtime, then a check that the host is as it was.
//!
//! Usage: `cargo run --release -p cordon-tests --bin soak -- [CALLS] [IN_FLIGHT]` (defaults 100000 and 64), after
//! `scripts/build-guests.sh`. It reports resident memory and open file descriptors after a warm-up and at the end,
//! scratch directories left behind, and the count of each outcome, and exits with status 1 if memory grew, a
//! descriptor or directory leaked, or any call is unaccounted for.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use cordon_policy::Policy;
use cordon_runtime::{Call, Runtime, RuntimeConfig, Stdin, Tool};
use cordon_tests::{guest_path, policy, target_dir};

/// Resident memory may grow by this much between the warm-up and the end before the soak fails: allocator pools and
/// the compiled-code cache settle during the first calls, and a few MiB of drift is not a leak.
const MEMORY_SLACK_BYTES: u64 = 16 << 20;

/// One kind of call the soak makes, with the outcome kind it must end in.
struct Scenario {
    name: &'static str,
    tool: Tool,
    policy: Arc<Policy>,
    args: Vec<String>,
    expected: &'static str,
}

fn main() {
    let mut arguments = std::env::args().skip(1);
    let calls: u64 = arguments.next().map_or(100_000, |text| text.parse().expect("CALLS must be a number"));
    let in_flight: usize = arguments.next().map_or(64, |text| text.parse().expect("IN_FLIGHT must be a number"));

    let executor = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let passed = executor.block_on(soak(calls, in_flight));
    std::process::exit(if passed { 0 } else { 1 });
}

async fn soak(calls: u64, in_flight: usize) -> bool {
    let workspace = tempfile::tempdir().unwrap();
    let scratch_root = tempfile::tempdir().unwrap();
    let runtime = Arc::new(
        Runtime::new(RuntimeConfig {
            cache_dir: Some(target_dir().join("cordon-test-cache")),
            scratch_root: Some(scratch_root.path().to_owned()),
            max_concurrent_calls: (in_flight as u32).max(8) * 2,
        })
        .unwrap(),
    );
    let scenarios = Arc::new(scenarios(&runtime, workspace.path()));

    // The warm-up fills every pool slot and lets allocator arenas settle, so that growth measured afterwards is a
    // leak rather than slots being touched for the first time.
    let warm_up = (calls / 10).clamp(1000, 20_000);
    run_calls(&runtime, &scenarios, warm_up, in_flight, 1).await;
    let memory_before = resident_bytes();
    let descriptors_before = open_descriptors();

    let started = Instant::now();
    let counts = run_calls(&runtime, &scenarios, calls, in_flight, 2).await;
    let elapsed = started.elapsed();

    let memory_after = resident_bytes();
    let descriptors_after = open_descriptors();
    let leftover_scratch = std::fs::read_dir(scratch_root.path()).map(|entries| entries.count()).unwrap_or(usize::MAX);
    let accounted: u64 = counts.values().sum();

    println!(
        "soak: {calls} calls, {in_flight} in flight, {:.1} s ({:.0} calls/s)",
        elapsed.as_secs_f64(),
        calls as f64 / elapsed.as_secs_f64()
    );
    println!("resident memory: {} MiB after warm-up, {} MiB at the end", memory_before >> 20, memory_after >> 20);
    println!("open descriptors: {descriptors_before} after warm-up, {descriptors_after} at the end");
    println!("scratch directories left: {leftover_scratch}");
    for (outcome, count) in &counts {
        println!("  {outcome}: {count}");
    }

    let mut passed = true;
    if memory_after > memory_before + MEMORY_SLACK_BYTES {
        println!("FAIL: resident memory grew by {} MiB", (memory_after - memory_before) >> 20);
        passed = false;
    }
    if descriptors_after > descriptors_before {
        println!("FAIL: {} descriptors leaked", descriptors_after - descriptors_before);
        passed = false;
    }
    if leftover_scratch != 0 {
        println!("FAIL: {leftover_scratch} scratch directories were not removed");
        passed = false;
    }
    if accounted != calls || counts.keys().any(|key| key.starts_with("unexpected") || key.starts_with("error")) {
        println!("FAIL: {accounted} of {calls} calls ended as expected");
        passed = false;
    }
    println!("{}", if passed { "soak passed" } else { "soak failed" });
    passed
}

/// Runs `calls` calls with at most `in_flight` at once, picking scenarios with a deterministic generator, and counts
/// `scenario -> outcome` pairs.
async fn run_calls(
    runtime: &Arc<Runtime>,
    scenarios: &Arc<Vec<Scenario>>,
    calls: u64,
    in_flight: usize,
    seed: u64,
) -> BTreeMap<String, u64> {
    let permits = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let mut tasks = tokio::task::JoinSet::new();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut counts = BTreeMap::new();

    for _ in 0..calls {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let index = (state % scenarios.len() as u64) as usize;
        let permit = Arc::clone(&permits).acquire_owned().await.unwrap();
        let (runtime, scenarios) = (Arc::clone(runtime), Arc::clone(scenarios));
        tasks.spawn(async move {
            let scenario = &scenarios[index];
            let call = Call::new().args(scenario.args.iter().cloned()).stdin(Stdin::Bytes(b"soak".to_vec()));
            let label = match runtime.run(&scenario.tool, &scenario.policy, call).await {
                Ok(outcome) if outcome.status.kind() == scenario.expected => {
                    format!("{} -> {}", scenario.name, scenario.expected)
                }
                Ok(outcome) => format!("unexpected {} -> {}", scenario.name, outcome.status.kind()),
                Err(error) => format!("error {}: {error}", scenario.name),
            };
            drop(permit);
            label
        });
        while let Some(done) = tasks.try_join_next() {
            *counts.entry(done.unwrap()).or_insert(0) += 1;
        }
    }
    while let Some(done) = tasks.join_next().await {
        *counts.entry(done.unwrap()).or_insert(0) += 1;
    }
    counts
}

fn scenarios(runtime: &Runtime, workspace: &std::path::Path) -> Vec<Scenario> {
    let load = |name: &str| runtime.load_tool(&guest_path(name)).unwrap_or_else(|error| panic!("{error}"));
    let plain = Arc::new(Policy::deny_all());
    // Fuel, not the clock, must end the spinning guests even on a loaded machine, so their timeout is generous; the
    // sleeping guest gets a short one.
    let tight = Arc::new(policy(
        "[limits]\nfuel = 5_000_000\nmemory = \"8 MiB\"\ntimeout = \"30s\"\nstdout = \"1 KiB\"\n",
        workspace,
    ));
    let quick = Arc::new(policy("[limits]\ntimeout = \"50ms\"\n", workspace));
    let scratch = Arc::new(policy("[scratch]\nguest = \"/scratch\"\n", workspace));
    let refused_http = Arc::new(policy(
        "[emulators.aws]\nkind = \"aws\"\nendpoint = \"http://127.0.0.1:9\"\n[[routes]]\nhosts = [\"*.amazonaws.com\"]\nemulator = \"aws\"\n",
        workspace,
    ));
    let args = |items: &[&str]| items.iter().map(|item| (*item).to_owned()).collect::<Vec<_>>();
    vec![
        Scenario {
            name: "hello",
            tool: load("hello"),
            policy: Arc::clone(&plain),
            args: Vec::new(),
            expected: "success",
        },
        Scenario {
            name: "stdin",
            tool: load("cat"),
            policy: Arc::clone(&plain),
            args: Vec::new(),
            expected: "success",
        },
        Scenario {
            name: "spin",
            tool: load("spin"),
            policy: Arc::clone(&tight),
            args: Vec::new(),
            expected: "fuel-exhausted",
        },
        Scenario {
            name: "alloc-bomb",
            tool: load("alloc-bomb"),
            policy: Arc::clone(&tight),
            args: Vec::new(),
            expected: "memory-limit",
        },
        Scenario { name: "panic", tool: load("panic"), policy: Arc::clone(&plain), args: Vec::new(), expected: "trap" },
        Scenario {
            name: "recurse",
            tool: load("recurse"),
            policy: Arc::clone(&plain),
            args: Vec::new(),
            expected: "trap",
        },
        Scenario { name: "sleep", tool: load("sleep"), policy: quick, args: args(&["1000"]), expected: "timeout" },
        Scenario {
            name: "exit",
            tool: load("exit-code"),
            policy: Arc::clone(&plain),
            args: args(&["3"]),
            expected: "exit",
        },
        Scenario {
            name: "flood",
            tool: load("print-flood"),
            policy: Arc::clone(&tight),
            args: Vec::new(),
            expected: "fuel-exhausted",
        },
        Scenario {
            name: "scratch",
            tool: load("probe-write"),
            policy: scratch,
            args: args(&["/scratch/a", "/scratch/b"]),
            expected: "success",
        },
        Scenario {
            name: "http",
            tool: load("http-probe"),
            policy: refused_http,
            args: args(&["http://cordon-soak.invalid/"]),
            expected: "success",
        },
    ]
}

fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|entries| entries.count()).unwrap_or(0)
}
