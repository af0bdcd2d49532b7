//! The containment suite: one test per attack, each with a real guest component or a real request. Every test
//! asserts that the attempt failed and how (the guest's error, the outcome kind, the audit event), and runs beside a
//! witness call that must finish intact, so a fault in one call is shown not to reach another.

use std::time::Duration;

use cordon_policy::Policy;
use cordon_runtime::{Call, Outcome, Status, Stdin, Verdict};
use cordon_tests::upstream::{CaptureServer, Reply};
use cordon_tests::{Fixture, beside_witness, policy, run, run_call, workspace_policy};

/// Runs a guest with arguments under a policy beside a witness call.
async fn attack(guest: &'static str, policy: Policy, args: Vec<String>) -> Outcome {
    beside_witness(async move {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(guest, &policy, &args).await
    })
    .await
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// Asserts a probe printed exactly one line per attempt and that every attempt failed with `kind`, if given.
fn assert_refused(outcome: &Outcome, attempts: usize, kind: Option<&str>) {
    let stdout = outcome.stdout_text();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), attempts, "stdout: {stdout}");
    for line in lines {
        assert!(line.starts_with("err "), "an attempt succeeded: {line}");
        if let Some(kind) = kind {
            assert!(line.contains(&format!(" {kind}: ")), "expected {kind}: {line}");
        }
    }
}

fn policy_without_cwd(fixture: &Fixture, access: &str) -> Policy {
    policy(&format!("[[fs]]\nhost = \".\"\nguest = \"/workspace\"\naccess = \"{access}\"\n"), &fixture.workspace())
}

// Files: `..` at every depth, from the working directory.

macro_rules! dotdot_case {
    ($name:ident, $depth:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let fixture = Fixture::new();
            let path = format!("{}outside/secret.txt", "../".repeat($depth));
            let outcome = attack("probe-read", workspace_policy(&fixture, "read-only"), vec![path]).await;
            assert_refused(&outcome, 1, None);
        }
    };
}

