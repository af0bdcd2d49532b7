//! `cordon emulators start|status|stop`: runs the local cloud emulators in the background, reports on them and stops
//! them, with a state file between the three commands.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use cordon_emulators::{
    EmulatorError, EmulatorHealth, EmulatorKind, EmulatorState, Emulators, STATE_FILE, StartOptions, check_state,
    default_state_dir, load_state, remove_state, save_state, stop_state,
};

use crate::exit;
use crate::run::write_stdout;

/// An emulator failed to start or stop, or `status` found one not running or not responding.
const FAILURE: u8 = 1;

pub(crate) const EMULATORS_HELP: &str = "\
The emulators come from scripts/setup-emulators.sh, which installs moto server (AWS: S3, DynamoDB, SQS and more)
and Azurite (Azure blob, queue and table storage) into .build/. `start` runs them in the background on free ports
of 127.0.0.1, never another address, and they keep running until `stop`. Azurite always runs with telemetry off.

LocalStack instead of moto: with Docker, run LocalStack bound to loopback
(docker run -p 127.0.0.1:4566:4566 localstack/localstack) and use http://127.0.0.1:4566 as the AWS endpoint.
Then start only Azurite here, or nothing.

Exit status:
  0  done; for `status`, every recorded emulator runs and responds
  1  an emulator failed to start or stop; for `status`, one is down or none was started
  2  usage error, emulators already running, or an emulator not installed";

#[derive(Debug, Args)]
pub(crate) struct EmulatorsArgs {
    /// The directory for the state file (emulators.json), the emulators' logs and Azurite's data [default:
    /// $XDG_STATE_HOME/cordon or ~/.local/state/cordon].
    #[arg(long, value_name = "DIR", env = "CORDON_STATE_DIR", global = true)]
    state_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: EmulatorsCommand,
}

#[derive(Debug, Subcommand)]
enum EmulatorsCommand {
    /// Start the emulators in the background, wait until they respond, and print their endpoints.
    Start(StartArgs),
    /// Report whether each recorded emulator is still running and responding to HTTP.
    Status,
    /// Stop the recorded emulators and delete the state file.
    Stop,
}

#[derive(Debug, Args)]
struct StartArgs {
    /// Start only this emulator [default: both].
    #[arg(long, value_enum, value_name = "EMULATOR")]
    only: Option<OnlyEmulator>,

    /// The directory scripts/setup-emulators.sh installed into [default: .build in the source tree cordon was built
    /// from].
    #[arg(long, value_name = "DIR")]
    install_root: Option<PathBuf>,

    /// Maximum seconds from spawning each emulator until it responds. A slower one fails the start.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = cordon_emulators::DEFAULT_READY_TIMEOUT.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    ready_timeout: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OnlyEmulator {
    Moto,
    Azurite,
}

pub(crate) fn emulators(args: EmulatorsArgs) -> ExitCode {
    let state_dir = match args.state_dir.map_or_else(default_state_dir, Ok) {
        Ok(dir) => dir,
        Err(error) => return fail(exit::USAGE, &error),
    };
    match args.command {
        EmulatorsCommand::Start(start_args) => start(&state_dir, start_args),
        EmulatorsCommand::Status => status(&state_dir),
        EmulatorsCommand::Stop => stop(&state_dir),
    }
}

fn start(state_dir: &Path, args: StartArgs) -> ExitCode {
    if let Some(code) = reject_if_running(state_dir) {
        return code;
    }

    let mut options = StartOptions::new(state_dir);
    if let Some(root) = args.install_root {
        options.install_root = root;
    }
    options.kinds = match args.only {
        Some(OnlyEmulator::Moto) => vec![EmulatorKind::Moto],
        Some(OnlyEmulator::Azurite) => vec![EmulatorKind::Azurite],
        None => EmulatorKind::ALL.to_vec(),
    };
    options.ready_timeout = Duration::from_secs(args.ready_timeout);

    // NOTE: Ctrl-C while this waits for the emulators ends `cordon` without running the drop that stops them. They
    // run in their own sessions, so they keep running with no state file and must be found with `ps` and killed.
    let running = match Emulators::start(&options) {
        Ok(running) => running,
        Err(error @ EmulatorError::NotInstalled { .. }) => return fail(exit::USAGE, &error),
        Err(error) => return fail(FAILURE, &error),
    };
    // The state is saved before detaching, so that dropping `running` stops the emulators if the file cannot be
    // written.
    let state = running.state();
    let state_file = match save_state(state_dir, &state) {
        Ok(path) => path,
        Err(error) => return fail(FAILURE, &error),
    };
    let _ = running.detach();

    print(&describe_started(&state, &state_file))
}

