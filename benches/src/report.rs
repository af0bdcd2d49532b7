//! Writes the result tables of BENCHMARKS.md from the JSON files of one run: this driver's own, hyperfine's
//! (`--export-json`) and criterion's estimates.
//!
//! Only the part of the page between [`BEGIN`] and [`END`] is replaced; the prose around it is written by hand.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::stats::Summary;

pub const BEGIN: &str = "<!-- results:begin (written by scripts/bench.sh; edits here are overwritten) -->";
pub const END: &str = "<!-- results:end -->";

/// The design targets, each checked against this run's figures.
const TARGET_P50_NANOS: f64 = 50_000.0;
const TARGET_P99_NANOS: f64 = 250_000.0;
const TARGET_RATIO: f64 = 100.0;
const TARGET_CALLS_PER_SECOND: f64 = 20_000.0;
const TARGET_SHIM_P50_NANOS: f64 = 100_000.0;
const TARGET_BYTES_PER_IDLE_CALL: f64 = 1024.0 * 1024.0;
const TARGET_RSS_1000_CALLS: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;
const TARGET_WARM_START_NANOS: f64 = 20_000_000.0;

/// Replaces the marked section of `page` with tables made from the files in `results`.
pub fn write_page(results: &Path, page: &Path) -> anyhow::Result<()> {
    let tables = tables(results)?;
    let text = std::fs::read_to_string(page).with_context(|| format!("reading {}", page.display()))?;
    let (Some(begin), Some(end)) = (text.find(BEGIN), text.find(END)) else {
        bail!("{} has no section between {BEGIN} and {END} (fix: add both lines)", page.display());
    };
    let updated = format!("{}{BEGIN}\n\n{tables}\n{}", &text[..begin], &text[end..]);
    std::fs::write(page, updated).with_context(|| format!("writing {}", page.display()))?;
    println!("report: wrote the result tables of {}", page.display());
    Ok(())
}

/// One process-per-call command as hyperfine measured it.
struct Timed {
    name: String,
    summary: Summary,
}

fn tables(results: &Path) -> anyhow::Result<String> {
    let machine: Value = read(results, "machine.json")?;
    let latency: Value = read(results, "latency.json")?;
    let throughput: Value = read(results, "throughput.json")?;
    let shim: Value = read(results, "shim.json")?;
    let memory: Value = read(results, "memory.json")?;
    let grep: Value = read(results, "grep.json")?;
    let grep_lines: Value = read(results, "grep-lines.json")?;
    let peers = hyperfine(results, "peers.json")?;
    let cold = hyperfine(results, "cold.json")?;
    let grep_peers = hyperfine(results, "grep-peers.json")?;

    let current_thread: Summary = serde_json::from_value(latency["current_thread"].clone())?;
    let multi_thread: Summary = serde_json::from_value(latency["multi_thread"].clone())?;
    // The ratios divide by the slower of the two in-process figures, so that neither executor flatters Cordon.
    let reference = current_thread.p50.max(multi_thread.p50);

    let mut out = String::new();
    machine_table(&mut out, &machine)?;
    per_call_table(&mut out, results, &current_thread, &multi_thread, &peers, reference)?;
    throughput_table(&mut out, &throughput)?;
    shim_table(&mut out, &shim)?;
    memory_table(&mut out, &memory)?;
    start_table(&mut out, &cold, &peers)?;
    grep_table(&mut out, &grep, &grep_lines, &grep_peers)?;
    targets_table(&mut out, &current_thread, &multi_thread, &peers, &throughput, &shim, &memory, reference)?;
    Ok(out)
}

