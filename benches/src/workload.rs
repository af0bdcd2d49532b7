//! A real workload: the `grep` tool searching this repository's `crates/` directory, in-process.
//!
//! The CLI and native runs of the same search start one process per call, so `scripts/bench.sh` times them with
//! hyperfine. This suite times the in-process calls and records how many lines they printed, so that the page can
//! show that every variant did the same work.

use std::time::Instant;

use anyhow::bail;
use cordon_policy::Policy;
use cordon_runtime::Call;
use serde::Serialize;

use crate::fixture::{self, Paths, expect_success};
use crate::stats::Summary;

/// The search every variant runs: `grep -rn PATTERN crates`.
pub const PATTERN: &str = "fuel";

#[derive(Debug, Serialize)]
pub struct WorkloadReport {
    pub command: String,
    pub policy: String,
    /// The number of lines of the search's output.
    pub output_lines: usize,
    pub output_bytes: usize,
    pub calls: Summary,
}

/// Times `calls` in-process calls of `grep -rn PATTERN crates` under `policies/workspace-read-only.toml`.
pub fn run(paths: &Paths, calls: usize) -> anyhow::Result<WorkloadReport> {
    let runtime = fixture::runtime(paths, cordon_runtime::RuntimeConfig::default().max_concurrent_calls)?;
    let tool = fixture::tool(&runtime, paths, "grep")?;
    let policy_path = paths.repo.join("policies/workspace-read-only.toml");
    let policy = Policy::load(&policy_path, &paths.repo).map_err(|error| anyhow::anyhow!("{error}"))?;
    let executor = fixture::two_worker_executor()?;

    executor.block_on(async move {
        let search = || Call::new().args(["-rn", PATTERN, "crates"]);
        let mut output = None;
        let mut samples = Vec::with_capacity(calls);
        for index in 0..calls + 5 {
            let started = Instant::now();
            let outcome = runtime.run(&tool, &policy, search()).await?;
            let elapsed = started.elapsed();
            expect_success(&outcome, "grep")?;
            if outcome.stdout.truncated {
                bail!("grep's output passed the policy's stdout limit; choose a rarer pattern");
            }
            if index >= 5 {
                samples.push(elapsed);
            }
            output = Some(outcome.stdout.bytes);
        }
        let output = output.unwrap_or_default();
        Ok(WorkloadReport {
            command: format!("grep -rn {PATTERN} crates"),
            policy: "policies/workspace-read-only.toml".to_owned(),
            output_lines: output.iter().filter(|&&byte| byte == b'\n').count(),
            output_bytes: output.len(),
            calls: Summary::of_durations(&samples),
        })
    })
}
