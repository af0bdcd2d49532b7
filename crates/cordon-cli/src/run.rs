//! `cordon run`: one call of one tool component under one policy.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use bytesize::ByteSize;
use clap::Args;
use cordon_emulators::Service;
use cordon_policy::EmulatorKindSpec;
use cordon_policy::Policy;
use cordon_runtime::{
    AuditEvent, AuditLog, Call, CancellationToken, CapturedOutput, Outcome, Runtime, RuntimeConfig, Status, Stdin,
    ToolKind, Verdict,
};

use crate::exit;
use crate::failure::Failure;

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The policy file that grants what the tool may use [default: deny everything, with the default limits:
    /// 2e9 instructions of fuel, 64 MiB memory, 5 s timeout, 1 MiB stdout, 256 KiB stderr, 20000 table elements,
    /// 50 instances, 4096 handles].
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,

    /// The directory that relative `host` and `scp` paths in the policy resolve against, never the policy file's
    /// folder [default: the current directory].
    #[arg(long, value_name = "DIR")]
    workspace: Option<PathBuf>,

    /// Print the outcome as JSON on stdout (status kind, stdout and stderr with truncation flags, fuel used, peak
    /// memory in bytes, duration in microseconds) instead of the tool's own output.
    #[arg(long)]
    json: bool,

    /// After the tool's output, print one line on stderr with the outcome kind, fuel used, peak memory and duration.
    #[arg(long, conflicts_with = "json")]
    summary: bool,

    /// After the tool's output, print the audit trail on stderr: one line per HTTP request the tool made, allowed
    /// or denied, with the rule that decided.
    #[arg(long, conflicts_with = "json")]
    audit: bool,

    /// Copy the scratch directory's contents to DIR after the call (DIR must not exist yet), so what the tool wrote
    /// there outlives the call.
    #[arg(long, value_name = "DIR")]
    keep_scratch: Option<PathBuf>,

    /// Append the call's audit events to FILE as JSON lines (created if missing).
    #[arg(long, value_name = "FILE")]
    audit_log: Option<PathBuf>,

    /// The directory of compiled components [default: $CORDON_CACHE_DIR, else $XDG_CACHE_HOME/cordon, else
    /// ~/.cache/cordon].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// Compile the component in memory and write nothing to the cache; overrides --cache-dir.
    #[arg(long)]
    no_cache: bool,

    /// The tool: a WebAssembly command component built for wasm32-wasip2.
    #[arg(value_name = "TOOL.wasm")]
    tool: PathBuf,

    /// Arguments passed to the tool. Everything after TOOL.wasm goes to the tool, options included; a `--` before
    /// them is optional. The tool receives its file name as its first argument.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "ARGS")]
    args: Vec<String>,
}

pub(crate) fn run(args: RunArgs) -> ExitCode {
    execute(args).unwrap_or_else(Failure::report)
}

