//! Starts the real emulators installed by `scripts/setup-emulators.sh`, sends each a request on loopback, and checks
//! that stopping them, explicitly, through the state file or by drop, leaves no process behind.
//!
//! These tests fail, rather than skip, when the emulators are not installed: a skipped run would hide that nothing
//! was tested.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cordon_emulators::{
    EmulatorError, EmulatorKind, Emulators, Service, StartOptions, check_state, default_install_root, load_state,
    save_state, stop_state,
};

/// A SigV4 Authorization header for S3 in us-east-1. moto picks the service from the credential scope and does not
/// check the signature.
const S3_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, \
                                SignedHeaders=host;x-amz-date, Signature=0000";

/// Returns the install root, failing the test with the fix when the emulators are not installed.
fn install_root() -> PathBuf {
    let root = default_install_root();
    for dir in ["venv", "node"] {
        assert!(
            root.join(dir).is_dir(),
            "{} is missing, so the emulators cannot be tested: run scripts/setup-emulators.sh first",
            root.join(dir).display()
        );
    }
    root
}

fn options(state_dir: &Path, kinds: &[EmulatorKind]) -> StartOptions {
    let mut options = StartOptions::new(state_dir);
    options.install_root = install_root();
    options.kinds = kinds.to_vec();
    options
}

/// A response read whole from a `Connection: close` request.
struct Response {
    status: u16,
    body: String,
}

/// Sends `GET path` with `headers` to a loopback endpoint URL and reads the whole response.
fn get(endpoint: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let authority = endpoint.strip_prefix("http://").expect("an http endpoint");
    let address: SocketAddr = authority.parse().expect("an IP:PORT endpoint");
    assert!(address.ip().is_loopback(), "{endpoint} is not on loopback");

    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();

    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text.get(9..12).and_then(|code| code.parse().ok()).unwrap_or_else(|| panic!("not HTTP: {text}"));
    let body = text.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    Response { status, body }
}

fn process_exists(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn both_emulators_respond_then_stop() {
    let state_dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let emulators = Emulators::start(&options(state_dir.path(), &EmulatorKind::ALL)).unwrap();
    let state = emulators.state();
    for record in &state.emulators {
        eprintln!("{} ready after {} ms (start call took {:?})", record.kind, record.startup_ms, started.elapsed());
    }

    let moto = emulators.moto_endpoint().unwrap();
    assert!(moto.starts_with("http://127.0.0.1:"), "{moto}");
    let list_buckets = get(&moto, "/", &[("Authorization", S3_AUTHORIZATION), ("x-amz-date", "20250101T000000Z")]);
    assert_eq!(list_buckets.status, 200, "{}", list_buckets.body);
    assert!(list_buckets.body.contains("<ListAllMyBucketsResult"), "{}", list_buckets.body);

    // Azurite verifies Shared Key signatures, so it rejects an unsigned listing with 403.
    let blob = emulators.azurite_blob_endpoint().unwrap();
    let list_containers = get(&blob, "/devstoreaccount1?comp=list", &[]);
    assert_eq!(list_containers.status, 403, "{}", list_containers.body);
    assert!(list_containers.body.contains("AuthorizationFailure"), "{}", list_containers.body);
    for endpoint in [emulators.azurite_queue_endpoint().unwrap(), emulators.azurite_table_endpoint().unwrap()] {
        assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
        let status = get(&endpoint, "/", &[]).status;
        assert!((400..500).contains(&status), "{endpoint} responded with {status}");
    }

    let pids: Vec<u32> = state.emulators.iter().map(|record| record.pid).collect();
    assert_eq!(pids.len(), 2);
    assert!(pids.iter().all(|&pid| process_exists(pid)), "{pids:?}");
    assert!(state_dir.path().join("moto.log").is_file());
    assert!(state_dir.path().join("azurite").is_dir());

    emulators.stop().unwrap();
    for pid in pids {
        assert!(!process_exists(pid), "pid {pid} still exists after stop");
    }
}

#[test]
fn detached_emulator_stops_through_state_file() {
    let state_dir = tempfile::tempdir().unwrap();
    let emulators = Emulators::start(&options(state_dir.path(), &[EmulatorKind::Moto])).unwrap();
    save_state(state_dir.path(), &emulators.detach()).unwrap();

    let state = load_state(state_dir.path()).unwrap().expect("the state file was just written");
    assert!(state.endpoint(Service::Aws).is_some());
    assert_eq!(state.endpoint(Service::AzureBlob), None);
    let health = check_state(&state);
    assert!(health.iter().all(|emulator| emulator.is_healthy()), "{health:?}");

    stop_state(&state).unwrap();
    // This test process is still the emulator's parent and no longer owns its `Child`, so the stopped emulator stays
    // a zombie until the test exits. `check_state` counts a zombie as not running.
    let health = check_state(&state);
    assert!(!health[0].running, "{health:?}");
    assert!(health[0].endpoints[0].response.is_err(), "{health:?}");
}

#[test]
fn dropped_emulators_stop() {
    let state_dir = tempfile::tempdir().unwrap();
    let emulators = Emulators::start(&options(state_dir.path(), &[EmulatorKind::Azurite])).unwrap();
    let pid = emulators.state().emulators[0].pid;
    assert!(emulators.moto_endpoint().is_none());
    assert!(process_exists(pid));

    drop(emulators);
    assert!(!process_exists(pid), "pid {pid} still exists after drop");
}

#[test]
fn missing_install_names_setup_script() {
    let state_dir = tempfile::tempdir().unwrap();
    let empty_root = tempfile::tempdir().unwrap();
    let mut options = StartOptions::new(state_dir.path());
    options.install_root = empty_root.path().to_owned();

    let error = Emulators::start(&options).unwrap_err();
    assert!(matches!(error, EmulatorError::NotInstalled { kind: EmulatorKind::Moto, .. }), "{error}");
    assert!(error.to_string().contains("scripts/setup-emulators.sh"), "{error}");
}
