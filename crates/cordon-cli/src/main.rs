//! The `cordon` command: runs WebAssembly tool components in a per-call sandbox and checks policies.
//!
//! `cordon run` loads one component, runs one call under a policy and exits with the tool's status or with a
//! documented code for each limit. `cordon check` validates a policy and describes what it grants. `cordon emulators`
//! starts, checks and stops the local cloud emulators that cloud requests are forwarded to. `cordon serve` offers
//! tools to agent runtimes over the Model Context Protocol.

mod check;
mod emulators;
mod exit;
mod failure;
mod run;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::exit::EXIT_CODES_HELP;

/// Run AI-agent tools as WebAssembly components, one sandboxed instance per call.
#[derive(Debug, Parser)]
#[command(name = "cordon", version, after_long_help = EXIT_CODES_HELP)]
struct Cli {
    /// Log more: once for each call's outcome, twice for loading and caching detail. `CORDON_LOG` (a tracing
    /// filter such as `cordon_runtime=debug`) overrides this.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one call of a tool component under a policy.
    #[command(after_long_help = EXIT_CODES_HELP)]
    Run(run::RunArgs),
    /// Validate a policy file and print what it grants.
    Check(check::CheckArgs),
    /// Serve the tools of a tools file to MCP clients, each call in a fresh sandbox.
    Serve(serve::ServeArgs),
    /// Start, check or stop the local cloud emulators (moto server, Azurite) that cloud requests are forwarded to.
    #[command(after_long_help = emulators::EMULATORS_HELP)]
    Emulators(emulators::EmulatorsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);

    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check(args) => check::check(args),
        Command::Serve(args) => serve::serve(args),
        Command::Emulators(args) => emulators::emulators(args),
    }
}

/// Sends logs to stderr, so that stdout carries only the tool's output or the JSON outcome.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env("CORDON_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
}
