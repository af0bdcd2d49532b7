//! What every in-process suite shares: the repository's paths, the runtime, loaded guest tools, policies and the
//! process's resident memory.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use cordon_policy::Policy;
use cordon_runtime::{Outcome, Runtime, RuntimeConfig, Status, Tool};

/// Paths the suites read from: the repository and its built guest components.
#[derive(Debug, Clone)]
pub struct Paths {
    pub repo: PathBuf,
    pub guests: PathBuf,
    pub cache: PathBuf,
}

impl Paths {
    /// Returns the paths of this checkout, with the compiled-component cache at `cache`.
    pub fn new(cache: PathBuf) -> Paths {
        let repo =
            Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("benches/ sits in the repository root").to_owned();
        let guests = repo.join("guest-tools/target/wasm32-wasip2/release");
        Paths { repo, guests, cache }
    }

    /// Returns the path of a built guest component.
    ///
    /// # Errors
    ///
    /// Fails with the build command when the guest is missing.
    pub fn guest(&self, name: &str) -> anyhow::Result<PathBuf> {
        let path = self.guests.join(format!("{name}.wasm"));
        if !path.is_file() {
            bail!("guest {} is not built (fix: run scripts/build-guests.sh)", path.display());
        }
        Ok(path)
    }
}

/// Creates a runtime with the bench's own cache directory and room for `max_concurrent_calls` calls.
pub fn runtime(paths: &Paths, max_concurrent_calls: u32) -> anyhow::Result<Runtime> {
    let config =
        RuntimeConfig { cache_dir: Some(paths.cache.clone()), max_concurrent_calls, ..RuntimeConfig::default() };
    Runtime::new(config).context("creating the runtime")
}

/// Loads a guest tool by name.
pub fn tool(runtime: &Runtime, paths: &Paths, name: &str) -> anyhow::Result<Tool> {
    let path = paths.guest(name)?;
    runtime.load_tool(&path).with_context(|| format!("loading {}", path.display()))
}

/// Parses a policy written inline, with relative host paths resolved against `workspace`.
pub fn policy(text: &str, workspace: &Path) -> anyhow::Result<Policy> {
    Policy::parse(text, "bench policy", workspace).map_err(|error| anyhow::anyhow!("invalid bench policy: {error}"))
}

/// Fails unless the call succeeded, so that no suite times calls that did something else.
pub fn expect_success(outcome: &Outcome, what: &str) -> anyhow::Result<()> {
    if outcome.status != Status::Success {
        bail!("{what} ended with {}: {}", outcome.status.kind(), outcome.stderr_text());
    }
    Ok(())
}

/// Returns this process's resident set size in bytes, from `VmRSS` in /proc/self/status.
pub fn resident_bytes() -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).context("no VmRSS line in /proc/self/status")?;
    let kib: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .with_context(|| format!("invalid VmRSS line {line:?}"))?;
    Ok(kib * 1024)
}

/// Builds the multi-threaded Tokio runtime the suites run calls on: two workers, one per core of the benchmark
/// machine, with the timer that Cordon's timeouts need.
pub fn two_worker_executor() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().context("building the executor")
}

/// Builds a single-threaded Tokio runtime with the timer enabled.
pub fn current_thread_executor() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().context("building the executor")
}
