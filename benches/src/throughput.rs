//! Calls per second of the trivial `hello` tool with a fixed number of calls in flight, on a two-worker executor.
//!
//! Each level starts that many tasks, and each task runs calls back to back until the level's share of calls is
//! taken, so the number in flight stays constant until the last calls drain.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cordon_policy::Policy;
use cordon_runtime::{Call, Runtime, Tool};
use serde::Serialize;

use crate::fixture::{self, Paths, expect_success};
use crate::stats::Summary;

/// The numbers of calls in flight that the suite measures.
pub const LEVELS: [usize; 4] = [1, 2, 8, 64];

#[derive(Debug, Serialize)]
pub struct ThroughputReport {
    pub tool: String,
    pub worker_threads: usize,
    pub levels: Vec<Level>,
}

#[derive(Debug, Serialize)]
pub struct Level {
    pub in_flight: usize,
    pub calls: usize,
    pub seconds: f64,
    pub calls_per_second: f64,
    /// The latency of each call from its start to its outcome, under this load.
    pub latency: Summary,
}

/// Runs `calls` calls at each level of [`LEVELS`], after a warm-up of a tenth as many.
pub fn run(paths: &Paths, calls: usize) -> anyhow::Result<ThroughputReport> {
    let runtime = Arc::new(fixture::runtime(paths, cordon_runtime::RuntimeConfig::default().max_concurrent_calls)?);
    let tool = fixture::tool(&runtime, paths, "hello")?;
    let policy = Arc::new(Policy::deny_all());
    let executor = fixture::two_worker_executor()?;

    let mut levels = Vec::new();
    for in_flight in LEVELS {
        executor.block_on(run_level(&runtime, &tool, &policy, in_flight, calls / 10))?;
        let (elapsed, samples) = executor.block_on(run_level(&runtime, &tool, &policy, in_flight, calls))?;
        levels.push(Level {
            in_flight,
            calls,
            seconds: elapsed.as_secs_f64(),
            calls_per_second: calls as f64 / elapsed.as_secs_f64(),
            latency: Summary::of_durations(&samples),
        });
    }
    Ok(ThroughputReport { tool: "hello".to_owned(), worker_threads: 2, levels })
}

/// Runs `calls` calls with `in_flight` tasks and returns the wall time and every call's latency.
async fn run_level(
    runtime: &Arc<Runtime>,
    tool: &Tool,
    policy: &Arc<Policy>,
    in_flight: usize,
    calls: usize,
) -> anyhow::Result<(Duration, Vec<Duration>)> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(in_flight);
    for _ in 0..in_flight {
        let (runtime, tool, policy, next) = (Arc::clone(runtime), tool.clone(), Arc::clone(policy), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < calls {
                let call_started = Instant::now();
                let outcome = runtime.run(&tool, &policy, Call::new()).await?;
                samples.push(call_started.elapsed());
                expect_success(&outcome, "hello")?;
            }
            anyhow::Ok(samples)
        }));
    }
    let mut samples = Vec::with_capacity(calls);
    for task in tasks {
        samples.extend(task.await.map_err(|error| anyhow::anyhow!("a call task failed: {error}"))??);
    }
    Ok((started.elapsed(), samples))
}
