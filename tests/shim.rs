//! The HTTP shim as a guest meets it: only routed hosts get through, in their normalised spelling; refused requests
//! never open a connection; the guest's credentials are replaced; budgets and timeouts hold. The emulator here is a
//! capture server on loopback that records what reaches it.

use std::time::Duration;

use cordon_runtime::{Outcome, Verdict};
use cordon_tests::upstream::{CaptureServer, Reply};
use cordon_tests::{Fixture, policy, run};

/// A policy that routes AWS host names to the capture server, with extra TOML appended.
fn routed_policy(server: &CaptureServer, extra: &str) -> cordon_policy::Policy {
    let text = format!(
        "[emulators.aws]\nkind = \"aws\"\nendpoint = \"{}\"\naccess-key-id = \"EMULATORKEY\"\n\n\
         [[routes]]\nhosts = [\"*.amazonaws.com\", \"amazonaws.com\"]\nemulator = \"aws\"\n{extra}",
        server.url()
    );
    policy(&text, &Fixture::new().workspace())
}

fn denied(outcome: &Outcome) -> bool {
    outcome.stdout_text().contains("err response HttpRequestDenied")
}

#[tokio::test]
async fn unrouted_hosts_never_connect() {
    let server = CaptureServer::start(Reply::default()).await;
    let policy = routed_policy(&server, "");
    let direct = format!("http://{}/", server.address);
    let urls = [
        "http://cordon-test.invalid/".to_owned(),
        "http://CORDON-TEST.INVALID./".to_owned(),
        "http://user@s3.amazonaws.com/".to_owned(),
        "http://user:secret@s3.amazonaws.com/".to_owned(),
        "http://s3.amazonaws.com:8443/".to_owned(),
        format!("http://[::1]:{}/", server.address.rsplit(':').next().unwrap()),
        direct,
        "http://s3.amazonaws.com.invalid/".to_owned(),
        "http://s3%2eamazonaws.com/".to_owned(),
    ];
    for url in &urls {
        let outcome = run("http-probe", &policy, &[url]).await;
        assert!(!outcome.stdout_text().contains("status "), "{url} got a response: {}", outcome.stdout_text());
        // wasmtime-wasi-http itself rejects some spellings, such as percent-encoded hosts, before they reach the shim.
        for event in &outcome.audit {
            assert_eq!(event.verdict, Verdict::Denied, "{url}");
        }
    }
    assert_eq!(server.connections(), 0, "a refused request reached the capture server");
}

#[tokio::test]
async fn unrouted_host_gets_transport_refusal() {
    let server = CaptureServer::start(Reply::default()).await;
    let outcome = run("http-probe", &routed_policy(&server, ""), &["http://cordon-test.invalid/"]).await;
    assert!(denied(&outcome), "stdout: {}", outcome.stdout_text());
    assert_eq!(outcome.audit[0].rule.as_deref(), Some("route"));
}