fn machine_table(out: &mut String, machine: &Value) -> anyhow::Result<()> {
    let text = |key: &str| machine[key].as_str().unwrap_or("unknown").to_owned();
    let memory_gib = machine["memory_kib"].as_f64().unwrap_or(0.0) / (1024.0 * 1024.0);
    writeln!(out, "### Machine\n")?;
    writeln!(out, "| | |\n| --- | --- |")?;
    writeln!(out, "| CPU | {} |", text("cpu"))?;
    writeln!(out, "| cores | {} |", machine["cores"])?;
    writeln!(out, "| memory | {memory_gib:.1} GiB |")?;
    writeln!(out, "| kernel | Linux {} |", text("kernel"))?;
    writeln!(out, "| load average at the start (1, 5, 15 min) | {} |", text("load_average"))?;
    writeln!(out, "| `RUST_BACKTRACE` | {} |", text("rust_backtrace"))?;
    writeln!(out, "| compiler | {} |", text("rustc"))?;
    writeln!(out, "| wasmtime in Cordon | {} |", text("cordon_wasmtime"))?;
    writeln!(out, "| wasmtime CLI | {} |", text("wasmtime_cli"))?;
    writeln!(out, "| hyperfine, bubblewrap | {}, {} |", text("hyperfine"), text("bubblewrap"))?;
    writeln!(out, "| date | {} |\n", text("date"))?;
    Ok(())
}

fn per_call_table(
    out: &mut String,
    results: &Path,
    current_thread: &Summary,
    multi_thread: &Summary,
    peers: &[Timed],
    reference: f64,
) -> anyhow::Result<()> {
    writeln!(out, "### One call of a trivial tool (`hello`)\n")?;
    writeln!(out, "Ratio: the row's p50 divided by Cordon's slower in-process p50 ({}).\n", duration(reference))?;
    writeln!(out, "| how | calls | p50 | p99 | mean ± stddev | min / max | ratio |")?;
    writeln!(out, "| --- | --: | --: | --: | --: | --: | --: |")?;
    summary_row(out, "Cordon in-process, current-thread executor", current_thread, reference)?;
    summary_row(out, "Cordon in-process, two-worker executor", multi_thread, reference)?;
    for timed in peers {
        let label = match timed.name.as_str() {
            "cordon-run" => "`cordon run`, one process per call, cache warm",
            "wasmtime-run" => "`wasmtime run hello.wasm`, one process per call",
            "wasmtime-run-precompiled" => "`wasmtime run --allow-precompiled hello.cwasm`, one process per call",
            "bubblewrap-native" => "bubblewrap running the native `hello`, one sandbox per call",
            "native" => "native `hello`, no sandbox (reference)",
            other => other,
        };
        summary_row(out, label, &timed.summary, reference)?;
    }
    writeln!(out)?;

    writeln!(out, "Criterion (`cargo bench -p cordon-runtime --bench call`), time per call over batches of calls:\n")?;
    writeln!(out, "| executor | median [95% interval] | mean [95% interval] |")?;
    writeln!(out, "| --- | --: | --: |")?;
    for variant in ["current-thread", "multi-thread"] {
        let estimates: Value = read(results, &format!("criterion-{variant}.json"))?;
        writeln!(out, "| {variant} | {} | {} |", estimate(&estimates["median"]), estimate(&estimates["mean"]))?;
    }
    writeln!(out)?;
    Ok(())
}

fn throughput_table(out: &mut String, throughput: &Value) -> anyhow::Result<()> {
    writeln!(out, "### Throughput of `hello` on two workers\n")?;
    writeln!(out, "| calls in flight | calls | calls/s | call latency p50 | p99 | max |")?;
    writeln!(out, "| --: | --: | --: | --: | --: | --: |")?;
    for level in array(throughput, "levels")? {
        let latency: Summary = serde_json::from_value(level["latency"].clone())?;
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            level["in_flight"],
            thousands(level["calls"].as_f64().unwrap_or(0.0)),
            thousands(level["calls_per_second"].as_f64().unwrap_or(0.0)),
            duration(latency.p50),
            duration(latency.p99),
            duration(latency.max),
        )?;
    }
    writeln!(out)?;
    Ok(())
}

