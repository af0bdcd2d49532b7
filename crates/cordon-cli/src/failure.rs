//! An error that ends a command before or instead of its normal result, with the exit status it ends with.

use std::process::ExitCode;

use crate::exit;

pub(crate) struct Failure {
    error: anyhow::Error,
    code: u8,
}

impl Failure {
    /// Creates a usage error: bad arguments, an invalid policy or tools file, or a component that cannot be loaded.
    pub(crate) fn usage(error: impl Into<anyhow::Error>) -> Self {
        Failure { error: error.into(), code: exit::USAGE }
    }

    /// Creates a failure of Cordon itself.
    pub(crate) fn internal(error: impl Into<anyhow::Error>) -> Self {
        Failure { error: error.into(), code: exit::INTERNAL }
    }

    /// Prints the error on stderr and returns the exit status.
    pub(crate) fn report(self) -> ExitCode {
        // Usage errors carry their cause and fix in one message already; internal ones need the whole chain.
        if self.code == exit::USAGE {
            eprintln!("cordon: {}", self.error);
        } else {
            eprintln!("cordon: {:#}", self.error);
        }
        ExitCode::from(self.code)
    }
}
