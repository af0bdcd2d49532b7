//! Shared fixtures for Cordon's end-to-end tests: the real guest components, one runtime per test binary, policies
//! written inline, throwaway workspaces and the `cordon` binary.
//!
//! The guests must be built first (`scripts/build-guests.sh`), and the CLI tests need `cargo build -p cordon-cli`;
//! `scripts/test.sh` does both.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use cordon_policy::Policy;
use cordon_runtime::{Call, Outcome, Runtime, RuntimeConfig, Stdin, Tool};

/// Returns the repository's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate sits in the repository root").to_owned()
}

/// Returns the cargo target directory of the host workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target"))
}

/// Returns the path of a built guest component, failing the test with the build command if it is missing.
pub fn guest_path(name: &str) -> PathBuf {
    let path = repo_root().join("guest-tools/target/wasm32-wasip2/release").join(format!("{name}.wasm"));
    assert!(path.is_file(), "guest {} is not built (fix: run scripts/build-guests.sh)", path.display());
    path
}

/// Returns the runtime shared by every test in this binary, with its compiled-component cache under the target
/// directory so that repeated test runs skip compilation.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Runtime::new(RuntimeConfig {
            cache_dir: Some(target_dir().join("cordon-test-cache")),
            max_concurrent_calls: 200,
            ..RuntimeConfig::default()
        })
        .expect("creating the runtime")
    })
}

/// Returns a loaded guest tool, loading each one once per test binary.
pub fn tool(name: &str) -> Tool {
    static TOOLS: OnceLock<Mutex<HashMap<String, Tool>>> = OnceLock::new();
    let tools = TOOLS.get_or_init(Default::default);
    if let Some(tool) = tools.lock().unwrap().get(name) {
        return tool.clone();
    }
    let tool = runtime().load_tool(&guest_path(name)).unwrap_or_else(|error| panic!("loading {name}: {error}"));
    tools.lock().unwrap().insert(name.to_owned(), tool.clone());
    tool
}

/// Parses a policy written inline, resolving relative host paths against `workspace`.
pub fn policy(text: &str, workspace: &Path) -> Policy {
    Policy::parse(text, "test policy", workspace).unwrap_or_else(|error| panic!("invalid test policy: {error}"))
}

/// Runs one call of the named guest with `args` and empty stdin.
pub async fn run(name: &str, policy: &Policy, args: &[&str]) -> Outcome {
    run_call(name, policy, Call::new().args(args.iter().copied())).await
}

/// Runs one call of the named guest with `args` and the given stdin bytes.
pub async fn run_with_stdin(name: &str, policy: &Policy, args: &[&str], stdin: &[u8]) -> Outcome {
    run_call(name, policy, Call::new().args(args.iter().copied()).stdin(Stdin::Bytes(stdin.to_vec()))).await
}

/// Runs one prepared call of the named guest.
pub async fn run_call(name: &str, policy: &Policy, call: Call) -> Outcome {
    let tool = tool(name);
    runtime().run(&tool, policy, call).await.unwrap_or_else(|error| panic!("running {name}: {error}"))
}

/// A throwaway workspace directory beside a throwaway "outside" directory that no policy grants, so escape tests
/// have a real file to aim at.
pub struct Fixture {
    root: tempfile::TempDir,
}

impl Fixture {
    /// Creates `workspace/` with a few files and `outside/secret.txt` next to it.
    pub fn new() -> Fixture {
        let root = tempfile::tempdir().expect("creating a temporary directory");
        let fixture = Fixture { root };
        fixture.write("workspace/notes.txt", "alpha\nbeta fuel\ngamma\n");
        fixture.write("workspace/src/main.rs", "fn main() {\n    // fuel gauge\n}\n");
        fixture.write("outside/secret.txt", "top secret\n");
        fixture
    }

    /// Returns the workspace directory that policies grant.
    pub fn workspace(&self) -> PathBuf {
        self.root.path().join("workspace")
    }

