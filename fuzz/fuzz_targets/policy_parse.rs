//! Parses arbitrary text as a policy. `cordon run` and `cordon check` read
//! policy files from the command line, so a parse may fail with a
//! positioned error but must not panic.
//!
//! The workspace is a temporary directory containing `scp.json` (the service
//! control policy from the shim's test data) and a `data` directory, so
//! relative `host` and `scp` paths can resolve. Absolute paths reach the
//! real file system, which `Policy::parse` only inspects and reads.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use cordon_policy::Policy;
use cordon_shim::{ActionPattern, HostPattern, ServiceControlPolicy};
use libfuzzer_sys::fuzz_target;

const SCP: &str = include_str!("../../crates/cordon-shim/testdata/scp-deny-expensive.json");

/// The workspace directory, made once per process. Statics are never
/// dropped, so it outlives the process. `scripts/fuzz.sh` points `TMPDIR`
/// into `.build/` and removes it after the run.
static WORKSPACE: OnceLock<tempfile::TempDir> = OnceLock::new();

fn workspace() -> &'static Path {
    WORKSPACE
        .get_or_init(|| {
            let directory = tempfile::Builder::new()
                .prefix("cordon-fuzz-workspace-")
                .tempdir()
                .expect("a temporary workspace directory");
            std::fs::write(directory.path().join("scp.json"), SCP).expect("scp.json written");
            std::fs::create_dir(directory.path().join("data")).expect("data directory created");
            directory
        })
        .path()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    match Policy::parse(text, "fuzz.toml", workspace()) {
        Ok(policy) => check_policy(&policy),
        Err(error) => {
            let message = error.to_string();
            assert!(!message.is_empty());
            if let Some(line) = error.line() {
                let lines = text.matches('\n').count() + 1;
                assert!(
                    (1..=lines).contains(&line),
                    "line {line} is outside the text's {lines} lines: {message}"
                );
            }
            if let Some(column) = error.column() {
                assert!(column >= 1, "column {column} in {message}");
            }
        }
    }
});

/// Checks that what `Policy::parse` accepted is usable downstream. The
/// runtime parses endpoints, route patterns, denied actions and the service
/// control policy again, and fails the call when one of them does not parse.
fn check_policy(policy: &Policy) {
    let _ = policy.describe();
    serde_json::to_string(policy).expect("a parsed policy serialises to JSON");

    let network = &policy.network;
    for emulator in &network.emulators {
        if let Some(endpoint) = &emulator.endpoint
            && let Err(error) = endpoint.parse::<http::Uri>()
        {
            panic!("accepted endpoint {endpoint:?} is not a URI: {error}");
        }
    }
    for route in &network.routes {
        for host in &route.hosts {
            if let Err(error) = HostPattern::parse(host) {
                panic!("accepted route host {host:?} does not parse again: {error}");
            }
        }
        assert!(
            network.emulator(&route.emulator).is_some(),
            "route names undeclared emulator {:?}",
            route.emulator
        );
    }
    for action in &network.deny_actions {
        if let Err(error) = ActionPattern::parse(action) {
            panic!("accepted deny-actions entry {action:?} does not parse again: {error}");
        }
    }
    if let Some(scp) = &network.scp
        && let Err(error) = ServiceControlPolicy::parse(&scp.text)
    {
        panic!("accepted service control policy does not parse again: {error}");
    }
}
