//! One call of the trivial `hello` tool, timed call by call: new store, instantiate, run, drop.
//!
//! The loop runs on a current-thread executor and, separately, inside one task of the two-worker executor that the
//! throughput suite uses, because where the future is polled changes what a call costs.

use std::time::{Duration, Instant};

use cordon_policy::Policy;
use cordon_runtime::{Call, Runtime, Tool};
use serde::Serialize;

use crate::fixture::{self, Paths, expect_success};
use crate::stats::Summary;

/// Calls made before timing starts, so that the allocator's pools and the code are warm.
const WARMUP_CALLS: usize = 1_000;

#[derive(Debug, Serialize)]
pub struct LatencyReport {
    pub tool: String,
    pub policy: String,
    /// Calls on a current-thread executor, awaited one after another.
    pub current_thread: Summary,
    /// Calls awaited one after another inside a task of a two-worker multi-threaded executor.
    pub multi_thread: Summary,
}

/// Times `calls` sequential calls of `hello` under the deny-all policy on each executor.
pub fn run(paths: &Paths, calls: usize) -> anyhow::Result<LatencyReport> {
    let runtime = fixture::runtime(paths, cordon_runtime::RuntimeConfig::default().max_concurrent_calls)?;
    let tool = fixture::tool(&runtime, paths, "hello")?;
    let policy = Policy::deny_all();

    let current = fixture::current_thread_executor()?;
    let current_thread = current.block_on(time_calls(&runtime, &tool, &policy, calls))?;
    drop(current);

    let runtime = std::sync::Arc::new(runtime);
    let executor = fixture::two_worker_executor()?;
    let multi_thread = executor.block_on({
        let runtime = std::sync::Arc::clone(&runtime);
        async move {
            tokio::spawn(async move { time_calls(&runtime, &tool, &policy, calls).await })
                .await
                .map_err(|error| anyhow::anyhow!("the timing task failed: {error}"))?
        }
    })?;

    Ok(LatencyReport {
        tool: "hello".to_owned(),
        policy: "deny-all".to_owned(),
        current_thread: Summary::of_durations(&current_thread),
        multi_thread: Summary::of_durations(&multi_thread),
    })
}

/// Warms up, then returns the duration of each of `calls` sequential calls as the caller sees it.
async fn time_calls(runtime: &Runtime, tool: &Tool, policy: &Policy, calls: usize) -> anyhow::Result<Vec<Duration>> {
    for _ in 0..WARMUP_CALLS {
        let outcome = runtime.run(tool, policy, Call::new()).await?;
        expect_success(&outcome, "hello")?;
    }
    let mut samples = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        let outcome = runtime.run(tool, policy, Call::new()).await?;
        samples.push(started.elapsed());
        expect_success(&outcome, "hello")?;
    }
    Ok(samples)
}