#[tokio::test]
async fn host_header_mismatch_is_refused() {
    let server = CaptureServer::start(Reply::default()).await;
    let policy = routed_policy(&server, "");
    let outcome = run("http-probe", &policy, &["--authority", "cordon-test.invalid", "http://s3.amazonaws.com/"]).await;
    assert!(denied(&outcome), "stdout: {}", outcome.stdout_text());
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn odd_spellings_of_routed_host_normalise() {
    let server = CaptureServer::start(Reply::default()).await;
    let policy = routed_policy(&server, "");
    for url in ["http://S3.AmazonAWS.com./", "http://s3.amazonaws.com:80/", "https://s3.amazonaws.com:443/"] {
        let outcome = run("http-probe", &policy, &[url]).await;
        assert!(outcome.stdout_text().starts_with("status 200"), "{url}: {}", outcome.stdout_text());
    }
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn guest_credentials_are_replaced() {
    let server = CaptureServer::start(Reply::default()).await;
    let policy = routed_policy(&server, "");
    let args = [
        "--header",
        "Authorization: AWS4-HMAC-SHA256 Credential=GUESTKEY/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
        "--header",
        "X-Amz-Security-Token: guest-session-token",
        "http://s3.us-east-1.amazonaws.com/reports?X-Amz-Credential=GUESTKEY%2F1&X-Amz-Signature=11",
    ];
    let outcome = run("http-probe", &policy, &args).await;
    assert!(outcome.stdout_text().starts_with("status 200"), "stdout: {}", outcome.stdout_text());

    let requests = server.requests();
    let head = &requests[0].head;
    assert!(!head.contains("GUESTKEY"), "the guest's key reached the emulator: {head}");
    assert!(!head.contains("guest-session-token"), "the guest's token reached the emulator: {head}");
    assert!(head.contains("Credential=EMULATORKEY/"), "the request is not signed with the emulator's key: {head}");
}

#[tokio::test]
async fn virtual_hosted_bucket_becomes_path() {
    let server = CaptureServer::start(Reply::default()).await;
    let policy = routed_policy(&server, "");
    run("http-probe", &policy, &["http://reports.s3.us-east-1.amazonaws.com/2026/summary.md"]).await;
    let head = &server.requests()[0].head;
    assert!(head.starts_with("GET /reports/2026/summary.md HTTP/1.1"), "head: {head}");
}

#[tokio::test]
async fn denied_action_names_its_rule() {
    let server = CaptureServer::start(Reply::default()).await;
    let policy = routed_policy(&server, "[rules]\ndeny-actions = [\"s3:Delete*\"]\n");
    let outcome =
        run("http-probe", &policy, &["--method", "DELETE", "http://s3.us-east-1.amazonaws.com/reports/a.md"]).await;
    let stdout = outcome.stdout_text();
    assert!(stdout.starts_with("status 403"), "stdout: {stdout}");
    assert!(stdout.contains("header x-cordon-denied-by: deny-actions: s3:Delete*"), "stdout: {stdout}");
    assert!(stdout.contains("AccessDenied"), "stdout: {stdout}");
    let event = &outcome.audit[0];
    assert_eq!(event.action.as_deref(), Some("s3:DeleteObject"));
    assert_eq!(event.rule.as_deref(), Some("deny-actions: s3:Delete*"));
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn other_region_is_refused() {
    let server = CaptureServer::start(Reply::default()).await;
    let policy = routed_policy(&server, "[rules]\nallowed-regions = [\"us-east-1\"]\n");
    let outcome = run("http-probe", &policy, &["http://s3.eu-central-1.amazonaws.com/"]).await;
    assert!(outcome.stdout_text().starts_with("status 403"), "stdout: {}", outcome.stdout_text());
    assert_eq!(server.connections(), 0);
    assert_eq!(outcome.audit[0].rule.as_deref(), Some("allowed-regions"));
    assert_eq!(outcome.audit[0].region.as_deref(), Some("eu-central-1"));
}

#[tokio::test]
async fn oversized_response_is_cut() {
    let server = CaptureServer::start(Reply { body: vec![b'x'; 100 * 1024], ..Reply::default() }).await;
    let policy = routed_policy(&server, "[budgets]\nresponse-bytes = \"1 KiB\"\n");
    let outcome = run("http-probe", &policy, &["http://s3.amazonaws.com/big"]).await;
    assert!(outcome.stdout_text().contains("body-bytes 1024"), "stdout: {}", outcome.stdout_text());
    assert!(outcome.audit[0].response_truncated);
}

#[tokio::test]
async fn slow_upstream_times_out() {
    let server = CaptureServer::start(Reply { delay: Duration::from_secs(3), ..Reply::default() }).await;
    let policy = routed_policy(&server, "[http]\nfirst-byte-timeout = \"200ms\"\ntotal-timeout = \"1s\"\n");
    let outcome = run("http-probe", &policy, &["http://s3.amazonaws.com/slow"]).await;
    assert!(outcome.stdout_text().contains("err response HttpResponseTimeout"), "stdout: {}", outcome.stdout_text());
    assert_eq!(outcome.audit[0].verdict, Verdict::Failed);
}

#[tokio::test]
async fn oversized_request_body_is_refused() {
    let server = CaptureServer::start(Reply::default()).await;
    let policy = routed_policy(&server, "[budgets]\nrequest-bytes = \"1 KiB\"\n");
    let outcome =
        run("http-probe", &policy, &["--method", "PUT", "--body-bytes", "4096", "http://s3.amazonaws.com/b/k"]).await;
    assert!(outcome.stdout_text().contains("HttpRequestBodySize"), "stdout: {}", outcome.stdout_text());
    assert_eq!(outcome.audit[0].rule.as_deref(), Some("max-request-bytes"));
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn no_network_section_refuses_all() {
    let outcome = run("http-probe", &cordon_policy::Policy::deny_all(), &["https://s3.amazonaws.com/"]).await;
    assert!(denied(&outcome), "stdout: {}", outcome.stdout_text());
    assert_eq!(outcome.audit[0].rule.as_deref(), Some("route"));
}
