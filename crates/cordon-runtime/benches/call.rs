//! Criterion's estimate of one call of the trivial `hello` guest: a new store, instantiation, the guest's run and
//! the store's drop, under the deny-all policy.
//!
//! Criterion reports a mean and a median over batches of calls, not the latency of single calls, so
//! `cordon-bench latency` (in `benches/`) times every call for exact percentiles. `scripts/bench.sh` runs both.
//! The guest must be built first (`scripts/build-guests.sh`).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cordon_policy::Policy;
use cordon_runtime::{Call, Runtime, RuntimeConfig, Status, Tool};
use criterion::{Criterion, criterion_group, criterion_main};

fn hello() -> (Arc<Runtime>, Tool) {
    let guest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../guest-tools/target/wasm32-wasip2/release/hello.wasm");
    assert!(guest.is_file(), "{} is not built (fix: run scripts/build-guests.sh)", guest.display());
    let config = RuntimeConfig {
        cache_dir: Some(Path::new(env!("CARGO_TARGET_TMPDIR")).join("cordon-bench-cache")),
        ..RuntimeConfig::default()
    };
    let runtime = Runtime::new(config).expect("creating the runtime");
    let tool = runtime.load_tool(&guest).expect("loading hello.wasm");
    (Arc::new(runtime), tool)
}

/// Runs `iterations` calls one after another inside a task of `executor` and returns their total time.
fn time_calls(executor: &tokio::runtime::Runtime, runtime: &Arc<Runtime>, tool: &Tool, iterations: u64) -> Duration {
    let (runtime, tool) = (Arc::clone(runtime), tool.clone());
    let task = executor.spawn(async move {
        let policy = Policy::deny_all();
        let started = Instant::now();
        for _ in 0..iterations {
            let outcome = runtime.run(&tool, &policy, Call::new()).await.expect("running hello");
            assert_eq!(outcome.status, Status::Success, "hello failed: {}", outcome.stderr_text());
        }
        started.elapsed()
    });
    executor.block_on(task).expect("the timing task panicked")
}

fn hello_call(criterion: &mut Criterion) {
    let (runtime, tool) = hello();
    let mut group = criterion.benchmark_group("call");
    group.sample_size(100).measurement_time(Duration::from_secs(5));

    let current = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("building the executor");
    group.bench_function("hello/current-thread", |bencher| {
        bencher.iter_custom(|iterations| time_calls(&current, &runtime, &tool, iterations));
    });
    drop(current);

    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("building the executor");
    group.bench_function("hello/multi-thread", |bencher| {
        bencher.iter_custom(|iterations| time_calls(&multi, &runtime, &tool, iterations));
    });
    group.finish();
}

criterion_group!(benches, hello_call);
criterion_main!(benches);
