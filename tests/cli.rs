//! The `cordon` binary as a user runs it: real tools, shipped policies, exit statuses and error messages.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use cordon_tests::{Fixture, cordon_binary, guest_path, repo_root};

fn cordon(args: &[&str], workspace: &Path) -> Output {
    Command::new(cordon_binary())
        .args(args)
        .current_dir(workspace)
        .env("CORDON_CACHE_DIR", cordon_tests::target_dir().join("cordon-test-cache"))
        .stdin(Stdio::null())
        .output()
        .expect("running cordon")
}

fn shipped_policy(name: &str) -> String {
    repo_root().join("policies").join(name).to_str().unwrap().to_owned()
}

fn guest(name: &str) -> String {
    guest_path(name).to_str().unwrap().to_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn grep_over_read_only_workspace() {
    let fixture = Fixture::new();
    let policy = shipped_policy("workspace-read-only.toml");
    let output = cordon(&["run", "--policy", &policy, &guest("grep"), "--", "-rn", "fuel", "."], &fixture.workspace());
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("notes.txt:2:beta fuel"));
}

#[test]
fn json_outcome_names_fuel_exhaustion() {
    let fixture = Fixture::new();
    fixture.write("workspace/tight.toml", "[limits]\nfuel = 1_000_000\n");
    let output = cordon(&["run", "--json", "--policy", "tight.toml", &guest("spin")], &fixture.workspace());
    assert_eq!(output.status.code(), Some(152));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON outcome");
    assert_eq!(json["status"]["kind"], "fuel-exhausted");
    assert!(json["fuel_used"].as_u64().unwrap() >= 1_000_000);
    assert!(json["peak_memory"].as_u64().unwrap() > 0);
    assert!(json["duration_us"].as_u64().is_some());
}

#[test]
fn timeout_exits_with_124() {
    let fixture = Fixture::new();
    fixture.write("workspace/quick.toml", "[limits]\ntimeout = \"100ms\"\n");
    let output = cordon(&["run", "--policy", "quick.toml", &guest("sleep"), "--", "60000"], &fixture.workspace());
    assert_eq!(output.status.code(), Some(124));
    assert!(stderr(&output).contains("timed out after 100 ms"), "stderr: {}", stderr(&output));
}

#[test]
fn tool_exit_status_passes_through() {
    let fixture = Fixture::new();
    let output = cordon(&["run", &guest("exit-code"), "--", "42"], &fixture.workspace());
    assert_eq!(output.status.code(), Some(42));
}

#[test]
fn stdin_reaches_the_tool() {
    let fixture = Fixture::new();
    let mut child = Command::new(cordon_binary())
        .args(["run", &guest("cat")])
        .current_dir(fixture.workspace())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"through the sandbox").unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.stdout, b"through the sandbox");
}

#[test]
fn check_points_at_line_and_column() {
    let fixture = Fixture::new();
    fixture.write("workspace/broken.toml", "[limits]\nfuel = 10\nmemory = \"lots\"\n");
    let output = cordon(&["check", "broken.toml"], &fixture.workspace());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("broken.toml:3:10"), "stderr: {}", stderr(&output));
}

#[test]
fn check_describes_shipped_policy() {
    let fixture = Fixture::new();
    let output = cordon(&["check", &shipped_policy("workspace-read-only.toml")], &fixture.workspace());
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("as /workspace, read-only"), "stdout: {stdout}");
}

#[test]
fn missing_component_is_usage_error() {
    let fixture = Fixture::new();
    let output = cordon(&["run", "no-such-tool.wasm"], &fixture.workspace());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("component no-such-tool.wasm not found"), "stderr: {}", stderr(&output));
}

#[test]
fn core_module_is_rejected_by_name() {
    let fixture = Fixture::new();
    std::fs::write(fixture.workspace().join("core.wasm"), b"\0asm\x01\x00\x00\x00").unwrap();
    let output = cordon(&["run", "core.wasm"], &fixture.workspace());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("core.wasm is a core WebAssembly module"), "stderr: {}", stderr(&output));
}

#[test]
fn text_file_is_not_a_component() {
    let fixture = Fixture::new();
    let output = cordon(&["run", "notes.txt"], &fixture.workspace());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("notes.txt is not a WebAssembly component"), "stderr: {}", stderr(&output));
}

#[test]
fn truncated_component_is_invalid() {
    let fixture = Fixture::new();
    let bytes = std::fs::read(guest_path("hello")).unwrap();
    std::fs::write(fixture.workspace().join("cut.wasm"), &bytes[..bytes.len() / 2]).unwrap();
    let output = cordon(&["run", "--no-cache", "cut.wasm"], &fixture.workspace());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cut.wasm is not a valid component"), "stderr: {}", stderr(&output));
}

#[test]
fn unreadable_policy_names_the_file() {
    let fixture = Fixture::new();
    let output = cordon(&["run", "--policy", "absent.toml", &guest("hello")], &fixture.workspace());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("absent.toml"), "stderr: {}", stderr(&output));
}

#[test]
fn check_warns_about_scp_gap() {
    let fixture = Fixture::new();
    let document =
        std::fs::read_to_string(repo_root().join("crates/cordon-shim/testdata/scp-deny-expensive.json")).unwrap();
    fixture.write("workspace/scp.json", &document);
    fixture.write(
        "workspace/cloud.toml",
        "[emulators.aws]\nkind = \"aws\"\n[[routes]]\nhosts = [\"*.amazonaws.com\"]\nemulator = \"aws\"\n[rules]\nscp = \"scp.json\"\n",
    );
    let output = cordon(&["check", "cloud.toml"], &fixture.workspace());
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("warning: "), "stdout: {stdout}");
    assert!(stdout.contains("redshift"), "stdout: {stdout}");
}

#[test]
fn keep_scratch_outlives_the_call() {
    let fixture = Fixture::new();
    let kept = fixture.workspace().join("kept");
    let mut child = Command::new(cordon_binary())
        .args([
            "run",
            "--policy",
            &shipped_policy("workspace-read-write.toml"),
            "--keep-scratch",
            kept.to_str().unwrap(),
        ])
        .args([&guest("write"), "/scratch/report.md"])
        .current_dir(fixture.workspace())
        .env("CORDON_CACHE_DIR", cordon_tests::target_dir().join("cordon-test-cache"))
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"# Kept").unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(fixture.read("workspace/kept/report.md"), "# Kept");
}
