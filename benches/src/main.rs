//! `cordon-bench`: Cordon's benchmark driver.
//!
//! Each subcommand measures one thing in this process and writes its figures as JSON; `report` turns those files,
//! together with hyperfine's and criterion's, into the tables of `BENCHMARKS.md`. `scripts/bench.sh` runs them
//! all in order, with the builds and installs they need.

mod fixture;
mod latency;
mod memory;
mod report;
mod shim;
mod stats;
mod throughput;
mod workload;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde::Serialize;

use fixture::Paths;

#[derive(Parser)]
#[command(about = "Measures Cordon and writes the figures as JSON")]
struct Arguments {
    /// The directory the JSON results are written to.
    #[arg(long, default_value = "target/bench-results")]
    results: PathBuf,
    /// The compiled-component cache of the in-process suites.
    #[arg(long, default_value = "target/bench-results/cache")]
    cache: PathBuf,
    #[command(subcommand)]
    suite: Suite,
}

#[derive(Subcommand)]
enum Suite {
    /// Per-call latency of the trivial `hello` tool, every call timed (latency.json).
    Latency {
        #[arg(long, default_value_t = 20_000)]
        calls: usize,
    },
    /// Calls per second of `hello` with 1, 2, 8 and 64 calls in flight on two workers (throughput.json).
    Throughput {
        /// Timed calls at each level.
        #[arg(long, default_value_t = 20_000)]
        calls: usize,
    },
    /// Latency a request gains by going through the shim instead of straight from the host (shim.json).
    Shim {
        /// Timed requests on each path.
        #[arg(long, default_value_t = 10_000)]
        requests: usize,
        /// Requests the guest sends in one call.
        #[arg(long, default_value_t = 1_000)]
        per_call: usize,
    },
    /// Resident memory with 1, 100 and 1,000 idle calls in flight (memory.json).
    Memory,
    /// `grep -rn` over this repository's crates/, in-process (grep.json).
    Grep {
        #[arg(long, default_value_t = 50)]
        calls: usize,
    },
    /// Writes the result tables of BENCHMARKS.md from the JSON files in the results directory.
    Report {
        /// The page whose marked section is replaced.
        #[arg(long, default_value = "BENCHMARKS.md")]
        page: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    let arguments = Arguments::parse();
    let paths = Paths::new(absolute(&arguments.cache)?);
    let results = &arguments.results;
    std::fs::create_dir_all(results).with_context(|| format!("creating {}", results.display()))?;

    match arguments.suite {
        Suite::Latency { calls } => write(results, "latency", &latency::run(&paths, calls)?),
        Suite::Throughput { calls } => write(results, "throughput", &throughput::run(&paths, calls)?),
        Suite::Shim { requests, per_call } => write(results, "shim", &shim::run(&paths, requests, per_call)?),
        Suite::Memory => write(results, "memory", &memory::run(&paths)?),
        Suite::Grep { calls } => write(results, "grep", &workload::run(&paths, calls)?),
        Suite::Report { page } => report::write_page(results, &page),
    }
}

/// Writes `value` as pretty JSON to `DIR/NAME.json` and prints it.
fn write(dir: &Path, name: &str, value: &impl Serialize) -> anyhow::Result<()> {
    let path = dir.join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(value)?;
    std::fs::write(&path, format!("{text}\n")).with_context(|| format!("writing {}", path.display()))?;
    println!("{name}: {}", path.display());
    println!("{text}");
    Ok(())
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    Ok(std::env::current_dir()?.join(path))
}
