//! Resident memory of the host process with idle calls in flight.
//!
//! Each idle call runs the `stdin-block` guest with standard input that stays open and sends nothing, so the call
//! keeps its store, its instance and its fiber stack while blocked in the host. The suite reads `VmRSS` once the
//! calls are blocked, then closes their inputs so that every call ends with success.

use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use cordon_runtime::{Call, Runtime, Stdin, Tool};
use serde::Serialize;

use crate::fixture::{self, Paths, expect_success, resident_bytes};

/// The numbers of idle calls kept in flight at once.
pub const LEVELS: [usize; 3] = [1, 100, 1_000];

/// Room in the allocator's pools beyond the largest level.
const MAX_CONCURRENT_CALLS: u32 = 1_100;

/// How long the suite waits for `VmRSS` to stop changing once the calls are started.
const SETTLE_POLL: Duration = Duration::from_millis(200);
const SETTLE_LIMIT: Duration = Duration::from_secs(30);
const SETTLE_BYTES: u64 = 64 * 1024;

#[derive(Debug, Serialize)]
pub struct MemoryReport {
    pub tool: String,
    /// `VmRSS` with the runtime created, the tool loaded and 20 sequential calls finished, but no call in flight.
    pub baseline_bytes: u64,
    pub levels: Vec<Level>,
    /// The guest's linear memory at the end of one call: what the guest itself allocated, resident or not.
    pub guest_linear_memory_bytes: u64,
}

#[derive(Debug, Serialize)]
pub struct Level {
    pub idle_calls: usize,
    pub resident_bytes: u64,
    /// `(resident_bytes - baseline_bytes) / idle_calls`.
    pub bytes_per_call: f64,
}

/// Measures each level of [`LEVELS`] in turn.
pub fn run(paths: &Paths) -> anyhow::Result<MemoryReport> {
    let runtime = Arc::new(fixture::runtime(paths, MAX_CONCURRENT_CALLS)?);
    let tool = fixture::tool(&runtime, paths, "stdin-block")?;
    let executor = fixture::two_worker_executor()?;

    executor.block_on(async move {
        let mut guest_linear_memory_bytes = 0;
        for _ in 0..20 {
            let outcome = runtime.run(&tool, &idle_policy()?, Call::new()).await?;
            expect_success(&outcome, "stdin-block")?;
            guest_linear_memory_bytes = outcome.peak_memory;
        }
        // No larger warm-up: a slot that a call used keeps the pages the call wrote resident after it ends, so a
        // baseline read after many calls would already contain most of what the idle calls cost.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let baseline_bytes = resident_bytes()?;

        let mut levels = Vec::new();
        for idle_calls in LEVELS {
            let mut resident = 0;
            hold_idle_calls(&runtime, &tool, idle_calls, |bytes| {
                resident = bytes;
                Ok(())
            })
            .await?;
            levels.push(Level {
                idle_calls,
                resident_bytes: resident,
                bytes_per_call: (resident as f64 - baseline_bytes as f64) / idle_calls as f64,
            });
        }
        Ok(MemoryReport { tool: "stdin-block".to_owned(), baseline_bytes, levels, guest_linear_memory_bytes })
    })
}

/// Returns the policy of an idle call: the deny-all defaults with a timeout long enough that no call ends while it
/// is measured.
fn idle_policy() -> anyhow::Result<cordon_policy::Policy> {
    fixture::policy("[limits]\ntimeout = \"120s\"\n", std::path::Path::new("."))
}

/// Starts `count` idle calls, reads `VmRSS` once it settles and hands it to `measured`, then ends the calls and
/// checks that each succeeded.
async fn hold_idle_calls(
    runtime: &Arc<Runtime>,
    tool: &Tool,
    count: usize,
    mut measured: impl FnMut(u64) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let policy = Arc::new(idle_policy()?);
    let mut writers = Vec::with_capacity(count);
    let mut calls = Vec::with_capacity(count);
    for _ in 0..count {
        let (reader, writer) = tokio::io::duplex(64);
        writers.push(writer);
        let (runtime, tool, policy) = (Arc::clone(runtime), tool.clone(), Arc::clone(&policy));
        calls.push(tokio::spawn(async move {
            runtime.run(&tool, &policy, Call::new().stdin(Stdin::Reader(Box::new(reader)))).await
        }));
    }

    measured(settled_resident_bytes(&calls).await?)?;

    drop(writers);
    for call in calls {
        let outcome = call.await??;
        expect_success(&outcome, "stdin-block")?;
        if outcome.stdout_text().trim() != "read 0 bytes" {
            bail!("an idle call read input it was never sent: {}", outcome.stdout_text());
        }
    }
    Ok(())
}

/// Waits until `VmRSS` changes by less than [`SETTLE_BYTES`] between two polls and returns it. Fails if a call
/// ended early, because an ended call has released its memory.
async fn settled_resident_bytes<T>(calls: &[tokio::task::JoinHandle<T>]) -> anyhow::Result<u64> {
    let mut waited = Duration::ZERO;
    let mut previous = resident_bytes()?;
    loop {
        tokio::time::sleep(SETTLE_POLL).await;
        waited += SETTLE_POLL;
        if calls.iter().any(|call| call.is_finished()) {
            bail!("an idle call ended before its memory was measured");
        }
        let current = resident_bytes()?;
        if current.abs_diff(previous) < SETTLE_BYTES || waited >= SETTLE_LIMIT {
            return Ok(current);
        }
        previous = current;
    }
}