dotdot_case!(dotdot_depth_one_refused, 1);
dotdot_case!(dotdot_depth_two_refused, 2);
dotdot_case!(dotdot_depth_three_refused, 3);
dotdot_case!(dotdot_depth_four_refused, 4);
dotdot_case!(dotdot_depth_six_refused, 6);
dotdot_case!(dotdot_depth_twelve_refused, 12);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dotdot_through_mount_path_refused() {
    let fixture = Fixture::new();
    let outcome =
        attack("probe-read", workspace_policy(&fixture, "read-only"), strings(&["/workspace/../outside/secret.txt"]))
            .await;
    assert_refused(&outcome, 1, Some("PermissionDenied"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dotdot_after_descent_refused() {
    let fixture = Fixture::new();
    let paths = strings(&["/workspace/src/../../outside/secret.txt", "src/../../outside/secret.txt"]);
    let outcome = attack("probe-read", workspace_policy(&fixture, "read-only"), paths).await;
    assert_refused(&outcome, 2, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dotdot_write_out_refused() {
    let fixture = Fixture::new();
    let outcome =
        attack("probe-write", workspace_policy(&fixture, "read-write"), strings(&["../outside/planted.txt"])).await;
    assert_refused(&outcome, 1, None);
    assert!(!fixture.outside().join("planted.txt").exists());
}

// Files: absolute paths.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absolute_etc_passwd_absent() {
    let fixture = Fixture::new();
    let outcome = attack("probe-read", policy_without_cwd(&fixture, "read-only"), strings(&["/etc/passwd"])).await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absolute_proc_environ_absent() {
    let fixture = Fixture::new();
    let outcome =
        attack("probe-read", policy_without_cwd(&fixture, "read-only"), strings(&["/proc/self/environ"])).await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absolute_host_path_absent() {
    let fixture = Fixture::new();
    let secret = fixture.outside().join("secret.txt").to_str().unwrap().to_owned();
    let outcome = attack("probe-read", policy_without_cwd(&fixture, "read-only"), vec![secret]).await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absolute_root_listing_absent() {
    let fixture = Fixture::new();
    let outcome = attack("probe-read", policy_without_cwd(&fixture, "read-only"), strings(&["/"])).await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absolute_write_to_tmp_refused() {
    let fixture = Fixture::new();
    let outcome =
        attack("probe-write", policy_without_cwd(&fixture, "read-write"), strings(&["/tmp/cordon-planted.txt"])).await;
    assert_refused(&outcome, 1, None);
    assert!(!std::path::Path::new("/tmp/cordon-planted.txt").exists());
}

// Files: symlinks the test plants.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_absolute_symlink_refused() {
    let fixture = Fixture::new();
    std::os::unix::fs::symlink(fixture.outside().join("secret.txt"), fixture.workspace().join("link")).unwrap();
    let outcome = attack("probe-read", workspace_policy(&fixture, "read-only"), strings(&["/workspace/link"])).await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_relative_symlink_refused() {
    let fixture = Fixture::new();
    std::os::unix::fs::symlink("../outside/secret.txt", fixture.workspace().join("link")).unwrap();
    let outcome = attack("probe-read", workspace_policy(&fixture, "read-only"), strings(&["link"])).await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_directory_symlink_refused() {
    let fixture = Fixture::new();
    std::os::unix::fs::symlink(fixture.outside(), fixture.workspace().join("dir")).unwrap();
    let outcome = attack(
        "probe-read",
        workspace_policy(&fixture, "read-only"),
        strings(&["/workspace/dir/secret.txt", "/workspace/dir"]),
    )
    .await;
    assert_refused(&outcome, 2, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_symlink_chain_refused() {
    let fixture = Fixture::new();
    std::os::unix::fs::symlink("second", fixture.workspace().join("first")).unwrap();
    std::os::unix::fs::symlink("../outside/secret.txt", fixture.workspace().join("second")).unwrap();
    let outcome = attack("probe-read", workspace_policy(&fixture, "read-only"), strings(&["first"])).await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_through_planted_symlink_refused() {
    let fixture = Fixture::new();
    std::os::unix::fs::symlink(fixture.outside().join("secret.txt"), fixture.workspace().join("link")).unwrap();
    let outcome = attack("probe-write", workspace_policy(&fixture, "read-write"), strings(&["/workspace/link"])).await;
    assert_refused(&outcome, 1, None);
    assert_eq!(fixture.read("outside/secret.txt"), "top secret\n");
}

// Files: read-only mounts and files.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_create_refused() {
    let fixture = Fixture::new();
    let outcome =
        attack("probe-write", workspace_policy(&fixture, "read-only"), strings(&["/workspace/new.txt"])).await;
    assert_refused(&outcome, 1, Some("PermissionDenied"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_overwrite_refused() {
    let fixture = Fixture::new();
    let outcome =
        attack("probe-write", workspace_policy(&fixture, "read-only"), strings(&["/workspace/notes.txt"])).await;
    assert_refused(&outcome, 1, None);
    assert_eq!(fixture.read("workspace/notes.txt"), "alpha\nbeta fuel\ngamma\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_mkdir_refused() {
    let fixture = Fixture::new();
    let outcome = attack("probe-mkdir", workspace_policy(&fixture, "read-only"), strings(&["/workspace/made"])).await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_remove_refused() {
    let fixture = Fixture::new();
    let outcome = attack(
        "probe-remove",
        workspace_policy(&fixture, "read-only"),
        strings(&["/workspace/notes.txt", "/workspace/src"]),
    )
    .await;
    assert_refused(&outcome, 2, None);
    assert!(fixture.workspace().join("src/main.rs").is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_rename_refused() {
    let fixture = Fixture::new();
    let outcome = attack(
        "probe-rename",
        workspace_policy(&fixture, "read-only"),
        strings(&["/workspace/notes.txt", "/workspace/moved.txt"]),
    )
    .await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_from_read_only_refused() {
    // Moving a file between two read-write mounts is within what the policy grants; moving one out of a read-only
    // mount would change it, so it is refused.
    let fixture = Fixture::new();
    let text =
        "[[fs]]\nhost = \".\"\nguest = \"/workspace\"\naccess = \"read-only\"\n[scratch]\nguest = \"/scratch\"\n";
    let outcome = attack(
        "probe-rename",
        policy(text, &fixture.workspace()),
        strings(&["/workspace/notes.txt", "/scratch/notes.txt"]),
    )
    .await;
    assert_refused(&outcome, 1, None);
    assert!(fixture.workspace().join("notes.txt").is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_out_of_mount_refused() {
    let fixture = Fixture::new();
    let outcome = attack(
        "probe-rename",
        workspace_policy(&fixture, "read-write"),
        strings(&["/workspace/notes.txt", "/workspace/../stolen.txt"]),
    )
    .await;
    assert_refused(&outcome, 1, None);
}

// Files: links the guest makes, and a symlink swapped in while the guest reads.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_hard_link_out_refused() {
    let fixture = Fixture::new();
    let args = strings(&["/workspace/../outside/secret.txt", "/workspace/stolen.txt"]);
    let outcome = attack("probe-link", workspace_policy(&fixture, "read-write"), args).await;
    assert_refused(&outcome, 1, None);
    assert!(!fixture.workspace().join("stolen.txt").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hard_link_from_read_only_refused() {
    let fixture = Fixture::new();
    let text =
        "[[fs]]\nhost = \".\"\nguest = \"/workspace\"\naccess = \"read-only\"\n[scratch]\nguest = \"/scratch\"\n";
    let args = strings(&["/workspace/notes.txt", "/scratch/writable.txt"]);
    let outcome = attack("probe-link", policy(text, &fixture.workspace()), args).await;
    assert_refused(&outcome, 1, Some("PermissionDenied"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_symlink_out_unreadable() {
    let fixture = Fixture::new();
    let args = strings(&["../outside/secret.txt", "/workspace/out-link"]);
    let outcome = attack("probe-symlink", workspace_policy(&fixture, "read-write"), args).await;
    let stdout = outcome.stdout_text();
    let read = stdout.lines().find(|line| line.contains(" read ")).unwrap_or(stdout.lines().next().unwrap_or_default());
    assert!(read.starts_with("err "), "the guest read through its own link: {stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_escaping_symlink_not_created() {
    let fixture = Fixture::new();
    let args = strings(&["../outside/secret.txt", "/workspace/out-link"]);
    let outcome = attack("probe-symlink", workspace_policy(&fixture, "read-write"), args).await;
    assert!(outcome.stdout_text().starts_with("err "), "stdout: {}", outcome.stdout_text());
    assert!(std::fs::symlink_metadata(fixture.workspace().join("out-link")).is_err(), "the link was left in the mount");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_sibling_symlink_works() {
    let fixture = Fixture::new();
    let args = strings(&["notes.txt", "/workspace/alias"]);
    let outcome = attack("probe-symlink", workspace_policy(&fixture, "read-write"), args).await;
    assert!(outcome.stdout_text().contains("ok read /workspace/alias"), "stdout: {}", outcome.stdout_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_absolute_symlink_refused() {
    let fixture = Fixture::new();
    let outcome =
        attack("probe-symlink", workspace_policy(&fixture, "read-write"), strings(&["/etc/passwd", "/workspace/l"]))
            .await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symlink_swapped_mid_call_contained() {
    let fixture = Fixture::new();
    let flip = fixture.workspace().join("flip");
    let secret = fixture.outside().join("secret.txt");
    std::fs::write(&flip, "harmless").unwrap();

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let (flip, secret, stop) = (flip.clone(), secret.clone(), std::sync::Arc::clone(&stop));
        std::thread::spawn(move || {
            let staged = flip.with_extension("staged");
            let mut as_link = false;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = std::fs::remove_file(&staged);
                if as_link {
                    let _ = std::os::unix::fs::symlink(&secret, &staged);
                } else {
                    let _ = std::fs::write(&staged, "harmless");
                }
                let _ = std::fs::rename(&staged, &flip);
                as_link = !as_link;
            }
        })
    };
    let outcome =
        attack("probe-race", workspace_policy(&fixture, "read-only"), strings(&["/workspace/flip", "20000"])).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    swapper.join().unwrap();

    let stdout = outcome.stdout_text();
    assert!(stdout.contains("secret-seen=no"), "stdout: {stdout}");
    assert!(stdout.contains("reads ok="), "stdout: {stdout}");
}

// Files: names the host file system treats specially.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn very_long_name_fails_cleanly() {
    let fixture = Fixture::new();
    let name = format!("/workspace/{}", "n".repeat(300));
    let outcome = attack("probe-write", workspace_policy(&fixture, "read-write"), vec![name]).await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_utf8_name_fails_cleanly() {
    use std::os::unix::ffi::OsStrExt;
    let fixture = Fixture::new();
    let name = std::ffi::OsStr::from_bytes(b"bad-\xff-name.txt");
    std::fs::write(fixture.workspace().join(name), "x").unwrap();
    let outcome = attack("ls", workspace_policy(&fixture, "read-only"), strings(&["/workspace"])).await;
    assert!(!matches!(outcome.status, Status::Trap { .. }), "status: {:?}", outcome.status);
    assert!(!outcome.stdout_text().contains("bad-"), "stdout: {}", outcome.stdout_text());
}

// Network: sockets and name lookup from the guest.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_to_loopback_refused() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let outcome = attack("net-tcp", Policy::deny_all(), vec![address]).await;
    assert_refused(&outcome, 1, Some("PermissionDenied"));
    assert!(tokio::time::timeout(Duration::from_millis(100), listener.accept()).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_to_ipv6_loopback_refused() {
    let Ok(listener) = tokio::net::TcpListener::bind("[::1]:0").await else {
        eprintln!("no IPv6 loopback on this machine; the guest attempt is still checked against a closed port");
        let outcome = attack("net-tcp", Policy::deny_all(), strings(&["[::1]:9"])).await;
        assert_refused(&outcome, 1, None);
        return;
    };
    let address = listener.local_addr().unwrap().to_string();
    let outcome = attack("net-tcp", Policy::deny_all(), vec![address]).await;
    assert_refused(&outcome, 1, None);
    assert!(tokio::time::timeout(Duration::from_millis(100), listener.accept()).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_to_loopback_refused() {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = format!("udp:{}", socket.local_addr().unwrap());
    let outcome = attack("net-tcp", Policy::deny_all(), vec![address]).await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn name_lookup_localhost_refused() {
    let outcome = attack("net-dns", Policy::deny_all(), strings(&["localhost"])).await;
    assert_refused(&outcome, 1, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn name_lookup_invalid_refused() {
    let outcome = attack("net-dns", Policy::deny_all(), strings(&["cordon-test.invalid"])).await;
    assert_refused(&outcome, 1, None);
}

// Network: HTTP requests the shim must refuse before any connection.

/// A policy that routes AWS host names to `server`, with `extra` appended.
fn routed(server: &CaptureServer, extra: &str) -> Policy {
    let text = format!(
        "[emulators.aws]\nkind = \"aws\"\nendpoint = \"{}\"\n[[routes]]\nhosts = [\"*.amazonaws.com\", \"amazonaws.com\"]\nemulator = \"aws\"\n{extra}",
        server.url()
    );
    policy(&text, &Fixture::new().workspace())
}

async fn refused_spelling(url: String) {
    let server = CaptureServer::start(Reply::default()).await;
    let outcome = attack("http-probe", routed(&server, ""), vec![url.clone()]).await;
    assert!(!outcome.stdout_text().contains("status "), "{url} got a response: {}", outcome.stdout_text());
    assert!(outcome.audit.iter().all(|event| event.verdict == Verdict::Denied), "{url}: {:?}", outcome.audit);
    assert_eq!(server.connections(), 0, "{url} reached the upstream");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_upper_case_unrouted_refused() {
    refused_spelling("http://CORDON-TEST.INVALID/".to_owned()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_trailing_dot_unrouted_refused() {
    refused_spelling("http://cordon-test.invalid./".to_owned()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_userinfo_refused() {
    refused_spelling("http://guest:secret@s3.amazonaws.com/".to_owned()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_ipv4_loopback_literal_refused() {
    refused_spelling("http://127.0.0.1:9/".to_owned()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_ipv6_loopback_literal_refused() {
    refused_spelling("http://[::1]:9/".to_owned()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_percent_encoded_host_refused() {
    refused_spelling("http://s3%2eamazonaws%2ecom/".to_owned()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_wrong_port_refused() {
    refused_spelling("https://s3.amazonaws.com:8443/".to_owned()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_lookalike_suffix_refused() {
    refused_spelling("http://s3.amazonaws.com.cordon-test.invalid/".to_owned()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_host_mismatch_refused() {
    let server = CaptureServer::start(Reply::default()).await;
    let args = strings(&["--authority", "cordon-test.invalid", "http://s3.amazonaws.com/"]);
    let outcome = attack("http-probe", routed(&server, ""), args).await;
    assert!(outcome.stdout_text().contains("HttpRequestDenied"), "stdout: {}", outcome.stdout_text());
    assert_eq!(server.connections(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_to_refused_host_stops() {
    // The shim passes a redirect back untouched; following it is a new request, refused like any other.
    let server = CaptureServer::start(Reply { status: 302, ..Reply::default() }).await;
    let policy = routed(&server, "");
    let first = attack("http-probe", policy.clone(), strings(&["http://s3.amazonaws.com/moved"])).await;
    assert!(first.stdout_text().starts_with("status 302"), "stdout: {}", first.stdout_text());
    let followed = attack("http-probe", policy, strings(&["http://cordon-test.invalid/moved"])).await;
    assert!(followed.stdout_text().contains("HttpRequestDenied"), "stdout: {}", followed.stdout_text());
    assert_eq!(server.connections(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_headers_are_rejected() {
    let server = CaptureServer::start(Reply::default()).await;
    let args = strings(&[
        "--header",
        "Connection: close",
        "--header",
        "Host: cordon-test.invalid",
        "http://s3.amazonaws.com/",
    ]);
    let outcome = attack("http-probe", routed(&server, ""), args).await;
    let stdout = outcome.stdout_text();
    assert!(stdout.contains("err header Connection: Forbidden"), "stdout: {stdout}");
    assert!(stdout.contains("err header Host: Forbidden"), "stdout: {stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hop_by_hop_headers_not_forwarded() {
    let server = CaptureServer::start(Reply::default()).await;
    let args = strings(&[
        "--header",
        "Proxy-Authorization: Basic Z3Vlc3Q=",
        "--header",
        "Keep-Alive: timeout=600",
        "http://s3.amazonaws.com/",
    ]);
    let outcome = attack("http-probe", routed(&server, ""), args).await;
    assert!(outcome.stdout_text().contains("status 200"), "stdout: {}", outcome.stdout_text());
    let head = server.requests()[0].head.to_ascii_lowercase();
    assert!(!head.contains("proxy-authorization"), "head: {head}");
    assert!(!head.contains("keep-alive"), "head: {head}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_flood_fails_cleanly() {
    let server = CaptureServer::start(Reply::default()).await;
    let mut args = Vec::new();
    let value = "v".repeat(1024);
    for index in 0..400 {
        args.push("--header".to_owned());
        args.push(format!("X-Flood-{index}: {value}"));
    }
    args.push("http://s3.amazonaws.com/".to_owned());
    let outcome = attack("http-probe", routed(&server, ""), args).await;
    // wasmtime-wasi-http caps the total size of a request's header fields and ends the guest when it passes the cap.
    assert!(
        matches!(&outcome.status, Status::Trap { message, .. } if message.contains("fields exceeds limit")),
        "status: {:?}",
        outcome.status
    );
    assert_eq!(server.connections(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_flood_refused_before_connecting() {
    let server = CaptureServer::start(Reply::default()).await;
    let args = strings(&["--method", "PUT", "--body-bytes", "8388608", "http://s3.amazonaws.com/b/k"]);
    let outcome = attack("http-probe", routed(&server, "[budgets]\nrequest-bytes = \"1 MiB\"\n"), args).await;
    assert!(outcome.stdout_text().contains("HttpRequestBodySize"), "stdout: {}", outcome.stdout_text());
    assert_eq!(server.connections(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_count_budget_enforced() {
    // Sending to a queue by name takes two requests: GetQueueUrl, which the budget allows, then SendMessage.
    let body = br#"{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/000000000000/jobs"}"#.to_vec();
    let server = CaptureServer::start(Reply { body, ..Reply::default() }).await;
    let policy = routed(&server, "[budgets]\nrequests = 1\n");
    let outcome = attack("sqs", policy, strings(&["send", "jobs", "hello"])).await;
    assert!(outcome.audit.len() >= 2, "audit: {:?}", outcome.audit);
    assert_eq!(outcome.audit[0].verdict, Verdict::Allowed);
    assert_eq!(outcome.audit[1].rule.as_deref(), Some("max-requests"));
    assert_eq!(server.connections(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_download_times_out() {
    let server = CaptureServer::start(Reply { delay: Duration::from_secs(5), ..Reply::default() }).await;
    let policy = routed(&server, "[http]\nfirst-byte-timeout = \"300ms\"\n");
    let outcome = attack("http-probe", policy, strings(&["http://s3.amazonaws.com/slow"])).await;
    assert!(outcome.stdout_text().contains("HttpResponseTimeout"), "stdout: {}", outcome.stdout_text());
    assert_eq!(outcome.audit[0].verdict, Verdict::Failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_upload_ends_at_call_timeout() {
    // A guest that never finishes its body is ended by the call's own timeout, not left holding the shim.
    let server = CaptureServer::start(Reply::default()).await;
    let policy = routed(&server, "[limits]\ntimeout = \"500ms\"\n");
    let outcome = beside_witness(async move {
        let (_writer, reader) = tokio::io::duplex(64);
        let call = Call::new()
            .args(["--method", "PUT", "--body-stdin", "http://s3.amazonaws.com/b/k"])
            .stdin(Stdin::Reader(Box::new(reader)));
        run_call("http-probe", &policy, call).await
    })
    .await;
    assert_eq!(outcome.status, Status::Timeout { limit_ms: 500 });
    assert_eq!(server.connections(), 0);
}

// Limits.

fn limits(text: &str) -> Policy {
    policy(&format!("[limits]\n{text}\n"), &Fixture::new().workspace())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loop_without_host_calls_exhausts_fuel() {
    let outcome = attack("spin", limits("fuel = 20_000_000"), Vec::new()).await;
    assert_eq!(outcome.status, Status::FuelExhausted { limit: 20_000_000 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loop_without_host_calls_times_out() {
    let outcome = attack("spin", limits("fuel = 10_000_000_000_000\ntimeout = \"300ms\""), Vec::new()).await;
    assert_eq!(outcome.status, Status::Timeout { limit_ms: 300 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loop_with_host_calls_times_out() {
    let outcome = attack("spin-host", limits("fuel = 10_000_000_000_000\ntimeout = \"300ms\""), Vec::new()).await;
    assert_eq!(outcome.status, Status::Timeout { limit_ms: 300 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_bomb_stops_at_limit() {
    let outcome = attack("alloc-bomb", limits("memory = \"24 MiB\""), Vec::new()).await;
    assert!(
        matches!(outcome.status, Status::MemoryLimit { limit, .. } if limit == 24 << 20),
        "status: {:?}",
        outcome.status
    );
    assert!(outcome.peak_memory <= 24 << 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_chunk_memory_bomb_stops() {
    let outcome = attack("alloc-bomb", limits("memory = \"24 MiB\""), strings(&["67108864"])).await;
    assert!(matches!(outcome.status, Status::MemoryLimit { .. }), "status: {:?}", outcome.status);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_growth_stops_at_limit() {
    let outcome = attack("large-table", limits("table-elements = 500"), Vec::new()).await;
    assert_eq!(outcome.status, Status::TableLimit { limit: 500 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_handle_flood_stops_at_limit() {
    let fixture = Fixture::new();
    let text = "cwd = \"/workspace\"\n[[fs]]\nhost = \".\"\nguest = \"/workspace\"\naccess = \"read-only\"\n\
                [limits]\nhandles = 64\n";
    let outcome = attack("open-handles", policy(text, &fixture.workspace()), strings(&["10000"])).await;
    assert_eq!(outcome.status, Status::HandleLimit { limit: 64 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_recursion_traps() {
    let outcome = attack("recurse", limits(""), Vec::new()).await;
    assert!(
        matches!(&outcome.status, Status::Trap { message, .. } if message.contains("call stack exhausted")),
        "status: {:?}",
        outcome.status
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shadow_stack_recursion_traps() {
    let outcome = attack("recurse", limits(""), strings(&["--shadow"])).await;
    assert!(matches!(outcome.status, Status::Trap { .. }), "status: {:?}", outcome.status);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdout_flood_is_cut() {
    let outcome = attack("print-flood", limits("fuel = 30_000_000\nstdout = \"4 KiB\""), Vec::new()).await;
    assert_eq!(outcome.stdout.bytes.len(), 4096);
    assert!(outcome.stdout.truncated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stderr_flood_is_cut() {
    let outcome = attack("print-flood", limits("fuel = 30_000_000\nstderr = \"2 KiB\""), strings(&["--stderr"])).await;
    assert_eq!(outcome.stderr.bytes.len(), 2048);
    assert!(outcome.stderr.truncated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdin_blocked_forever_times_out() {
    let policy = limits("timeout = \"300ms\"");
    let outcome = beside_witness(async move {
        let (_writer, reader) = tokio::io::duplex(64);
        run_call("stdin-block", &policy, Call::new().stdin(Stdin::Reader(Box::new(reader)))).await
    })
    .await;
    assert_eq!(outcome.status, Status::Timeout { limit_ms: 300 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sleep_past_timeout_ends() {
    let outcome = attack("sleep", limits("timeout = \"300ms\""), strings(&["60000"])).await;
    assert_eq!(outcome.status, Status::Timeout { limit_ms: 300 });
    assert!(outcome.duration < Duration::from_secs(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instance_count_limit_refuses() {
    let outcome = attack("hello", limits("instances = 1"), Vec::new()).await;
    assert_eq!(outcome.status, Status::InstanceLimit { limit: 1 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guest_panic_is_a_trap() {
    let outcome = attack("panic", limits(""), strings(&["contained"])).await;
    assert!(matches!(outcome.status, Status::Trap { .. }), "status: {:?}", outcome.status);
}

// Host robustness: components that must be refused at load, with a reason.

#[test]
fn random_bytes_after_header_refused() {
    let mut bytes = b"\0asm\x0d\x00\x01\x00".to_vec();
    bytes.extend((0..4096u32).map(|index| (index.wrapping_mul(2_654_435_761) >> 24) as u8));
    let error = cordon_tests::runtime().load_tool_bytes(std::path::Path::new("noise.wasm"), &bytes).unwrap_err();
    assert!(matches!(error, cordon_runtime::LoadError::Invalid { .. }), "error: {error}");
}

#[test]
fn truncated_component_refused() {
    let bytes = std::fs::read(cordon_tests::guest_path("hello")).unwrap();
    let error = cordon_tests::runtime()
        .load_tool_bytes(std::path::Path::new("cut.wasm"), &bytes[..bytes.len() / 3])
        .unwrap_err();
    assert!(matches!(error, cordon_runtime::LoadError::Invalid { .. }), "error: {error}");
}

#[test]
fn core_module_refused_by_name() {
    let error = cordon_tests::runtime()
        .load_tool_bytes(std::path::Path::new("core.wasm"), b"\0asm\x01\x00\x00\x00")
        .unwrap_err();
    assert!(matches!(error, cordon_runtime::LoadError::CoreModule { .. }), "error: {error}");
}

#[test]
fn ungranted_import_refused_by_name() {
    let wat = r#"(component (import "cordon:test/forbidden-host" (instance (export "steal" (func)))))"#;
    let bytes = wat::parse_str(wat).unwrap();
    let error = cordon_tests::runtime().load_tool_bytes(std::path::Path::new("import.wasm"), &bytes).unwrap_err();
    assert!(matches!(error, cordon_runtime::LoadError::MissingImport { .. }), "error: {error}");
    assert!(error.to_string().contains("cordon:test/forbidden-host"), "error: {error}");
}

#[test]
fn component_without_entry_refused() {
    let bytes = wat::parse_str("(component)").unwrap();
    let error = cordon_tests::runtime().load_tool_bytes(std::path::Path::new("empty.wasm"), &bytes).unwrap_err();
    assert!(matches!(error, cordon_runtime::LoadError::NoEntry { .. }), "error: {error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_calls_tenth_faulting() {
    let runtime = std::sync::Arc::new(
        cordon_runtime::Runtime::new(cordon_runtime::RuntimeConfig {
            cache_dir: Some(cordon_tests::target_dir().join("cordon-test-cache")),
            max_concurrent_calls: 1100,
            ..cordon_runtime::RuntimeConfig::default()
        })
        .unwrap(),
    );
    let hello = runtime.load_tool(&cordon_tests::guest_path("env")).unwrap();
    let bomb = runtime.load_tool(&cordon_tests::guest_path("alloc-bomb")).unwrap();
    let strict = std::sync::Arc::new(limits("memory = \"8 MiB\"\ntimeout = \"20s\""));

    let mut calls = Vec::new();
    for index in 0..1000 {
        let runtime = std::sync::Arc::clone(&runtime);
        let policy = std::sync::Arc::clone(&strict);
        let (tool, args) =
            if index % 10 == 0 { (bomb.clone(), Vec::new()) } else { (hello.clone(), vec![format!("call-{index}")]) };
        calls.push(tokio::spawn(async move { (index, runtime.run(&tool, &policy, Call::new().args(args)).await) }));
    }
    for call in calls {
        let (index, outcome) = call.await.unwrap();
        let outcome = outcome.unwrap_or_else(|error| panic!("call {index}: {error}"));
        if index % 10 == 0 {
            assert!(matches!(outcome.status, Status::MemoryLimit { .. }), "call {index}: {:?}", outcome.status);
        } else {
            assert_eq!(outcome.status, Status::Success, "call {index}");
            assert!(outcome.stdout_text().contains(&format!("args: call-{index}\n")), "call {index}");
        }
    }
}