fn shim_table(out: &mut String, shim: &Value) -> anyhow::Result<()> {
    writeln!(out, "### Shim overhead per HTTP request\n")?;
    writeln!(
        out,
        "{} requests per path. The guest sends {} per call. The response body has {} bytes.\n",
        thousands(shim["multi_thread"]["direct"]["count"].as_f64().unwrap_or(0.0)),
        thousands(shim["requests_per_call"].as_f64().unwrap_or(0.0)),
        shim["response_bytes"]
    )?;
    writeln!(out, "| executor | path | p50 | p90 | p99 | mean ± stddev | min / max |")?;
    writeln!(out, "| --- | --- | --: | --: | --: | --: | --: |")?;
    for (key, label) in [("current_thread", "current-thread"), ("multi_thread", "two workers")] {
        let run = &shim[key];
        for (path, name) in [
            ("direct", "host hyper client, direct"),
            ("direct_spawned", "host hyper client, one task per request"),
            ("through_shim", "guest through the shim"),
            ("empty_calls", "whole `http-get` call sending nothing"),
        ] {
            let summary: Summary = serde_json::from_value(run[path].clone())?;
            writeln!(
                out,
                "| {label} | {name} | {} | {} | {} | {} ± {} | {} / {} |",
                duration(summary.p50),
                duration(summary.p90),
                duration(summary.p99),
                duration(summary.mean),
                duration(summary.stddev),
                duration(summary.min),
                duration(summary.max),
            )?;
        }
        writeln!(
            out,
            "| {label} | **added by the shim** | **{}** | | **{}** | | |",
            duration(run["added_p50"].as_f64().unwrap_or(f64::NAN)),
            duration(run["added_p99"].as_f64().unwrap_or(f64::NAN)),
        )?;
    }
    writeln!(out)?;
    Ok(())
}

fn memory_table(out: &mut String, memory: &Value) -> anyhow::Result<()> {
    writeln!(out, "### Resident memory with idle calls (`stdin-block`)\n")?;
    writeln!(
        out,
        "Baseline `VmRSS` (runtime, tool loaded, no call in flight): {}. The guest's own linear memory: {} a call.\n",
        bytes(memory["baseline_bytes"].as_f64().unwrap_or(0.0)),
        bytes(memory["guest_linear_memory_bytes"].as_f64().unwrap_or(0.0)),
    )?;
    writeln!(out, "| idle calls | `VmRSS` | per call above the baseline |")?;
    writeln!(out, "| --: | --: | --: |")?;
    for level in array(memory, "levels")? {
        writeln!(
            out,
            "| {} | {} | {} |",
            thousands(level["idle_calls"].as_f64().unwrap_or(0.0)),
            bytes(level["resident_bytes"].as_f64().unwrap_or(0.0)),
            bytes(level["bytes_per_call"].as_f64().unwrap_or(0.0)),
        )?;
    }
    writeln!(out)?;
    Ok(())
}

fn start_table(out: &mut String, cold: &[Timed], peers: &[Timed]) -> anyhow::Result<()> {
    writeln!(out, "### Start of `cordon run hello.wasm`\n")?;
    writeln!(out, "| cache | runs | p50 | p99 | mean ± stddev | min / max |")?;
    writeln!(out, "| --- | --: | --: | --: | --: | --: |")?;
    let warm = find(peers, "cordon-run")?;
    let cold = find(cold, "cordon-run-cold")?;
    for (label, summary) in [("empty (compiles the component)", &cold.summary), ("warm", &warm.summary)] {
        writeln!(
            out,
            "| {label} | {} | {} | {} | {} ± {} | {} / {} |",
            summary.count,
            duration(summary.p50),
            duration(summary.p99),
            duration(summary.mean),
            duration(summary.stddev),
            duration(summary.min),
            duration(summary.max),
        )?;
    }
    writeln!(out)?;
    Ok(())
}

fn grep_table(out: &mut String, grep: &Value, lines: &Value, peers: &[Timed]) -> anyhow::Result<()> {
    let in_process: Summary = serde_json::from_value(grep["calls"].clone())?;
    writeln!(out, "### Real workload: `{}` over this repository\n", grep["command"].as_str().unwrap_or("grep"))?;
    writeln!(
        out,
        "Output lines: {} from Cordon's `grep` tool, {} from GNU grep. Ratio: the row's p50 divided by Cordon \
         in-process p50.\n",
        lines["cordon_lines"], lines["native_lines"]
    )?;
    writeln!(out, "| how | runs | p50 | p99 | mean ± stddev | min / max | ratio |")?;
    writeln!(out, "| --- | --: | --: | --: | --: | --: | --: |")?;
    summary_row(out, "Cordon in-process (`grep` tool, read-only workspace)", &in_process, in_process.p50)?;
    for timed in peers {
        let label = match timed.name.as_str() {
            "cordon-run" => "`cordon run grep.wasm`, one process per call",
            "bubblewrap-grep" => "GNU grep under bubblewrap, read-only bind of the repository",
            "grep" => "GNU grep, no sandbox (reference)",
            other => other,
        };
        summary_row(out, label, &timed.summary, in_process.p50)?;
    }
    writeln!(out)?;
    Ok(())
}

