//! The reply to one `tools/call`: a tool's result, or a tool error that names how the call ended.
//!
//! Every failure is a tool error (`isError: true`) whose one text block is a JSON object with an `outcome` kind and
//! a `message`, so that a model can read why and a program can branch on the kind. The server never turns a
//! failing call into a protocol error.

use cordon_policy::Policy;
use cordon_runtime::{AuditEvent, CapturedOutput, Outcome, Status, Verdict};
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Map, Value, json};

/// The most of each output stream a tool error carries. A model needs the gist, not megabytes.
const ERROR_OUTPUT_BYTES: usize = 16 * 1024;

/// Builds the reply to a call that ran, from its outcome. `typed` is the typed tool's converted result, or `None`
/// for a command tool, whose exit statuses in `success_codes` count as success besides 0.
pub(crate) fn from_outcome(
    tool: &str,
    policy: &Policy,
    outcome: &Outcome,
    typed: Option<Result<Value, Value>>,
    success_codes: &[i32],
) -> CallToolResult {
    let is_command = typed.is_none();
    let denied: Vec<&AuditEvent> = outcome.audit.iter().filter(|event| event.verdict == Verdict::Denied).collect();
    let origin = &policy.origin;

    if outcome.status == Status::Success {
        match typed {
            Some(Ok(value)) => return CallToolResult::structured(value),
            None => return command_success(outcome),
            Some(Err(error)) if denied.is_empty() => return tool_error(tool, outcome, &error),
            Some(Err(_)) => {}
        }
    }
    if let Status::Exit { code } = outcome.status
        && is_command
        && success_codes.contains(&code)
        && denied.is_empty()
    {
        return command_success(outcome);
    }
    if !denied.is_empty() && outcome.status != Status::Cancelled {
        return denied_error(tool, outcome, &denied);
    }

    let (message, mut details) = match &outcome.status {
        Status::Success => unreachable_success(tool),
        Status::Exit { code } => {
            (format!("{tool} exited with status {code}"), json_object(json!({ "exit_code": code })))
        }
        Status::Trap { message, .. } => (format!("{tool} trapped: {message}"), Map::new()),
        Status::FuelExhausted { limit } => (
            format!("{tool} ran out of fuel after {limit} instructions (raise [limits] fuel in {origin})"),
            json_object(json!({ "limit": limit })),
        ),
        Status::MemoryLimit { limit, requested } => (
            format!(
                "{tool} requested {requested} bytes of memory, over the limit of {limit} (raise [limits] memory in {origin})"
            ),
            json_object(json!({ "limit": limit, "requested": requested })),
        ),
        Status::TableLimit { limit } => (
            format!("{tool} needed a table of more than {limit} elements (raise [limits] table-elements in {origin})"),
            json_object(json!({ "limit": limit })),
        ),
        Status::InstanceLimit { limit } => (
            format!(
                "{tool} needs more than {limit} instances, memories or tables (raise [limits] instances in {origin})"
            ),
            json_object(json!({ "limit": limit })),
        ),
        Status::HandleLimit { limit } => (
            format!(
                "{tool} tried to hold more than {limit} open files, streams or other handles at once (raise [limits] handles in {origin})"
            ),
            json_object(json!({ "limit": limit })),
        ),
        Status::Timeout { limit_ms } => (
            format!("{tool} ran past its timeout of {limit_ms} ms (raise [limits] timeout in {origin})"),
            json_object(json!({ "limit_ms": limit_ms })),
        ),
        Status::Cancelled => (format!("the call of {tool} was cancelled"), Map::new()),
    };
    add_output(&mut details, outcome);
    error_reply(outcome.status.kind(), message, details, outcome)
}

/// Builds the reply to arguments that do not fit the tool's input schema.
pub(crate) fn invalid_arguments(tool: &str, message: &str) -> CallToolResult {
    let body = json!({
        "outcome": "invalid-arguments",
        "message": format!("invalid arguments for {tool}: {message}"),
    });
    CallToolResult::error(vec![ContentBlock::text(body.to_string())])
}

/// Builds the reply to a call Cordon itself could not run, for example with every instance slot in use.
pub(crate) fn internal(tool: &str, error: &cordon_runtime::RuntimeError) -> CallToolResult {
    let body = json!({ "outcome": "internal", "message": format!("cannot run {tool}: {error}") });
    CallToolResult::error(vec![ContentBlock::text(body.to_string())])
}

fn command_success(outcome: &Outcome) -> CallToolResult {
    let mut text = outcome.stdout_text();
    if let Status::Exit { code } = outcome.status
        && text.is_empty()
    {
        text = format!("[exit status {code}, no output]");
    }
    if outcome.stdout.truncated {
        text.push_str(&format!(
            "\n[cordon: stdout cut at {} of {} bytes by the policy's [limits] stdout]",
            outcome.stdout.bytes.len(),
            outcome.stdout.written
        ));
    }
    CallToolResult::success(vec![ContentBlock::text(text)])
}

