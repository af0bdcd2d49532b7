//! Checking and stopping emulators through their state file, from a process other than the one that started them.

use std::time::Duration;

use crate::probe::{http_status, parse_loopback_endpoint};
use crate::process;
use crate::{EmulatorError, EmulatorKind, EmulatorRecord, EmulatorState, Service};

/// The limit on each status probe's connect, write and read. A running emulator responds on loopback within
/// milliseconds, so a longer wait would only delay the report on a hung one.
const STATUS_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The health of one recorded emulator: its process and its endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmulatorHealth {
    /// Which emulator.
    pub kind: EmulatorKind,
    /// Its recorded process id.
    pub pid: u32,
    /// Whether that process still runs and is the one that was recorded, not a later process with the same pid.
    pub running: bool,
    /// One probe result per recorded endpoint.
    pub endpoints: Vec<EndpointHealth>,
}

/// The result of one `GET /` to a recorded endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointHealth {
    /// The service the endpoint serves.
    pub service: Service,
    /// The endpoint URL.
    pub url: String,
    /// The HTTP status of the response, or the reason there was none. Any status counts, because an emulator may
    /// reject the unsigned probe: Azurite responds with 400.
    pub response: Result<u16, String>,
}

impl EmulatorHealth {
    /// Reports whether the process runs and every endpoint responded.
    #[must_use]
    pub fn is_healthy(&self) -> bool {
        self.running && self.endpoints.iter().all(|endpoint| endpoint.response.is_ok())
    }
}

/// Checks each emulator in `state`: whether its process runs and whether each endpoint responds to an HTTP request.
///
/// Only loopback endpoints are probed. Any other URL in a hand-edited state file is reported as not responding,
/// without a connection.
#[must_use]
pub fn check_state(state: &EmulatorState) -> Vec<EmulatorHealth> {
    state.emulators.iter().map(check_record).collect()
}

/// Stops every emulator in `state` (SIGTERM to its process group, SIGKILL after 5 s) and waits until each has exited.
///
/// An emulator that is no longer running, or whose pid now belongs to another process, is skipped. The state file
/// is left alone; [`remove_state`](crate::remove_state) deletes it.
///
/// # Errors
///
/// Returns the first error after trying to stop every emulator.
pub fn stop_state(state: &EmulatorState) -> Result<(), EmulatorError> {
    let mut first_error = None;
    for record in &state.emulators {
        match process::stop_group(record.kind, record.pid, record.start_time) {
            Ok(()) => tracing::info!(kind = %record.kind, pid = record.pid, "stopped emulator"),
            Err(error) => {
                tracing::error!(kind = %record.kind, pid = record.pid, %error, "cannot stop emulator");
                first_error.get_or_insert(error);
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

fn check_record(record: &EmulatorRecord) -> EmulatorHealth {
    let running = process::is_running(record.pid, record.start_time);
    let endpoints = record
        .endpoints
        .iter()
        .map(|endpoint| EndpointHealth {
            service: endpoint.service,
            url: endpoint.url.clone(),
            response: probe(&endpoint.url),
        })
        .collect();
    EmulatorHealth { kind: record.kind, pid: record.pid, running, endpoints }
}

fn probe(url: &str) -> Result<u16, String> {
    let address =
        parse_loopback_endpoint(url).ok_or_else(|| "not an http:// loopback address; not probed".to_owned())?;
    http_status(address, "/", STATUS_PROBE_TIMEOUT).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{Ipv4Addr, TcpListener};
    use std::thread;

    use super::*;
    use crate::Endpoint;

    fn record(pid: u32, start_time: Option<u64>, urls: &[&str]) -> EmulatorRecord {
        EmulatorRecord {
            kind: EmulatorKind::Azurite,
            pid,
            pgid: pid,
            start_time,
            endpoints: urls
                .iter()
                .map(|url| Endpoint { service: Service::AzureBlob, url: (*url).to_owned() })
                .collect(),
            log: "/state/azurite.log".into(),
            startup_ms: 0,
        }
    }

    #[test]
    fn live_process_and_responding_endpoint_healthy() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let _ = stream.read(&mut [0_u8; 256]).unwrap();
            stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").unwrap();
        });
        let pid = std::process::id();

        let health = check_record(&record(pid, process::start_time(pid), &[&url]));
        server.join().unwrap();
        assert!(health.running);
        assert_eq!(health.endpoints[0].response, Ok(400));
        assert!(health.is_healthy());
    }

    #[test]
    fn reused_pid_and_closed_port_unhealthy() {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port();
        let pid = std::process::id();
        let stale_start = process::start_time(pid).map(|start| start + 1);

        let health = check_record(&record(pid, stale_start, &[&format!("http://127.0.0.1:{port}")]));
        assert!(!health.running);
        assert!(health.endpoints[0].response.is_err());
        assert!(!health.is_healthy());
    }

    #[test]
    fn remote_endpoint_not_probed() {
        let health = check_record(&record(0, None, &["http://169.254.169.254:80"]));
        let message = health.endpoints[0].response.clone().unwrap_err();
        assert!(message.contains("not probed"), "{message}");
    }

    #[test]
    fn stop_skips_dead_processes() {
        let state = EmulatorState { emulators: vec![record(0, None, &[]), record(u32::MAX, None, &[])] };
        assert!(stop_state(&state).is_ok());
    }
}
