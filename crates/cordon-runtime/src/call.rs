//! The arguments and standard input of one call, the inputs besides the tool and the policy.

use std::path::PathBuf;

use cordon_shim::AuditLog;
use tokio::io::AsyncRead;
use tokio_util::sync::CancellationToken;
use wasmtime::component::Val;

/// Standard input for a call.
#[derive(Default)]
pub enum Stdin {
    /// No input: the guest reads end-of-file at once.
    #[default]
    Empty,
    /// A fixed buffer the guest reads to its end.
    Bytes(Vec<u8>),
    /// A stream the guest reads as it arrives, for example the host's own stdin. A read that never completes is
    /// still ended by the call's timeout.
    Reader(Box<dyn AsyncRead + Send + Sync + Unpin>),
}

/// The arguments and input of one call.
#[derive(Default)]
pub struct Call {
    pub(crate) program: Option<String>,
    pub(crate) args: Vec<String>,
    pub(crate) stdin: Stdin,
    pub(crate) audit_log: Option<AuditLog>,
    pub(crate) keep_scratch: Option<PathBuf>,
    pub(crate) invoke: Option<Invoke>,
    pub(crate) cancel: Option<CancellationToken>,
}

/// A typed tool's function to call, with its arguments.
pub(crate) struct Invoke {
    pub(crate) function: String,
    pub(crate) params: Vec<Val>,
}

impl Call {
    /// Creates a call with no arguments and empty standard input.
    pub fn new() -> Self {
        Call::default()
    }

    /// Sets the program name the guest sees as its first argument; the tool's name by default.
    pub fn program(mut self, name: impl Into<String>) -> Self {
        self.program = Some(name.into());
        self
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends several arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets standard input.
    pub fn stdin(mut self, stdin: Stdin) -> Self {
        self.stdin = stdin;
        self
    }

    /// Copies the scratch directory's contents to `destination` after the call, before the scratch directory is
    /// removed. `destination` must not exist yet; it is created. Symbolic links the guest made are not copied.
    pub fn keep_scratch(mut self, destination: impl Into<PathBuf>) -> Self {
        self.keep_scratch = Some(destination.into());
        self
    }

    /// Calls the typed tool's exported function `function` with `params`, instead of running a command.
    ///
    /// The parameters must match the function's types in number and kind. The results land in
    /// [`Outcome::results`](crate::Outcome::results). Arguments and standard input still reach the guest's WASI
    /// context, though typed tools rarely read them.
    pub fn invoke(mut self, function: impl Into<String>, params: Vec<Val>) -> Self {
        self.invoke = Some(Invoke { function: function.into(), params });
        self
    }

    /// Ends the call as [`Status::Cancelled`](crate::Status::Cancelled) when `token` is cancelled. A computing
    /// guest stops at its next epoch check, within a few milliseconds. A guest blocked in a host call stops at once.
    pub fn cancel_on(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }

    /// Appends the call's audit events to `log` as JSON lines, besides keeping them in the outcome.
    pub fn audit_log(mut self, log: AuditLog) -> Self {
        self.audit_log = Some(log);
        self
    }
}
