//! The everyday guest tools do real work on real files through the sandbox.

use cordon_runtime::{Call, Runtime, RuntimeConfig, Status, Stdin};
use cordon_tests::{Fixture, guest_path, policy, run, run_with_stdin, workspace_policy};

#[tokio::test]
async fn grep_finds_matches_with_line_numbers() {
    let fixture = Fixture::new();
    let outcome = run("grep", &workspace_policy(&fixture, "read-only"), &["-rn", "fuel", "."]).await;
    assert_eq!(outcome.status, Status::Success, "stderr: {}", outcome.stderr_text());
    let stdout = outcome.stdout_text();
    assert!(stdout.contains("notes.txt:2:beta fuel"), "stdout: {stdout}");
    assert!(stdout.contains("main.rs:2:    // fuel gauge"), "stdout: {stdout}");
}

#[tokio::test]
async fn grep_without_match_exits_one() {
    let fixture = Fixture::new();
    let outcome = run("grep", &workspace_policy(&fixture, "read-only"), &["-r", "no-such-text", "."]).await;
    assert_eq!(outcome.status, Status::Exit { code: 1 });
}

#[tokio::test]
async fn grep_bad_pattern_exits_two() {
    let fixture = Fixture::new();
    let outcome = run("grep", &workspace_policy(&fixture, "read-only"), &["(unclosed", "notes.txt"]).await;
    assert_eq!(outcome.status, Status::Exit { code: 2 });
}

#[tokio::test]
async fn ls_lists_workspace_entries() {
    let fixture = Fixture::new();
    let outcome = run("ls", &workspace_policy(&fixture, "read-only"), &["/workspace"]).await;
    assert_eq!(outcome.status, Status::Success, "stderr: {}", outcome.stderr_text());
    assert_eq!(outcome.stdout_text(), "notes.txt\nsrc\n");
}

#[tokio::test]
async fn cat_prints_file_contents() {
    let fixture = Fixture::new();
    let outcome = run("cat", &workspace_policy(&fixture, "read-only"), &["/workspace/notes.txt"]).await;
    assert_eq!(outcome.stdout_text(), "alpha\nbeta fuel\ngamma\n");
}

#[tokio::test]
async fn cat_copies_stdin() {
    let fixture = Fixture::new();
    let outcome = run_with_stdin("cat", &workspace_policy(&fixture, "read-only"), &[], b"piped text").await;
    assert_eq!(outcome.stdout_text(), "piped text");
}

#[tokio::test]
async fn wc_counts_lines_words_bytes() {
    let fixture = Fixture::new();
    let outcome = run("wc", &workspace_policy(&fixture, "read-only"), &["notes.txt"]).await;
    let fields: Vec<String> = outcome.stdout_text().split_whitespace().map(str::to_owned).collect();
    assert_eq!(fields, ["3", "4", "22", "notes.txt"]);
}

#[tokio::test]
async fn find_matches_name_glob() {
    let fixture = Fixture::new();
    let outcome = run("find", &workspace_policy(&fixture, "read-only"), &[".", "-name", "*.rs"]).await;
    assert_eq!(outcome.status, Status::Success, "stderr: {}", outcome.stderr_text());
    assert_eq!(outcome.stdout_text().trim(), "./src/main.rs");
}

#[tokio::test]
async fn write_stores_stdin_in_workspace() {
    let fixture = Fixture::new();
    let policy = workspace_policy(&fixture, "read-write");
    let outcome = run_with_stdin("write", &policy, &["/workspace/report.md"], b"# Report\n").await;
    assert_eq!(outcome.status, Status::Success, "stderr: {}", outcome.stderr_text());
    assert_eq!(fixture.read("workspace/report.md"), "# Report\n");
}

#[tokio::test]
async fn scratch_is_fresh_and_removed() {
    let scratch_root = tempfile::tempdir().unwrap();
    let runtime = Runtime::new(RuntimeConfig {
        cache_dir: Some(cordon_tests::target_dir().join("cordon-test-cache")),
        scratch_root: Some(scratch_root.path().to_owned()),
        max_concurrent_calls: 4,
    })
    .unwrap();
    let write = runtime.load_tool(&guest_path("write")).unwrap();
    let ls = runtime.load_tool(&guest_path("ls")).unwrap();
    let fixture = Fixture::new();
    let policy = policy("[scratch]\nguest = \"/scratch\"\n", &fixture.workspace());

    let call = Call::new().arg("/scratch/report.md").stdin(Stdin::Bytes(b"draft".to_vec()));
    let written = runtime.run(&write, &policy, call).await.unwrap();
    assert_eq!(written.status, Status::Success, "stderr: {}", written.stderr_text());

    let listed = runtime.run(&ls, &policy, Call::new().arg("/scratch")).await.unwrap();
    assert_eq!(listed.stdout_text(), "", "a second call must see an empty scratch");

    let leftovers = std::fs::read_dir(scratch_root.path()).unwrap().count();
    assert_eq!(leftovers, 0, "scratch directories must be removed after each call");
}