#[expect(clippy::too_many_arguments, reason = "one argument per result file the targets are checked against")]
fn targets_table(
    out: &mut String,
    current_thread: &Summary,
    multi_thread: &Summary,
    peers: &[Timed],
    throughput: &Value,
    shim: &Value,
    memory: &Value,
    reference: f64,
) -> anyhow::Result<()> {
    let worst_p99 = current_thread.p99.max(multi_thread.p99);
    let wasmtime = find(peers, "wasmtime-run")?.summary.p50.min(find(peers, "wasmtime-run-precompiled")?.summary.p50);
    let bubblewrap = find(peers, "bubblewrap-native")?.summary.p50;
    let best_throughput =
        array(throughput, "levels")?.iter().filter_map(|level| level["calls_per_second"].as_f64()).fold(0.0, f64::max);
    let shim_p50 = shim["current_thread"]["added_p50"]
        .as_f64()
        .unwrap_or(f64::NAN)
        .max(shim["multi_thread"]["added_p50"].as_f64().unwrap_or(f64::NAN));
    let levels = array(memory, "levels")?;
    let thousand = levels.last().context("memory.json has no levels")?;
    let per_call = thousand["bytes_per_call"].as_f64().unwrap_or(f64::NAN);
    let rss = thousand["resident_bytes"].as_f64().unwrap_or(f64::NAN);
    let warm = find(peers, "cordon-run")?.summary.p50;

    writeln!(out, "### Targets\n")?;
    writeln!(out, "| target | this run | met |")?;
    writeln!(out, "| --- | --- | --- |")?;
    let mut row = |target: &str, measured: String, met: bool| {
        writeln!(out, "| {target} | {measured} | {} |", if met { "yes" } else { "**no**" })
    };
    row(
        "p50 under 50 µs per trivial call",
        format!("{} (slower executor)", duration(reference)),
        reference < TARGET_P50_NANOS,
    )?;
    row(
        "p99 under 250 µs per trivial call",
        format!("{} (slower executor)", duration(worst_p99)),
        worst_p99 < TARGET_P99_NANOS,
    )?;
    row(
        "100× faster than one `wasmtime run` process per call",
        format!("{:.0}× (against the faster of the two `wasmtime run` rows)", wasmtime / reference),
        wasmtime / reference >= TARGET_RATIO,
    )?;
    row(
        "100× faster than bubblewrap per call",
        format!("{:.0}×", bubblewrap / reference),
        bubblewrap / reference >= TARGET_RATIO,
    )?;
    row(
        "over 20,000 calls/s on both cores",
        format!("{} calls/s (best level)", thousands(best_throughput)),
        best_throughput > TARGET_CALLS_PER_SECOND,
    )?;
    row(
        "shim overhead under 100 µs p50",
        format!("{} (slower executor)", duration(shim_p50)),
        shim_p50 < TARGET_SHIM_P50_NANOS,
    )?;
    row(
        "under 1 MiB per idle call beyond guest memory",
        format!("{} per call, guest memory included", bytes(per_call)),
        per_call < TARGET_BYTES_PER_IDLE_CALL,
    )?;
    row("1,000 idle calls under 2 GiB RSS", bytes(rss), rss < TARGET_RSS_1000_CALLS)?;
    row("warm-cache CLI start under 20 ms", format!("{} p50", duration(warm)), warm < TARGET_WARM_START_NANOS)?;
    writeln!(out)?;
    Ok(())
}