    /// Returns the directory beside the workspace that no policy grants.
    pub fn outside(&self) -> PathBuf {
        self.root.path().join("outside")
    }

    /// Writes a file below the fixture root, creating its directories.
    pub fn write(&self, relative: &str, contents: &str) {
        let path = self.root.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("a relative file path has a parent")).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// Reads a file below the fixture root.
    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.path().join(relative)).unwrap()
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture::new()
    }
}

/// Builds a policy that mounts the fixture's workspace at /workspace with the given access, as the cwd.
pub fn workspace_policy(fixture: &Fixture, access: &str) -> Policy {
    policy(
        &format!("cwd = \"/workspace\"\n[[fs]]\nhost = \".\"\nguest = \"/workspace\"\naccess = \"{access}\"\n"),
        &fixture.workspace(),
    )
}

/// Returns the path of the `cordon` binary built by `cargo build -p cordon-cli`.
pub fn cordon_binary() -> PathBuf {
    let path = target_dir().join("debug/cordon");
    assert!(path.is_file(), "{} is not built (fix: run cargo build -p cordon-cli)", path.display());
    path
}

pub mod upstream;

/// Endpoints of the emulators shared by every test in one test binary.
pub struct EmulatorEndpoints {
    /// moto server, for AWS.
    pub moto: String,
    /// Azurite's blob service.
    pub azurite_blob: String,
}

/// Starts moto and Azurite once per test binary on ephemeral loopback ports, and stops them when the binary exits.
///
/// The emulators must be installed first (`scripts/setup-emulators.sh`, which `scripts/test.sh` runs); without them
/// the test fails with that fix rather than passing silently.
pub fn emulators() -> &'static EmulatorEndpoints {
    static RUNNING: Mutex<Option<cordon_emulators::RunningEmulators>> = Mutex::new(None);
    static ENDPOINTS: OnceLock<EmulatorEndpoints> = OnceLock::new();

    extern "C" fn stop_emulators() {
        if let Ok(mut running) = RUNNING.lock()
            && let Some(emulators) = running.take()
        {
            let _ = emulators.stop();
        }
    }

    ENDPOINTS.get_or_init(|| {
        let state = tempfile::tempdir().expect("creating a state directory").keep();
        let mut options = cordon_emulators::StartOptions::new(state);
        options.install_root = repo_root().join(".build");
        let running = cordon_emulators::Emulators::start(&options).unwrap_or_else(|error| {
            panic!("cannot start the emulators: {error} (fix: run scripts/setup-emulators.sh)")
        });
        let endpoints = EmulatorEndpoints {
            moto: running.moto_endpoint().expect("moto was started"),
            azurite_blob: running.azurite_blob_endpoint().expect("Azurite was started"),
        };
        *RUNNING.lock().unwrap() = Some(running);
        // SAFETY: `stop_emulators` is a plain function with no captured state, registered once.
        unsafe { libc::atexit(stop_emulators) };
        endpoints
    })
}

/// Runs `attack` while a witness call runs beside it on the same engine, then checks that the witness finished
/// intact: a fault, limit or refusal in one call must not disturb another. Returns the attack's outcome.
pub async fn beside_witness<F>(attack: F) -> Outcome
where
    F: std::future::Future<Output = Outcome> + Send + 'static,
{
    static WITNESSES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let number = WITNESSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let marker = format!("witness-{number}");
    let witness = {
        let marker = marker.clone();
        tokio::spawn(async move { run("env", &Policy::deny_all(), &[&marker]).await })
    };
    let outcome = tokio::spawn(attack).await.expect("the attack's task panicked");
    let witness = witness.await.expect("the witness's task panicked");
    assert_eq!(witness.status, cordon_runtime::Status::Success, "the witness call was disturbed");
    assert!(witness.stdout_text().contains(&format!("args: {marker}\n")), "the witness's output was disturbed");
    outcome
}
