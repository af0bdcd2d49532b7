//! The exit statuses of `cordon run`, one per way a call can end.
//!
//! The tool's own status passes through unchanged, so a tool that exits with one of the limit codes below cannot be
//! distinguished from the limit without `--json`. The values follow shell conventions where one exists: 124 for a
//! timeout as `timeout(1)` uses, 128 plus a signal number for endings a native process would see as that signal.

use std::process::ExitCode;

use cordon_runtime::Status;

/// A usage error, an invalid policy, or a component that cannot be loaded.
pub(crate) const USAGE: u8 = 2;
/// The call ran past its wall-clock timeout.
pub(crate) const TIMEOUT: u8 = 124;
/// Cordon itself failed: the engine, a scratch directory or the instance pool.
pub(crate) const INTERNAL: u8 = 125;
/// The guest trapped (a panic, an out-of-bounds access, a stack overflow), like SIGABRT.
pub(crate) const TRAP: u8 = 134;
/// The guest needed more memory, a larger table or more instances than the policy allows, like a process killed
/// for memory.
pub(crate) const MEMORY_LIMIT: u8 = 137;
/// The guest exhausted its fuel, like SIGXCPU for a CPU-time limit.
pub(crate) const FUEL_EXHAUSTED: u8 = 152;
/// The call was interrupted with Ctrl-C, like SIGINT.
pub(crate) const INTERRUPTED: u8 = 130;

pub(crate) const EXIT_CODES_HELP: &str = "\
Exit status of `cordon run`:
  0        the tool succeeded
  1-255    the tool's own exit status (WASI passes 8 bits; a host-side status outside 1-255 becomes 1)
  2        usage error, invalid policy, or a component that cannot be loaded
  124      timeout: the call ran past [limits] timeout
  125      Cordon itself failed
  130      interrupted: Ctrl-C ended the call
  134      the tool trapped (panic, out-of-bounds access, stack overflow)
  137      resource limit: the tool needed more than [limits] memory, table-elements, instances or handles
  152      fuel exhausted: the tool ran more than [limits] fuel instructions
With --json the outcome's `status.kind` names which of these happened.
`cordon check` exits with 0 for a valid policy and 2 for an invalid one.";

/// Returns the process exit status for how a call ended.
pub(crate) fn for_status(status: &Status) -> ExitCode {
    ExitCode::from(match status {
        Status::Success => 0,
        Status::Exit { code } => u8::try_from(*code).ok().filter(|code| *code != 0).unwrap_or(1),
        Status::Trap { .. } => TRAP,
        Status::FuelExhausted { .. } => FUEL_EXHAUSTED,
        Status::MemoryLimit { .. }
        | Status::TableLimit { .. }
        | Status::InstanceLimit { .. }
        | Status::HandleLimit { .. } => MEMORY_LIMIT,
        Status::Timeout { .. } => TIMEOUT,
        Status::Cancelled => INTERRUPTED,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_status_passes_through() {
        assert_eq!(for_status(&Status::Exit { code: 3 }), ExitCode::from(3));
    }

    #[test]
    fn out_of_range_status_becomes_one() {
        assert_eq!(for_status(&Status::Exit { code: 256 }), ExitCode::from(1));
        assert_eq!(for_status(&Status::Exit { code: -1 }), ExitCode::from(1));
    }

    #[test]
    fn each_limit_has_own_code() {
        let codes = [
            for_status(&Status::FuelExhausted { limit: 1 }),
            for_status(&Status::MemoryLimit { limit: 1, requested: 2 }),
            for_status(&Status::Timeout { limit_ms: 1 }),
            for_status(&Status::Trap { message: String::new(), backtrace: None }),
        ];
        for (index, code) in codes.iter().enumerate() {
            assert!(!codes[index + 1..].contains(code), "{code:?} is used twice");
        }
    }
}
