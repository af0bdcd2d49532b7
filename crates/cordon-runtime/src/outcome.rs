//! The typed result of one call: how it ended, what it printed and what it cost.

use std::time::Duration;

use serde::{Serialize, Serializer};

use cordon_shim::AuditEvent;
use wasmtime::component::Val;

use crate::output::CapturedOutput;

/// The way a call ended. Every call ends in exactly one of these, whatever the guest does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Status {
    /// The tool returned normally or exited with status 0.
    Success,
    /// The tool exited with a non-zero status of its own choosing.
    Exit {
        /// The status the tool passed to `exit`, or 1 when its `run` export returned an error.
        code: i32,
    },
    /// The guest trapped: a panic, an out-of-bounds access, a stack overflow, or a host call that failed fatally.
    Trap {
        /// The trap's reason, for example "wasm `unreachable` instruction executed".
        message: String,
        /// The guest's call stack at the trap, when wasmtime recorded one.
        #[serde(skip_serializing_if = "Option::is_none")]
        backtrace: Option<String>,
    },
    /// The guest ran out of fuel: it executed more instructions than the policy allows.
    FuelExhausted {
        /// The policy's fuel limit.
        limit: u64,
    },
    /// The guest asked for more linear memory than the policy allows, and then failed.
    MemoryLimit {
        /// The policy's memory limit in bytes.
        limit: u64,
        /// The total the refused growth would have reached, in bytes.
        requested: u64,
    },
    /// The guest asked for a table larger than the policy allows, and then failed. Tables hold function references;
    /// an unbounded one costs host memory just as linear memory does.
    TableLimit {
        /// The policy's limit on elements in one table.
        limit: u64,
    },
    /// The component needed more instances, memories or tables than the policy allows, so it could not be
    /// instantiated.
    InstanceLimit {
        /// The policy's limit on instances, memories and tables per call.
        limit: u32,
    },
    /// The guest tried to hold more WASI resources (open files and directories, streams, pollables, HTTP
    /// requests) at once than the policy allows.
    HandleLimit {
        /// The policy's limit on resources held at once.
        limit: u32,
    },
    /// The call ran past the policy's wall-clock timeout, while computing or while blocked in a host call.
    Timeout {
        /// The policy's timeout in milliseconds.
        limit_ms: u64,
    },
    /// The caller cancelled the call before it ended.
    Cancelled,
}

impl Status {
    /// Returns the short name of this kind of ending, as used in JSON and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Exit { .. } => "exit",
            Status::Trap { .. } => "trap",
            Status::FuelExhausted { .. } => "fuel-exhausted",
            Status::MemoryLimit { .. } => "memory-limit",
            Status::TableLimit { .. } => "table-limit",
            Status::InstanceLimit { .. } => "instance-limit",
            Status::HandleLimit { .. } => "handle-limit",
            Status::Timeout { .. } => "timeout",
            Status::Cancelled => "cancelled",
        }
    }
}

/// Everything one call produced.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The way the call ended.
    pub status: Status,
    /// The guest's stdout, cut at the policy's limit.
    #[serde(serialize_with = "serialize_captured")]
    pub stdout: CapturedOutput,
    /// The guest's stderr, cut at the policy's limit.
    #[serde(serialize_with = "serialize_captured")]
    pub stderr: CapturedOutput,
    /// Fuel the guest consumed, roughly one unit per WebAssembly instruction.
    pub fuel_used: u64,
    /// The largest total linear memory the call held at once, in bytes.
    pub peak_memory: u64,
    /// Wall-clock time from the start of the call to its end, including instantiation.
    #[serde(rename = "duration_us", serialize_with = "serialize_micros")]
    pub duration: Duration,
    /// One event per outgoing HTTP request: allowed, denied or failed, with the rule that decided.
    pub audit: Vec<AuditEvent>,
    /// The values a typed tool's function returned when the call succeeded. Empty for command tools and failed calls.
    #[serde(skip)]
    pub results: Vec<Val>,
}

impl Outcome {
    /// Returns whether the call succeeded.
    pub fn is_success(&self) -> bool {
        self.status == Status::Success
    }

    /// Returns the captured stdout as text, with invalid UTF-8 replaced.
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout.bytes).into_owned()
    }

    /// Returns the captured stderr as text, with invalid UTF-8 replaced.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.bytes).into_owned()
    }

    /// Renders the outcome as one JSON object.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an outcome always serialises")
    }
}

/// Writes captured output as `{ "text": ..., "truncated": ..., "bytes_written": ... }`. The text is lossy UTF-8,
/// because JSON strings cannot carry arbitrary bytes. Callers who need the raw bytes use the library API.
fn serialize_captured<S: Serializer>(captured: &CapturedOutput, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;

    let mut state = serializer.serialize_struct("CapturedOutput", 3)?;
    state.serialize_field("text", &String::from_utf8_lossy(&captured.bytes))?;
    state.serialize_field("truncated", &captured.truncated)?;
    state.serialize_field("bytes_written", &captured.written)?;
    state.end()
}

fn serialize_micros<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(u64::try_from(duration.as_micros()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(status: Status) -> Outcome {
        Outcome {
            status,
            stdout: CapturedOutput { bytes: b"out".to_vec(), truncated: true, written: 10 },
            stderr: CapturedOutput::default(),
            fuel_used: 42,
            peak_memory: 65536,
            duration: Duration::from_micros(1500),
            audit: Vec::new(),
            results: Vec::new(),
        }
    }

    #[test]
    fn json_names_outcome_kind() {
        let json: serde_json::Value =
            serde_json::from_str(&outcome(Status::FuelExhausted { limit: 7 }).to_json()).unwrap();
        assert_eq!(json["status"]["kind"], "fuel-exhausted");
        assert_eq!(json["status"]["limit"], 7);
    }

    #[test]
    fn json_reports_costs_and_truncation() {
        let json: serde_json::Value = serde_json::from_str(&outcome(Status::Success).to_json()).unwrap();
        assert_eq!(json["fuel_used"], 42);
        assert_eq!(json["peak_memory"], 65536);
        assert_eq!(json["duration_us"], 1500);
        assert_eq!(json["stdout"]["text"], "out");
        assert_eq!(json["stdout"]["truncated"], true);
    }

    #[test]
    fn exit_code_serialises_with_kind() {
        let json: serde_json::Value = serde_json::from_str(&outcome(Status::Exit { code: 3 }).to_json()).unwrap();
        assert_eq!(json["status"], serde_json::json!({ "kind": "exit", "code": 3 }));
    }
}
