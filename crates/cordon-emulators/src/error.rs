//! The error type of every fallible operation in this crate.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::EmulatorKind;

/// The command that installs both emulators, named in the fix of every error about a missing install.
pub(crate) const SETUP_SCRIPT: &str = "scripts/setup-emulators.sh";

/// An emulator that could not be found, started, checked or stopped, or a state file that could not be used.
///
/// Each message names the value at fault and, where there is one, the fix.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// A name that is not an emulator's.
    #[error("unknown emulator `{name}` (expected moto or azurite)")]
    UnknownKind {
        /// The name as given.
        name: String,
    },

    /// A file the emulator needs is missing from the install root.
    #[error(
        "{kind} is not installed: {} does not exist (fix: run {SETUP_SCRIPT}, or pass the install root it used)",
        path.display()
    )]
    NotInstalled {
        /// The emulator.
        kind: EmulatorKind,
        /// The missing file.
        path: PathBuf,
    },

    /// The emulator's program could not be run.
    #[error("cannot start {kind}: running {} failed: {source} (fix: {fix})", program.display())]
    Spawn {
        /// The emulator.
        kind: EmulatorKind,
        /// The program that was run: the virtual environment's Python, or `node`.
        program: PathBuf,
        /// The fix.
        fix: &'static str,
        /// The error from `exec`.
        #[source]
        source: io::Error,
    },

    /// No loopback port could be reserved.
    #[error("cannot reserve a free port on 127.0.0.1: {source} (fix: check that the loopback interface is up)")]
    NoFreePort {
        /// The error from `bind`.
        #[source]
        source: io::Error,
    },

    /// The emulator exited before it responded on its ports.
    #[error(
        "{kind} exited with {status} before it responded; last lines of {}:\n{tail}\n(fix: correct what the log \
         reports, or run {SETUP_SCRIPT} if a module or file is missing)",
        log.display()
    )]
    Exited {
        /// The emulator.
        kind: EmulatorKind,
        /// The exit status or signal, as the operating system reported it.
        status: String,
        /// The file that contains the emulator's stdout and stderr.
        log: PathBuf,
        /// The last lines of that file.
        tail: String,
    },

    /// The emulator kept running but did not respond within the ready timeout.
    #[error(
        "{kind} did not respond on {endpoint} within {timeout:?}; last lines of {}:\n{tail}\n(fix: correct what the \
         log reports, or allow a longer ready timeout on a slow machine)",
        log.display()
    )]
    NotReady {
        /// The emulator.
        kind: EmulatorKind,
        /// The first endpoint that did not respond.
        endpoint: String,
        /// How long Cordon waited.
        timeout: Duration,
        /// The file that contains the emulator's stdout and stderr.
        log: PathBuf,
        /// The last lines of that file.
        tail: String,
    },

    /// A file or directory operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// The failed operation, as a verb phrase such as "create the log file".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },

    /// A state file that is not the JSON that [`save_state`](crate::save_state) writes.
    #[error(
        "{} is not a valid emulator state file: {source} (fix: stop the processes it lists, then delete the file)",
        path.display()
    )]
    InvalidState {
        /// The state file.
        path: PathBuf,
        /// The parse error, with its line and column.
        #[source]
        source: serde_json::Error,
    },

    /// A signal could not be sent to the emulator's process group.
    #[error("cannot signal {kind} (process group {pgid}): {source}")]
    Signal {
        /// The emulator.
        kind: EmulatorKind,
        /// The process group.
        pgid: u32,
        /// The error from `kill`.
        #[source]
        source: io::Error,
    },

    /// The emulator's process survived SIGKILL, which happens only when it is stuck in the kernel.
    #[error("{kind} (pid {pid}) is still running after SIGKILL (fix: check `ps -o pid,stat,wchan -p {pid}`)")]
    StillRunning {
        /// The emulator.
        kind: EmulatorKind,
        /// The process that is still there.
        pid: u32,
    },

    /// No directory for the state file could be derived from the environment.
    #[error("no state directory: CORDON_STATE_DIR, XDG_STATE_HOME and HOME are all unset (fix: set CORDON_STATE_DIR)")]
    NoStateDir,
}
