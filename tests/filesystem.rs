//! Files outside the policy's preopens are absent to the guest, whatever path it takes, and read-only mounts stay
//! unchanged.

use cordon_runtime::Status;
use cordon_tests::{Fixture, run, workspace_policy};

/// Asserts that every line a probe printed reports a failure, and that it printed one line per attempt.
fn assert_all_refused(stdout: &str, attempts: usize) {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), attempts, "stdout: {stdout}");
    for line in lines {
        assert!(line.starts_with("err "), "an attempt succeeded: {line}");
    }
}

#[tokio::test]
async fn dotdot_paths_stay_inside() {
    let fixture = Fixture::new();
    let paths = [
        "../outside/secret.txt",
        "/workspace/../outside/secret.txt",
        "/workspace/src/../../outside/secret.txt",
        "/workspace/../../../../../../etc/passwd",
        "..",
        "/workspace/..",
    ];
    let outcome = run("probe-read", &workspace_policy(&fixture, "read-only"), &paths).await;
    assert_eq!(outcome.status, Status::Success);
    assert_all_refused(&outcome.stdout_text(), paths.len());
}

#[tokio::test]
async fn absolute_host_paths_are_absent() {
    let fixture = Fixture::new();
    let secret = fixture.outside().join("secret.txt");
    let paths = ["/etc/passwd", "/", secret.to_str().unwrap(), "/proc/self/environ"];
    let policy = cordon_tests::policy(
        "[[fs]]\nhost = \".\"\nguest = \"/workspace\"\naccess = \"read-only\"\n",
        &fixture.workspace(),
    );
    let outcome = run("probe-read", &policy, &paths).await;
    assert_all_refused(&outcome.stdout_text(), paths.len());
}

#[tokio::test]
async fn absolute_paths_with_cwd_stay_inside() {
    // With a working directory, wasi-libc resolves an absolute path outside every mount against the `.` preopen,
    // so it can only name something inside the working directory's mount.
    let fixture = Fixture::new();
    let secret = fixture.outside().join("secret.txt");
    let paths = ["/etc/passwd", secret.to_str().unwrap(), "/proc/self/environ", "/../outside/secret.txt"];
    let outcome = run("probe-read", &workspace_policy(&fixture, "read-only"), &paths).await;
    assert_all_refused(&outcome.stdout_text(), paths.len());
}

#[tokio::test]
async fn planted_symlinks_do_not_escape() {
    let fixture = Fixture::new();
    let workspace = fixture.workspace();
    std::os::unix::fs::symlink(fixture.outside().join("secret.txt"), workspace.join("abs-link")).unwrap();
    std::os::unix::fs::symlink("../outside/secret.txt", workspace.join("rel-link")).unwrap();
    std::os::unix::fs::symlink(fixture.outside(), workspace.join("dir-link")).unwrap();
    let paths = ["/workspace/abs-link", "/workspace/rel-link", "/workspace/dir-link/secret.txt", "/workspace/dir-link"];
    let outcome = run("probe-read", &workspace_policy(&fixture, "read-only"), &paths).await;
    assert_all_refused(&outcome.stdout_text(), paths.len());
}

#[tokio::test]
async fn read_only_mount_refuses_new_files() {
    let fixture = Fixture::new();
    let outcome = run("probe-write", &workspace_policy(&fixture, "read-only"), &["/workspace/new.txt"]).await;
    assert_all_refused(&outcome.stdout_text(), 1);
    assert!(!fixture.workspace().join("new.txt").exists());
}

#[tokio::test]
async fn read_only_mount_keeps_existing_files() {
    let fixture = Fixture::new();
    let outcome = run("probe-write", &workspace_policy(&fixture, "read-only"), &["/workspace/notes.txt"]).await;
    assert_all_refused(&outcome.stdout_text(), 1);
    assert_eq!(fixture.read("workspace/notes.txt"), "alpha\nbeta fuel\ngamma\n");
}

#[tokio::test]
async fn read_only_mount_refuses_rename_and_remove() {
    let fixture = Fixture::new();
    let policy = workspace_policy(&fixture, "read-only");
    let renamed = run("probe-rename", &policy, &["/workspace/notes.txt", "/workspace/moved.txt"]).await;
    assert_all_refused(&renamed.stdout_text(), 1);
    let removed = run("probe-remove", &policy, &["/workspace/notes.txt"]).await;
    assert_all_refused(&removed.stdout_text(), 1);
    let created = run("probe-mkdir", &policy, &["/workspace/newdir"]).await;
    assert_all_refused(&created.stdout_text(), 1);
    assert!(fixture.workspace().join("notes.txt").is_file());
}

#[tokio::test]
async fn read_write_mount_accepts_writes() {
    let fixture = Fixture::new();
    let outcome = run("probe-write", &workspace_policy(&fixture, "read-write"), &["/workspace/new.txt"]).await;
    assert_eq!(outcome.stdout_text(), "ok /workspace/new.txt\n");
    assert_eq!(fixture.read("workspace/new.txt"), "probe");
}

#[tokio::test]
async fn writes_cannot_leave_read_write_mount() {
    let fixture = Fixture::new();
    let workspace = fixture.workspace();
    std::os::unix::fs::symlink(fixture.outside(), workspace.join("dir-link")).unwrap();
    let paths = ["/workspace/../outside/planted.txt", "/workspace/dir-link/planted.txt", "/tmp/planted.txt"];
    let outcome = run("probe-write", &workspace_policy(&fixture, "read-write"), &paths).await;
    assert_all_refused(&outcome.stdout_text(), paths.len());
    assert!(!fixture.outside().join("planted.txt").exists());
}

#[tokio::test]
async fn rename_cannot_move_files_out() {
    let fixture = Fixture::new();
    let outcome = run(
        "probe-rename",
        &workspace_policy(&fixture, "read-write"),
        &["/workspace/notes.txt", "/workspace/../moved.txt"],
    )
    .await;
    assert_all_refused(&outcome.stdout_text(), 1);
    assert!(fixture.workspace().join("notes.txt").is_file());
}

#[tokio::test]
async fn no_policy_means_no_files() {
    let fixture = Fixture::new();
    let outcome = run("probe-read", &cordon_policy::Policy::deny_all(), &["/", ".", "/workspace/notes.txt"]).await;
    assert_all_refused(&outcome.stdout_text(), 3);
    drop(fixture);
}