fn execute(args: RunArgs) -> Result<ExitCode, Failure> {
    let workspace = absolute_workspace(args.workspace.clone());
    if !workspace.is_dir() {
        return Err(Failure::usage(anyhow::anyhow!(
            "workspace {} is not a directory (fix: pass --workspace with an existing directory)",
            workspace.display()
        )));
    }
    let mut policy = match &args.policy {
        Some(path) => Policy::load(path, &workspace).map_err(Failure::usage)?,
        None => Policy::deny_all(),
    };
    fill_emulator_endpoints(&mut policy);

    let config = RuntimeConfig {
        cache_dir: if args.no_cache { None } else { args.cache_dir.clone().or_else(cordon_runtime::default_cache_dir) },
        // One call per process: a small pool reserves less address space and starts faster.
        max_concurrent_calls: 2,
        ..RuntimeConfig::default()
    };
    let runtime = Runtime::new(config).map_err(Failure::internal)?;
    let tool = runtime.load_tool(&args.tool).map_err(Failure::usage)?;
    if tool.kind() == ToolKind::Typed {
        let names: Vec<&str> = tool.functions().iter().map(|function| function.name()).collect();
        return Err(Failure::usage(anyhow::anyhow!(
            "{} is a typed tool exporting {}, not a command (fix: serve it over MCP with `cordon serve --tools FILE`)",
            args.tool.display(),
            names.join(", ")
        )));
    }

    let mut call = Call::new().args(args.args.iter().cloned()).stdin(Stdin::Reader(Box::new(tokio::io::stdin())));
    if let Some(destination) = &args.keep_scratch {
        if policy.scratch.is_none() {
            return Err(Failure::usage(anyhow::anyhow!(
                "--keep-scratch needs a policy with a [scratch] directory (fix: add [scratch] guest = \"/scratch\" to {})",
                policy.origin
            )));
        }
        if destination.exists() {
            return Err(Failure::usage(anyhow::anyhow!(
                "--keep-scratch {} already exists (fix: name a directory that does not exist yet)",
                destination.display()
            )));
        }
        call = call.keep_scratch(destination);
    }
    if let Some(path) = &args.audit_log {
        let log = AuditLog::open(path)
            .with_context(|| format!("cannot open audit log {} (fix: check that its directory exists)", path.display()))
            .map_err(Failure::usage)?;
        call = call.audit_log(log);
    }
    let executor = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async executor")
        .map_err(Failure::internal)?;
    // Ctrl-C cancels the call, so that the scratch directory is removed and the outcome still reported.
    let interrupt = CancellationToken::new();
    let call = call.cancel_on(interrupt.clone());
    let outcome = executor
        .block_on(async {
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    interrupt.cancel();
                }
            });
            runtime.run(&tool, &policy, call).await
        })
        .map_err(Failure::internal)?;

    if args.json {
        write_stdout(format!("{}\n", outcome.to_json()).as_bytes())
            .context("cannot write the outcome")
            .map_err(Failure::internal)?;
    } else {
        write_output(&outcome).context("cannot write the tool's output").map_err(Failure::internal)?;
        report(&args.tool, &policy, &outcome);
        if args.audit {
            for event in &outcome.audit {
                eprintln!("{}", audit_line(event));
            }
        }
        if args.summary {
            eprintln!("{}", summary_line(&outcome));
        }
    }
    let code = exit::for_status(&outcome.status);
    // The stdin reader may still be blocked on the terminal, so shut down without waiting for it.
    executor.shutdown_background();
    Ok(code)
}

fn write_output(outcome: &Outcome) -> std::io::Result<()> {
    write_stdout(&outcome.stdout.bytes)?;
    let mut stderr = std::io::stderr().lock();
    stderr.write_all(&outcome.stderr.bytes)?;
    stderr.flush()
}

/// Writes to stdout, treating a reader that went away (`cordon run ... | head`) as the end of the output rather
/// than as a failure.
pub(crate) fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Explains on stderr any ending other than the tool's own, and any output that was cut, naming the policy key.
fn report(tool: &Path, policy: &Policy, outcome: &Outcome) {
    let tool = tool.display();
    let origin = &policy.origin;
    match &outcome.status {
        Status::Success | Status::Exit { .. } => {}
        Status::Trap { message, .. } => eprintln!("cordon: {tool} trapped: {message}"),
        Status::FuelExhausted { limit } => {
            eprintln!("cordon: {tool} ran out of fuel after {limit} instructions (raise [limits] fuel in {origin})")
        }
        Status::MemoryLimit { limit, requested } => eprintln!(
            "cordon: {tool} hit the memory limit of {}, requested {} (raise [limits] memory in {origin})",
            ByteSize::b(*limit).display().iec(),
            ByteSize::b(*requested).display().iec()
        ),
        Status::InstanceLimit { limit } => eprintln!(
            "cordon: {tool} needs more than {limit} instances, memories or tables (raise [limits] instances in {origin})"
        ),
        Status::TableLimit { limit } => {
            eprintln!(
                "cordon: {tool} needed a table of more than {limit} elements (raise [limits] table-elements in {origin})"
            )
        }
        Status::Timeout { limit_ms } => {
            eprintln!("cordon: {tool} timed out after {limit_ms} ms (raise [limits] timeout in {origin})")
        }
        Status::HandleLimit { limit } => eprintln!(
            "cordon: {tool} tried to hold more than {limit} open files, streams or other handles at once (raise [limits] handles in {origin})"
        ),
        Status::Cancelled => eprintln!("cordon: {tool} was interrupted"),
    }
    report_truncation("stdout", &outcome.stdout, origin);
    report_truncation("stderr", &outcome.stderr, origin);
}

