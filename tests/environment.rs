//! The guest receives exactly the environment, arguments and working directory the policy and the call give it.

use cordon_runtime::Status;
use cordon_tests::{Fixture, policy, run};

#[tokio::test]
async fn host_environment_is_not_inherited() {
    assert!(std::env::var_os("PATH").is_some(), "the host process should have PATH for this test to mean anything");
    let outcome = run("env", &cordon_policy::Policy::deny_all(), &[]).await;
    assert_eq!(outcome.status, Status::Success);
    let variables: Vec<String> = outcome
        .stdout_text()
        .lines()
        .filter(|line| !line.starts_with("args:") && !line.starts_with("cwd:"))
        .map(str::to_owned)
        .collect();
    assert!(variables.is_empty(), "variables seen: {variables:?}");
}

#[tokio::test]
async fn policy_environment_is_exact() {
    let fixture = Fixture::new();
    let policy = policy("[env]\nLANG = \"C.UTF-8\"\nREPORT_TITLE = \"weekly\"\n", &fixture.workspace());
    let outcome = run("env", &policy, &[]).await;
    let variables: Vec<String> =
        outcome.stdout_text().lines().filter(|line| line.contains('=')).map(str::to_owned).collect();
    assert_eq!(variables, ["LANG=C.UTF-8", "REPORT_TITLE=weekly"]);
}

#[tokio::test]
async fn arguments_pass_through_unchanged() {
    let outcome = run("env", &cordon_policy::Policy::deny_all(), &["one", "two words", "--flag"]).await;
    assert!(outcome.stdout_text().contains("args: one two words --flag\n"), "stdout: {}", outcome.stdout_text());
}

#[tokio::test]
async fn relative_paths_resolve_against_cwd() {
    let fixture = Fixture::new();
    let policy = policy(
        "cwd = \"/workspace/src\"\n[[fs]]\nhost = \".\"\nguest = \"/workspace\"\naccess = \"read-only\"\n",
        &fixture.workspace(),
    );
    let outcome = run("probe-read", &policy, &["main.rs", "../notes.txt"]).await;
    assert_eq!(outcome.stdout_text().lines().next(), Some("ok main.rs 32"));
}

#[tokio::test]
async fn cwd_cannot_leave_through_symlink() {
    let fixture = Fixture::new();
    std::fs::create_dir(fixture.workspace().join("sub")).unwrap();
    let policy = policy(
        "cwd = \"/workspace/sub\"\n[[fs]]\nhost = \".\"\nguest = \"/workspace\"\naccess = \"read-only\"\n",
        &fixture.workspace(),
    );
    std::fs::remove_dir(fixture.workspace().join("sub")).unwrap();
    std::os::unix::fs::symlink(fixture.outside(), fixture.workspace().join("sub")).unwrap();

    let result = cordon_tests::runtime()
        .run(&cordon_tests::tool("probe-read"), &policy, cordon_runtime::Call::new().arg("secret.txt"))
        .await;
    let error = result.expect_err("a cwd that resolves outside its mount must not be preopened");
    assert!(error.to_string().contains("outside its mount"), "error: {error}");
}
