//! Cloud tools written for real AWS and Azure run unchanged inside the sandbox, and every request lands on a real
//! local emulator (moto, Azurite), re-signed by Cordon, or is refused by the rule that the audit trail names.

use cordon_runtime::{Status, Verdict};
use cordon_tests::{Fixture, emulators, policy, run, run_with_stdin};

/// The policy every cloud test runs under: both emulators, the real host names routed to them, deletes of S3
/// objects denied, and two regions allowed. `extra` is appended.
fn cloud_policy(fixture: &Fixture, extra: &str) -> cordon_policy::Policy {
    let endpoints = emulators();
    let text = format!(
        "cwd = \"/workspace\"\n\
         [limits]\nfuel = 50_000_000_000\nmemory = \"256 MiB\"\ntimeout = \"60s\"\n\
         [[fs]]\nhost = \".\"\nguest = \"/workspace\"\naccess = \"read-only\"\n\
         [env]\nAWS_REGION = \"us-east-1\"\n\
         [emulators.aws]\nkind = \"aws\"\nendpoint = \"{}\"\n\
         [emulators.azure]\nkind = \"azure\"\nendpoint = \"{}\"\n\
         [[routes]]\nhosts = [\"*.amazonaws.com\", \"amazonaws.com\"]\nemulator = \"aws\"\n\
         [[routes]]\nhosts = [\"*.blob.core.windows.net\"]\nemulator = \"azure\"\n\
         [rules]\ndeny-actions = [\"s3:DeleteObject\"]\nallowed-regions = [\"us-east-1\", \"us-west-2\"]\n{extra}",
        endpoints.moto, endpoints.azurite_blob
    );
    policy(&text, &fixture.workspace())
}