fn report_truncation(stream: &str, captured: &CapturedOutput, origin: &str) {
    if captured.truncated {
        eprintln!(
            "cordon: {stream} truncated: the tool wrote {} bytes and {} were kept (raise [limits] {stream} in {origin})",
            captured.written,
            captured.bytes.len()
        );
    }
}

/// Formats the one-line summary `--summary` prints, for example
/// `cordon: outcome success, fuel used 1834211, peak memory 1.1 MiB, 2.9 ms`.
fn summary_line(outcome: &Outcome) -> String {
    let status = match &outcome.status {
        Status::Exit { code } => format!("exit {code}"),
        other => other.kind().to_owned(),
    };
    format!(
        "cordon: outcome {status}, fuel used {}, peak memory {}, {:.1} ms",
        outcome.fuel_used,
        ByteSize::b(outcome.peak_memory).display().iec(),
        outcome.duration.as_secs_f64() * 1000.0
    )
}

/// Returns the workspace as an absolute path, so that messages about paths resolved against it name a real place.
/// A workspace that cannot be resolved is returned as given, for the caller's own check to report.
pub(crate) fn absolute_workspace(workspace: Option<PathBuf>) -> PathBuf {
    let workspace = workspace.unwrap_or_else(|| PathBuf::from("."));
    std::path::absolute(&workspace).unwrap_or(workspace)
}

/// Fills in the endpoint of every emulator the policy declares without one, from the emulators that
/// `cordon emulators start` recorded. An emulator left without an endpoint gets a warning, and the shim refuses
/// requests routed to it with the same fix.
pub(crate) fn fill_emulator_endpoints(policy: &mut Policy) {
    if policy.network.emulators.iter().all(|emulator| emulator.endpoint.is_some()) {
        return;
    }
    let state =
        cordon_emulators::default_state_dir().ok().and_then(|dir| cordon_emulators::load_state(&dir).ok().flatten());
    for emulator in &mut policy.network.emulators {
        if emulator.endpoint.is_some() {
            continue;
        }
        let service = match emulator.kind {
            EmulatorKindSpec::Aws { .. } => Service::Aws,
            EmulatorKindSpec::Azure { .. } => Service::AzureBlob,
        };
        emulator.endpoint = state.as_ref().and_then(|state| state.endpoint(service)).map(str::to_owned);
        if emulator.endpoint.is_none() {
            eprintln!(
                "cordon: warning: emulator {} has no endpoint and none is running, so requests routed to it will be \
                 refused (fix: run `cordon emulators start`, or set endpoint in the policy)",
                emulator.name
            );
        }
    }
}

/// Formats one audit event for `--audit`, for example
/// `cordon: http allowed PUT reports.s3.amazonaws.com/notes.md -> aws s3:PutObject us-east-1: 200, 120 B sent, 0 B received`.
fn audit_line(event: &AuditEvent) -> String {
    let verdict = match event.verdict {
        Verdict::Allowed => "allowed",
        Verdict::Denied => "denied",
        Verdict::Failed => "failed",
    };
    let mut line = format!("cordon: http {verdict} {} {}{}", event.method, event.authority, event.path);
    if let Some(emulator) = &event.emulator {
        line.push_str(&format!(" -> {emulator}"));
    }
    if let Some(action) = &event.action {
        line.push_str(&format!(" {action}"));
    }
    if let Some(region) = &event.region {
        line.push_str(&format!(" {region}"));
    }
    match event.verdict {
        Verdict::Allowed => line.push_str(&format!(
            ": {}, {} B sent, {} B received{}",
            event.status.unwrap_or_default(),
            event.request_bytes,
            event.response_bytes,
            if event.response_truncated { " (cut at the response budget)" } else { "" }
        )),
        Verdict::Denied | Verdict::Failed => {
            let rule = event.rule.as_deref().unwrap_or("emulator");
            let reason = event.reason.as_deref().unwrap_or_default();
            line.push_str(&format!(": {rule}: {reason}"));
        }
    }
    line
}