/// Builds the reply to a typed tool that returned `err`. A `tool-error` variant arrives as `{"case": payload}` or
/// `"case"`.
fn tool_error(tool: &str, outcome: &Outcome, error: &Value) -> CallToolResult {
    let (case, detail) = match error {
        Value::Object(object) if object.len() == 1 => {
            let (case, detail) = object.iter().next().expect("one entry");
            (case.clone(), detail.clone())
        }
        Value::String(case) => (case.clone(), Value::Null),
        other => ("error".to_owned(), other.clone()),
    };
    let message = match &detail {
        Value::String(text) => format!("{tool} reported {case}: {text}"),
        Value::Null => format!("{tool} reported {case}"),
        other => format!("{tool} reported {case}: {other}"),
    };
    let mut details = json_object(json!({ "error": case, "detail": detail }));
    add_output(&mut details, outcome);
    error_reply("tool-error", message, details, outcome)
}

fn denied_error(tool: &str, outcome: &Outcome, denied: &[&AuditEvent]) -> CallToolResult {
    let requests: Vec<Value> = denied
        .iter()
        .map(|event| {
            json!({
                "method": event.method,
                "authority": event.authority,
                "path": event.path,
                "rule": event.rule,
                "reason": event.reason,
            })
        })
        .collect();
    let first = denied[0];
    let reason = first.reason.as_deref().unwrap_or("no rule allows it");
    let message = format!(
        "Cordon's HTTP shim refused {} request(s) from {tool}; the first, {} {}{}, because {reason}",
        denied.len(),
        first.method,
        first.authority,
        first.path
    );
    let mut details = json_object(json!({ "requests": requests, "status": outcome.status }));
    add_output(&mut details, outcome);
    error_reply("denied", message, details, outcome)
}

fn error_reply(kind: &str, message: String, details: Map<String, Value>, outcome: &Outcome) -> CallToolResult {
    let mut body = Map::new();
    body.insert("outcome".into(), json!(kind));
    body.insert("message".into(), json!(message));
    body.extend(details);
    body.insert("fuel_used".into(), json!(outcome.fuel_used));
    body.insert("duration_ms".into(), json!(outcome.duration.as_secs_f64() * 1000.0));
    CallToolResult::error(vec![ContentBlock::text(Value::Object(body).to_string())])
}

fn add_output(details: &mut Map<String, Value>, outcome: &Outcome) {
    details.insert("stdout".into(), json!(excerpt(&outcome.stdout)));
    details.insert("stderr".into(), json!(excerpt(&outcome.stderr)));
}

/// Returns the last part of an output stream, where the reason for a failure usually is.
fn excerpt(captured: &CapturedOutput) -> String {
    let bytes = &captured.bytes;
    let start = bytes.len().saturating_sub(ERROR_OUTPUT_BYTES);
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}

fn json_object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(object) => object,
        _ => Map::new(),
    }
}

/// A successful command or typed result returns before the failure match, so this arm is never taken. It still
/// returns a well-formed error rather than panicking.
fn unreachable_success(tool: &str) -> (String, Map<String, Value>) {
    (format!("{tool} succeeded, but its result could not be read"), Map::new())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn outcome(status: Status) -> Outcome {
        Outcome {
            status,
            stdout: CapturedOutput { bytes: b"found it\n".to_vec(), truncated: false, written: 9 },
            stderr: CapturedOutput::default(),
            fuel_used: 10,
            peak_memory: 0,
            duration: Duration::from_millis(2),
            audit: Vec::new(),
            results: Vec::new(),
        }
    }

    fn body(result: &CallToolResult) -> Value {
        let text = result.content[0].as_text().expect("a text block").text.clone();
        serde_json::from_str(&text).expect("a JSON body")
    }

    #[test]
    fn command_success_returns_stdout() {
        let result = from_outcome("grep", &Policy::deny_all(), &outcome(Status::Success), None, &[]);
        assert_eq!(result.content[0].as_text().unwrap().text, "found it\n");
    }

    #[test]
    fn fuel_exhaustion_is_tool_error() {
        let result = from_outcome("spin", &Policy::deny_all(), &outcome(Status::FuelExhausted { limit: 5 }), None, &[]);
        assert_eq!(result.is_error, Some(true));
    }

    #[test]
    fn fuel_exhaustion_names_kind() {
        let result = from_outcome("spin", &Policy::deny_all(), &outcome(Status::FuelExhausted { limit: 5 }), None, &[]);
        assert_eq!(body(&result)["outcome"], "fuel-exhausted");
    }

    #[test]
    fn exit_status_carried() {
        let result = from_outcome("grep", &Policy::deny_all(), &outcome(Status::Exit { code: 2 }), None, &[]);
        assert_eq!(body(&result)["exit_code"], 2);
    }

    #[test]
    fn listed_exit_status_is_success() {
        let result = from_outcome("grep", &Policy::deny_all(), &outcome(Status::Exit { code: 1 }), None, &[1]);
        assert_eq!(result.is_error, Some(false));
    }

    #[test]
    fn typed_error_names_case() {
        let typed = Some(Err(json!({ "not-found": "docs" })));
        let result = from_outcome("search", &Policy::deny_all(), &outcome(Status::Success), typed, &[]);
        assert_eq!(body(&result)["error"], "not-found");
    }

    #[test]
    fn typed_success_is_structured() {
        let typed = Some(Ok(json!({ "hits": [] })));
        let result = from_outcome("search", &Policy::deny_all(), &outcome(Status::Success), typed, &[]);
        assert_eq!(result.structured_content, Some(json!({ "hits": [] })));
    }

    #[test]
    fn invalid_arguments_names_kind() {
        assert_eq!(body(&invalid_arguments("search", "query.mode: bad"))["outcome"], "invalid-arguments");
    }
}