/// Asserts a call succeeded, showing its stderr and audit trail when it did not.
fn assert_success(outcome: &cordon_runtime::Outcome) {
    assert_eq!(outcome.status, Status::Success, "stderr: {}\naudit: {:?}", outcome.stderr_text(), outcome.audit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_round_trip_through_moto() {
    let fixture = Fixture::new();
    let policy = cloud_policy(&fixture, "");
    assert_success(&run("s3", &policy, &["mb", "cordon-s3-round-trip"]).await);
    assert_success(
        &run_with_stdin("s3", &policy, &["put", "cordon-s3-round-trip", "notes/today.md", "-"], b"# Today\n").await,
    );

    let fetched = run("s3", &policy, &["get", "cordon-s3-round-trip", "notes/today.md", "-"]).await;
    assert_success(&fetched);
    assert_eq!(fetched.stdout_text(), "# Today\n");

    let listed = run("s3", &policy, &["ls", "cordon-s3-round-trip"]).await;
    assert!(listed.stdout_text().contains("notes/today.md"), "stdout: {}", listed.stdout_text());
    assert!(listed.audit.iter().all(|event| event.verdict == Verdict::Allowed), "audit: {:?}", listed.audit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_delete_names_its_rule() {
    let fixture = Fixture::new();
    let policy = cloud_policy(&fixture, "");
    assert_success(&run("s3", &policy, &["mb", "cordon-denied-delete"]).await);
    assert_success(&run_with_stdin("s3", &policy, &["put", "cordon-denied-delete", "keep.md", "-"], b"keep").await);

    let removed = run("s3", &policy, &["rm", "cordon-denied-delete", "keep.md"]).await;
    assert_eq!(removed.status, Status::Exit { code: 1 });
    assert!(removed.stderr_text().contains("AccessDenied"), "stderr: {}", removed.stderr_text());
    let event = removed.audit.iter().find(|event| event.verdict == Verdict::Denied).expect("a denied event");
    assert_eq!(event.rule.as_deref(), Some("deny-actions: s3:DeleteObject"));
    assert_eq!(removed.audit.len(), 1, "the SDK must not retry a policy denial: {:?}", removed.audit);

    let still_there = run("s3", &policy, &["get", "cordon-denied-delete", "keep.md", "-"]).await;
    assert_eq!(still_there.stdout_text(), "keep");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_region_refused_by_rule() {
    let fixture = Fixture::new();
    let policy = cloud_policy(&fixture, "");
    let outcome = run("s3", &policy, &["--region", "eu-central-1", "ls"]).await;
    assert_eq!(outcome.status, Status::Exit { code: 1 });
    let event = &outcome.audit[0];
    assert_eq!(event.rule.as_deref(), Some("allowed-regions"));
    assert_eq!(event.region.as_deref(), Some("eu-central-1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_round_trip_through_moto() {
    let fixture = Fixture::new();
    let policy = cloud_policy(&fixture, "");
    assert_success(&run("dynamodb", &policy, &["create-table", "cordon-reports", "--key", "id:S"]).await);
    assert_success(&run("dynamodb", &policy, &["put", "cordon-reports", r#"{"id":"r1","lines":12}"#]).await);

    let item = run("dynamodb", &policy, &["get", "cordon-reports", r#"{"id":"r1"}"#]).await;
    assert_success(&item);
    assert!(item.stdout_text().contains("12"), "stdout: {}", item.stdout_text());

    let queried = run("dynamodb", &policy, &["query", "cordon-reports", r#"{"id":"r1"}"#]).await;
    assert!(queried.stdout_text().contains("r1"), "stdout: {}", queried.stdout_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqs_round_trip_through_moto() {
    let fixture = Fixture::new();
    let policy = cloud_policy(&fixture, "");
    let created = run("sqs", &policy, &["create", "cordon-jobs"]).await;
    assert_success(&created);

    assert_success(&run("sqs", &policy, &["send", "cordon-jobs", "report ready"]).await);
    let received = run("sqs", &policy, &["receive", "cordon-jobs", "--max", "1"]).await;
    assert_success(&received);
    let line = received.stdout_text();
    let message: serde_json::Value = serde_json::from_str(line.lines().next().expect("one message")).unwrap();
    assert_eq!(message["Body"], "report ready", "message: {message}");

    let handle = message["ReceiptHandle"].as_str().expect("a receipt handle");
    assert_success(&run("sqs", &policy, &["delete", "cordon-jobs", handle]).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blob_round_trip_through_azurite() {
    // Azurite verifies Shared Key signatures, so this passes only if the shim re-signs with the emulator's key.
    let fixture = Fixture::new();
    let policy = cloud_policy(&fixture, "");
    assert_success(&run("blob", &policy, &["create-container", "cordon-reports"]).await);
    assert_success(
        &run_with_stdin("blob", &policy, &["upload", "cordon-reports", "weekly.md", "-"], b"# Weekly\n").await,
    );

    let downloaded = run("blob", &policy, &["download", "cordon-reports", "weekly.md", "-"]).await;
    assert_success(&downloaded);
    assert_eq!(downloaded.stdout_text(), "# Weekly\n");

    let listed = run("blob", &policy, &["list", "cordon-reports"]).await;
    assert!(listed.stdout_text().contains("weekly.md"), "stdout: {}", listed.stdout_text());
}

/// The service control policy document used below, shipped with the shim's tests.
fn scp_fixture(fixture: &Fixture) {
    let document =
        std::fs::read_to_string(cordon_tests::repo_root().join("crates/cordon-shim/testdata/scp-deny-expensive.json"))
            .expect("reading the SCP fixture");
    fixture.write("workspace/scp.json", &document);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scp_denies_large_instance() {
    let fixture = Fixture::new();
    scp_fixture(&fixture);
    let policy = cloud_policy(&fixture, "scp = \"scp.json\"\n");
    let body =
        "Action=RunInstances&Version=2016-11-15&ImageId=ami-12345678&MinCount=1&MaxCount=1&InstanceType=t3.large";
    let args = [
        "--method",
        "POST",
        "--header",
        "Content-Type: application/x-www-form-urlencoded",
        "--body",
        body,
        "https://ec2.us-east-1.amazonaws.com/",
    ];
    let outcome = run("http-probe", &policy, &args).await;
    assert!(outcome.stdout_text().starts_with("status 403"), "stdout: {}", outcome.stdout_text());
    assert_eq!(outcome.audit[0].rule.as_deref(), Some("scp: DenyExpensiveServices"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scp_allows_small_instance() {
    let fixture = Fixture::new();
    scp_fixture(&fixture);
    let policy = cloud_policy(&fixture, "scp = \"scp.json\"\n");
    let body =
        "Action=RunInstances&Version=2016-11-15&ImageId=ami-12345678&MinCount=1&MaxCount=1&InstanceType=t3.micro";
    let args = [
        "--method",
        "POST",
        "--header",
        "Content-Type: application/x-www-form-urlencoded",
        "--body",
        body,
        "https://ec2.us-east-1.amazonaws.com/",
    ];
    let outcome = run("http-probe", &policy, &args).await;
    assert_eq!(outcome.audit[0].verdict, Verdict::Allowed, "audit: {:?}", outcome.audit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scp_as_written_misses_redshift() {
    // The document's ForAnyValue condition is false for requests without an instance type, so it never denies
    // redshift: Cordon enforces the document as written, and `cordon check` warns about it.
    let fixture = Fixture::new();
    scp_fixture(&fixture);
    let policy = cloud_policy(&fixture, "scp = \"scp.json\"\n");
    assert!(policy.warnings.iter().any(|warning| warning.contains("redshift")), "warnings: {:?}", policy.warnings);
    let args = [
        "--method",
        "POST",
        "--header",
        "Content-Type: application/x-amz-json-1.1",
        "--header",
        "X-Amz-Target: RedshiftServiceVersion20121201.CreateCluster",
        "--body",
        "{}",
        "https://redshift.us-east-1.amazonaws.com/",
    ];
    let outcome = run("http-probe", &policy, &args).await;
    assert_ne!(outcome.audit[0].rule.as_deref(), Some("scp: DenyExpensiveServices"), "audit: {:?}", outcome.audit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scp_denies_other_regions() {
    let fixture = Fixture::new();
    scp_fixture(&fixture);
    let policy = cloud_policy(&fixture, "scp = \"scp.json\"\n");
    let outcome = run("http-probe", &policy, &["https://s3.us-west-2.amazonaws.com/"]).await;
    assert_eq!(outcome.audit[0].verdict, Verdict::Allowed, "audit: {:?}", outcome.audit);
    let outcome = run("http-probe", &policy, &["https://dynamodb.eu-west-1.amazonaws.com/"]).await;
    assert!(outcome.stdout_text().starts_with("status 403"), "stdout: {}", outcome.stdout_text());
}
