//! Handles a guest opens are closed when its call ends. This binary holds a single test, because it counts the
//! process's open file descriptors, which tests running beside it in the same process would disturb.

use cordon_runtime::{Call, Runtime, RuntimeConfig, Status, Stdin};
use cordon_tests::{Fixture, guest_path, policy, target_dir, workspace_policy};

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|entries| entries.count()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_handles_closed_after_call() {
    let fixture = Fixture::new();
    let scratch_root = tempfile::tempdir().unwrap();
    let runtime = Runtime::new(RuntimeConfig {
        cache_dir: Some(target_dir().join("cordon-test-cache")),
        scratch_root: Some(scratch_root.path().to_owned()),
        max_concurrent_calls: 4,
    })
    .unwrap();
    let open_handles = runtime.load_tool(&guest_path("open-handles")).unwrap();
    let dir_handles = runtime.load_tool(&guest_path("dir-handles")).unwrap();
    let warm =
        runtime.run(&open_handles, &workspace_policy(&fixture, "read-only"), Call::new().arg("1")).await.unwrap();
    assert_eq!(warm.status, Status::Success, "stderr: {}", warm.stderr_text());
    let before = open_descriptors();

    // Two thousand file handles, closed when the guest returns.
    let outcome =
        runtime.run(&open_handles, &workspace_policy(&fixture, "read-only"), Call::new().arg("2000")).await.unwrap();
    assert_eq!(outcome.status, Status::Success, "stderr: {}", outcome.stderr_text());
    assert!(open_descriptors() <= before, "file handles leaked: {before} before, {} after", open_descriptors());

    // Five hundred directory handles on the scratch directory, still open when the call times out.
    let scratch = policy("[scratch]\nguest = \"/scratch\"\n[limits]\ntimeout = \"300ms\"\n", &fixture.workspace());
    let (_writer, reader) = tokio::io::duplex(64);
    let call = Call::new().args(["/scratch", "500"]).stdin(Stdin::Reader(Box::new(reader)));
    let outcome = runtime.run(&dir_handles, &scratch, call).await.unwrap();
    assert_eq!(outcome.status, Status::Timeout { limit_ms: 300 });
    assert!(outcome.stdout_text().contains("opened 500"), "stdout: {}", outcome.stdout_text());
    // The reader half of the duplex is still held by the abandoned stdin task until it notices the call ended.
    assert!(
        open_descriptors() <= before + 2,
        "directory handles leaked: {before} before, {} after",
        open_descriptors()
    );
    assert_eq!(std::fs::read_dir(scratch_root.path()).unwrap().count(), 0, "the scratch directory outlived the call");
}
