//! Typed tools through the runtime: components that export functions, called with component values, and calls
//! ended by their caller's cancellation.

use std::time::Duration;

use cordon_runtime::{Call, CancellationToken, RuntimeError, Status, Stdin, ToolKind, Val};
use cordon_tests::{Fixture, policy, run_call, runtime, tool, workspace_policy};

fn query(pattern: &str, path: Option<&str>) -> Val {
    Val::Record(vec![
        ("pattern".into(), Val::String(pattern.into())),
        ("path".into(), Val::Option(path.map(|path| Box::new(Val::String(path.into()))))),
        ("mode".into(), Val::Enum("literal".into())),
        ("case-sensitive".into(), Val::Option(None)),
        ("max-matches".into(), Val::Option(None)),
    ])
}

fn field<'a>(record: &'a Val, name: &str) -> &'a Val {
    let Val::Record(fields) = record else { panic!("not a record: {record:?}") };
    &fields.iter().find(|(field, _)| field == name).unwrap_or_else(|| panic!("no field {name}")).1
}

fn ok_payload(outcome: &cordon_runtime::Outcome) -> &Val {
    match &outcome.results[..] {
        [Val::Result(Ok(Some(payload)))] => payload,
        other => panic!("expected ok(..), got {other:?}"),
    }
}

#[test]
fn search_loads_as_typed_tool() {
    assert_eq!(tool("search").kind(), ToolKind::Typed);
}

#[test]
fn typed_tool_lists_its_function() {
    let search = tool("search");
    let names: Vec<&str> = search.functions().iter().map(|function| function.name()).collect();
    assert_eq!(names, ["search"]);
}

#[test]
fn command_tool_lists_no_functions() {
    assert!(tool("grep").functions().is_empty());
}

#[tokio::test]
async fn typed_search_returns_hits() {
    let fixture = Fixture::new();
    fixture.write("workspace/notes/plan.txt", "first\nneedle here\n");
    let outcome = run_call(
        "search",
        &workspace_policy(&fixture, "read-only"),
        Call::new().invoke("search", vec![query("needle", None)]),
    )
    .await;
    assert_eq!(outcome.status, Status::Success, "stderr: {}", outcome.stderr_text());
    let Val::List(hits) = field(ok_payload(&outcome), "hits") else { panic!("hits is not a list") };
    assert_eq!(field(&hits[0], "line"), &Val::U32(2));
}

#[tokio::test]
async fn typed_error_comes_back_as_err() {
    let fixture = Fixture::new();
    let outcome = run_call(
        "search",
        &workspace_policy(&fixture, "read-only"),
        Call::new().invoke("search", vec![query("x", Some("absent"))]),
    )
    .await;
    let [Val::Result(Err(Some(error)))] = &outcome.results[..] else {
        panic!("expected err(..), got {:?}", outcome.results)
    };
    assert!(matches!(error.as_ref(), Val::Variant(case, _) if case == "not-found"), "{error:?}");
}

#[tokio::test]
async fn unknown_function_refused_with_names() {
    let error = runtime()
        .run(&tool("search"), &policy("", std::path::Path::new(".")), Call::new().invoke("find", vec![]))
        .await
        .unwrap_err();
    assert!(matches!(&error, RuntimeError::UnknownFunction { available, .. } if available == "search"), "{error}");
}

#[tokio::test]
async fn wrong_parameter_count_refused() {
    let error = runtime()
        .run(&tool("search"), &policy("", std::path::Path::new(".")), Call::new().invoke("search", vec![]))
        .await
        .unwrap_err();
    assert!(matches!(error, RuntimeError::ParamCount { expected: 1, given: 0, .. }), "{error}");
}

#[tokio::test]
async fn typed_tool_needs_a_function() {
    let error = runtime().run(&tool("search"), &policy("", std::path::Path::new(".")), Call::new()).await.unwrap_err();
    assert!(matches!(error, RuntimeError::NoFunction { .. }), "{error}");
}

#[tokio::test]
async fn command_tool_refuses_invoke() {
    let error = runtime()
        .run(&tool("grep"), &policy("", std::path::Path::new(".")), Call::new().invoke("grep", vec![]))
        .await
        .unwrap_err();
    assert!(matches!(error, RuntimeError::NotTyped { .. }), "{error}");
}

/// A policy under which only cancellation can end a spinning or blocked guest within the test's patience.
const PATIENT: &str = "[limits]\nfuel = 1_000_000_000_000\ntimeout = \"60s\"\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_spinning_guest() {
    let token = CancellationToken::new();
    let cancel = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancel.cancel();
    });
    let outcome = run_call("spin", &policy(PATIENT, std::path::Path::new(".")), Call::new().cancel_on(token)).await;
    assert_eq!(outcome.status, Status::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_guest_blocked_on_stdin() {
    let (_writer, reader) = tokio::io::duplex(64);
    let token = CancellationToken::new();
    let cancel = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancel.cancel();
    });
    let call = Call::new().stdin(Stdin::Reader(Box::new(reader))).cancel_on(token);
    let outcome = run_call("stdin-block", &policy(PATIENT, std::path::Path::new(".")), call).await;
    assert_eq!(outcome.status, Status::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_before_start_runs_nothing() {
    let token = CancellationToken::new();
    token.cancel();
    let outcome = run_call("hello", &policy("", std::path::Path::new(".")), Call::new().cancel_on(token)).await;
    assert!(outcome.stdout.bytes.is_empty(), "stdout: {}", outcome.stdout_text());
}