/// Returns the exit code to end `start` with if the state file lists emulators that still run. A state file whose
/// emulators have all died is deleted.
fn reject_if_running(state_dir: &Path) -> Option<ExitCode> {
    let state = match load_state(state_dir) {
        Ok(Some(state)) => state,
        Ok(None) => return None,
        Err(error) => return Some(fail(exit::USAGE, &error)),
    };

    let running: Vec<String> = check_state(&state)
        .iter()
        .filter(|health| health.running)
        .map(|health| format!("{} (pid {})", health.kind, health.pid))
        .collect();
    if !running.is_empty() {
        eprintln!(
            "cordon: emulators are already running: {}, recorded in {} (fix: run `cordon emulators stop` first)",
            running.join(", "),
            state_dir.join(STATE_FILE).display()
        );
        return Some(ExitCode::from(exit::USAGE));
    }

    tracing::info!(state_dir = %state_dir.display(), "deleting the state file of emulators that have exited");
    remove_state(state_dir).err().map(|error| fail(FAILURE, &error))
}

fn status(state_dir: &Path) -> ExitCode {
    let state = match load_state(state_dir) {
        Ok(Some(state)) => state,
        Ok(None) => {
            eprintln!("cordon: {}; start them with `cordon emulators start`", not_started(state_dir));
            return ExitCode::from(FAILURE);
        }
        Err(error) => return fail(exit::USAGE, &error),
    };

    let health = check_state(&state);
    let code = print(&describe_health(&health));
    if code != ExitCode::SUCCESS || health.iter().all(EmulatorHealth::is_healthy) {
        code
    } else {
        ExitCode::from(FAILURE)
    }
}

fn stop(state_dir: &Path) -> ExitCode {
    let state = match load_state(state_dir) {
        Ok(Some(state)) => state,
        Ok(None) => return print(&format!("{}; nothing to stop\n", not_started(state_dir))),
        Err(error) => return fail(exit::USAGE, &error),
    };

    // The state file stays when a stop fails, so that `stop` can be run again.
    if let Err(error) = stop_state(&state) {
        return fail(FAILURE, &error);
    }
    if let Err(error) = remove_state(state_dir) {
        return fail(FAILURE, &error);
    }
    let stopped: Vec<String> =
        state.emulators.iter().map(|record| format!("{} (pid {})", record.kind, record.pid)).collect();
    print(&format!("stopped {}\n", stopped.join(", ")))
}

fn describe_started(state: &EmulatorState, state_file: &Path) -> String {
    let mut text = String::new();
    for record in &state.emulators {
        let ready = Duration::from_millis(record.startup_ms).as_secs_f64();
        let _ = writeln!(
            text,
            "{:<8} pid {}, ready in {ready:.1} s, log {}",
            record.kind,
            record.pid,
            record.log.display()
        );
        for endpoint in &record.endpoints {
            let _ = writeln!(
                text,
                "  {:<12} {:<24} for {}",
                endpoint.service,
                endpoint.url,
                endpoint.service.host_pattern()
            );
        }
    }
    let _ = writeln!(
        text,
        "\nA policy's emulators that have no `endpoint` use these (see policies/cloud-emulated.toml), and its \
         [[routes]] forward requests for the host patterns shown to them.\nState: {}. `cordon emulators stop` \
         stops them.",
        state_file.display()
    );
    text
}

fn describe_health(health: &[EmulatorHealth]) -> String {
    let mut text = String::new();
    for emulator in health {
        let process = if emulator.running { "running" } else { "not running" };
        let _ = writeln!(text, "{:<8} pid {}, {process}", emulator.kind, emulator.pid);
        for endpoint in &emulator.endpoints {
            let response = match &endpoint.response {
                Ok(status) => format!("responds (HTTP {status})"),
                Err(error) => format!("no response: {error}"),
            };
            let _ = writeln!(text, "  {:<12} {:<24} {response}", endpoint.service, endpoint.url);
        }
    }
    text
}

fn not_started(state_dir: &Path) -> String {
    format!("no emulators are recorded in {}", state_dir.join(STATE_FILE).display())
}

fn print(text: &str) -> ExitCode {
    match write_stdout(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cordon: cannot write to stdout: {error}");
            ExitCode::from(exit::INTERNAL)
        }
    }
}

fn fail(code: u8, error: &EmulatorError) -> ExitCode {
    eprintln!("cordon: {error}");
    ExitCode::from(code)
}