fn summary_row(out: &mut String, label: &str, summary: &Summary, reference: f64) -> anyhow::Result<()> {
    writeln!(
        out,
        "| {label} | {} | {} | {} | {} ± {} | {} / {} | {} |",
        thousands(summary.count as f64),
        duration(summary.p50),
        duration(summary.p99),
        duration(summary.mean),
        duration(summary.stddev),
        duration(summary.min),
        duration(summary.max),
        ratio(summary.p50 / reference),
    )?;
    Ok(())
}

/// Reads hyperfine's `--export-json` output: one entry per command, named by its `-n` label, with every run's time.
fn hyperfine(results: &Path, name: &str) -> anyhow::Result<Vec<Timed>> {
    let value: Value = read(results, name)?;
    array(&value, "results")?
        .iter()
        .map(|entry| {
            let times: Vec<f64> = serde_json::from_value(entry["times"].clone())
                .with_context(|| format!("{name}: a result without its run times"))?;
            Ok(Timed {
                name: entry["command"].as_str().unwrap_or("unnamed").to_owned(),
                summary: Summary::of_seconds(&times),
            })
        })
        .collect()
}

fn find<'a>(timed: &'a [Timed], name: &str) -> anyhow::Result<&'a Timed> {
    timed.iter().find(|entry| entry.name == name).with_context(|| format!("no hyperfine result named {name}"))
}

fn read<T: DeserializeOwned>(results: &Path, name: &str) -> anyhow::Result<T> {
    let path = results.join(name);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

fn array<'a>(value: &'a Value, key: &str) -> anyhow::Result<&'a Vec<Value>> {
    value[key].as_array().with_context(|| format!("no array {key:?} in a results file"))
}

/// Formats criterion's point estimate with its confidence interval, all in nanoseconds.
fn estimate(value: &Value) -> String {
    let point = value["point_estimate"].as_f64().unwrap_or(f64::NAN);
    let lower = value["confidence_interval"]["lower_bound"].as_f64().unwrap_or(f64::NAN);
    let upper = value["confidence_interval"]["upper_bound"].as_f64().unwrap_or(f64::NAN);
    format!("{} [{} – {}]", duration(point), duration(lower), duration(upper))
}

/// Formats nanoseconds with three significant digits in the largest unit that keeps the number at or above 1.
fn duration(nanos: f64) -> String {
    let (value, unit) = if nanos.abs() >= 1e9 {
        (nanos / 1e9, "s")
    } else if nanos.abs() >= 1e6 {
        (nanos / 1e6, "ms")
    } else if nanos.abs() >= 1e3 {
        (nanos / 1e3, "µs")
    } else {
        (nanos, "ns")
    };
    format!("{} {unit}", significant(value))
}

fn bytes(count: f64) -> String {
    if count.abs() >= 1024.0 * 1024.0 {
        format!("{} MiB", significant(count / (1024.0 * 1024.0)))
    } else if count.abs() >= 1024.0 {
        format!("{} KiB", significant(count / 1024.0))
    } else {
        format!("{count:.0} B")
    }
}

fn ratio(value: f64) -> String {
    if value >= 10.0 { format!("{value:.0}×") } else { format!("{value:.2}×") }
}

/// Rounds to three significant digits, without a fraction for values of 100 and more.
fn significant(value: f64) -> String {
    match value.abs() {
        magnitude if magnitude >= 100.0 => format!("{value:.0}"),
        magnitude if magnitude >= 10.0 => format!("{value:.1}"),
        _ => format!("{value:.2}"),
    }
}

/// Formats a whole number with commas between groups of three digits.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.round());
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest.to_owned()),
        None => ("", digits),
    };
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_their_unit() {
        assert_eq!(duration(812.0), "812 ns");
        assert_eq!(duration(8_193.0), "8.19 µs");
        assert_eq!(duration(27_390.0), "27.4 µs");
        assert_eq!(duration(6_300_000.0), "6.30 ms");
        assert_eq!(duration(1_500_000_000.0), "1.50 s");
    }

    #[test]
    fn thousands_grouped() {
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(20_000.0), "20,000");
        assert_eq!(thousands(1_234_567.4), "1,234,567");
    }

    #[test]
    fn bytes_pick_their_unit() {
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(22_000.0), "21.5 KiB");
        assert_eq!(bytes(110_788_608.0), "106 MiB");
    }
}
