//! Audit events: one record per request decision, kept in the call's outcome and optionally appended to a
//! JSON-lines file.
//!
//! An event names what was decided and why, never a secret or a body: the path is recorded without its query
//! string, because presigned URLs and SAS tokens carry signatures there.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde::Serialize;

/// Whether the shim forwarded a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The request was forwarded to an emulator.
    Allowed,
    /// The request was refused before any connection was made.
    Denied,
    /// The request was allowed, but the emulator could not be reached or did not respond in time.
    Failed,
}

/// One decision about one outgoing request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    /// Seconds since the Unix epoch when the request reached the shim, with millisecond precision.
    pub time: f64,
    /// Whether the request was forwarded.
    pub verdict: Verdict,
    /// The rule or check that denied the request, for example `deny-actions: s3:Delete*` or `route`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The reason for the denial, in plain words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The request method.
    pub method: String,
    /// The authority the guest asked for, as it wrote it.
    pub authority: String,
    /// The request path without its query string.
    pub path: String,
    /// The emulator the request was routed to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emulator: Option<String>,
    /// The cloud service, for example `s3` or `azure-blob`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The action, for example `s3:PutObject`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The region the request targets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Request body bytes forwarded.
    pub request_bytes: u64,
    /// Response body bytes returned to the guest.
    pub response_bytes: u64,
    /// Whether the response body was cut at the response budget.
    pub response_truncated: bool,
    /// The emulator's HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Time from the request reaching the shim to the response being ready, in microseconds.
    pub duration_us: u64,
}

impl AuditEvent {
    /// Creates an event for a request, to be completed as the shim decides.
    pub fn new(method: &str, authority: &str, path: &str) -> AuditEvent {
        let time = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|elapsed| (elapsed.as_millis() as f64) / 1000.0)
            .unwrap_or_default();
        AuditEvent {
            time,
            verdict: Verdict::Denied,
            rule: None,
            reason: None,
            method: method.to_owned(),
            authority: authority.to_owned(),
            path: path.to_owned(),
            emulator: None,
            service: None,
            action: None,
            region: None,
            request_bytes: 0,
            response_bytes: 0,
            response_truncated: false,
            status: None,
            duration_us: 0,
        }
    }
}

/// An append-only JSON-lines file of audit events, shared by every call that writes to it.
#[derive(Clone)]
pub struct AuditLog {
    path: PathBuf,
    file: Arc<Mutex<File>>,
}

impl AuditLog {
    /// Opens `path` for appending, creating it if needed.
    ///
    /// # Errors
    ///
    /// Fails when the file cannot be created or opened for writing.
    pub fn open(path: &Path) -> std::io::Result<AuditLog> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(AuditLog { path: path.to_owned(), file: Arc::new(Mutex::new(file)) })
    }

    /// Appends one event as a line. A failed write is logged and otherwise ignored, because the event is also kept
    /// in the call's outcome.
    pub fn append(&self, event: &AuditEvent) {
        let Ok(mut line) = serde_json::to_vec(event) else {
            return;
        };
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Err(error) = file.write_all(&line) {
            tracing::error!(path = %self.path.display(), %error, "cannot append to the audit log");
        }
    }
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("AuditLog").field("path", &self.path).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_appends_one_line_per_event() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        log.append(&AuditEvent::new("GET", "s3.amazonaws.com", "/"));
        log.append(&AuditEvent::new("PUT", "s3.amazonaws.com", "/bucket"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
    }

    #[test]
    fn event_json_omits_unknown_fields() {
        let json = serde_json::to_value(AuditEvent::new("GET", "h", "/")).unwrap();
        assert_eq!(json["verdict"], "denied");
        assert!(json.get("action").is_none());
    }
}
