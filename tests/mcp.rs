//! `cordon serve` as an MCP client sees it: an rmcp client starts the binary over stdio, lists its tools and calls
//! typed and command tools, including calls that fail, hit a limit or are cancelled.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use cordon_tests::{Fixture, cordon_binary, guest_path, repo_root};
use rmcp::model::{CallToolRequest, CallToolRequestParams, CallToolResult, ClientRequest};
use rmcp::service::{PeerRequestOptions, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{ChildStderr, Command};

/// A policy that lets nothing through and stops a spinning guest only after a long while, so that a call that
/// ends quickly ended for another reason.
const PATIENT_POLICY: &str = r#"
[limits]
fuel = 1_000_000_000_000
timeout = "60s"
"#;

const TIGHT_FUEL_POLICY: &str = r#"
[limits]
fuel = 5_000_000
"#;

fn tools_file(fixture: &Fixture) -> String {
    let guest = |name: &str| guest_path(name).display().to_string();
    let policies = repo_root().join("policies");
    format!(
        r#"
workspace = "{workspace}"

[[tool]]
name = "search"
description = "Search the workspace for a pattern"
component = "{search}"
policy = "{policies}/workspace-read-only.toml"
[tool.descriptions]
"query.pattern" = "Text to find"

[[tool]]
name = "measure"
description = "Count lines, words, bytes and characters"
component = "{measure}"
policy = "{policies}/workspace-read-only.toml"

[[tool]]
name = "grep"
description = "Search files with a regular expression"
component = "{grep}"
policy = "{policies}/workspace-read-only.toml"
args = ["-rn", "{{pattern}}", "{{path}}"]
[tool.params.pattern]
type = "string"
[tool.params.path]
type = "string"
default = "."

[[tool]]
name = "spin"
description = "Loops forever"
component = "{spin}"
policy = "patient.toml"

[[tool]]
name = "spin-briefly"
description = "Loops until its fuel runs out"
component = "{spin}"
policy = "tight.toml"

[[tool]]
name = "fetch"
description = "Sends one GET request"
component = "{http_get}"
args = ["1", "{{url}}"]
[tool.params.url]
type = "string"
"#,
        workspace = fixture.workspace().display(),
        search = guest("search"),
        measure = guest("measure"),
        grep = guest("grep"),
        spin = guest("spin"),
        http_get = guest("http-get"),
        policies = policies.display(),
    )
}

/// A running `cordon serve` with an rmcp client connected over stdio, and the server's log lines.
struct Session {
    client: RunningService<RoleClient, ()>,
    log: tokio::sync::mpsc::UnboundedReceiver<String>,
    _config: tempfile::TempDir,
}

/// Writes the tools file and its policies into a new directory, and returns the directory and the file's path.
fn write_config(fixture: &Fixture) -> (tempfile::TempDir, std::path::PathBuf) {
    let config = tempfile::tempdir().unwrap();
    std::fs::write(config.path().join("patient.toml"), PATIENT_POLICY).unwrap();
    std::fs::write(config.path().join("tight.toml"), TIGHT_FUEL_POLICY).unwrap();
    let tools = config.path().join("tools.toml");
    std::fs::write(&tools, tools_file(fixture)).unwrap();
    (config, tools)
}

async fn start(fixture: &Fixture) -> Session {
    let (config, tools) = write_config(fixture);

    let mut command = Command::new(cordon_binary());
    command
        .args(["-v", "serve", "--tools"])
        .arg(&tools)
        .env("CORDON_CACHE_DIR", cordon_tests::target_dir().join("cordon-test-cache"));
    let (transport, stderr) =
        TokioChildProcess::builder(command).stderr(Stdio::piped()).spawn().expect("starting cordon serve");
    let log = forward_log(stderr.expect("a piped stderr"));
    let client = ().serve(transport).await.expect("initialising the MCP session");
    Session { client, log, _config: config }
}

/// Forwards the server's stderr, line by line, so tests can wait for a log line.
fn forward_log(stderr: ChildStderr) -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

impl Session {
    async fn call(&self, name: &str, arguments: Value) -> CallToolResult {
        let arguments: Map<String, Value> = arguments.as_object().expect("an arguments object").clone();
        self.client
            .call_tool(CallToolRequestParams::new(name.to_owned()).with_arguments(arguments))
            .await
            .expect("a tool result")
    }

    /// Waits for a log line containing every one of `needles`, up to a minute.
    async fn wait_for_log(&mut self, needles: &[&str]) -> String {
        let wait = async {
            while let Some(line) = self.log.recv().await {
                if needles.iter().all(|needle| line.contains(needle)) {
                    return line;
                }
            }
            panic!("the server's log ended without a line containing {needles:?}");
        };
        tokio::time::timeout(Duration::from_secs(60), wait).await.expect("the log line in time")
    }
}

async fn listed_tool(session: &Session, name: &str) -> rmcp::model::Tool {
    let tools = session.client.list_all_tools().await.unwrap();
    tools.into_iter().find(|tool| tool.name == name).unwrap_or_else(|| panic!("no tool {name} listed"))
}

fn text(result: &CallToolResult) -> String {
    result.content[0].as_text().expect("a text block").text.clone()
}

fn error_body(result: &CallToolResult) -> Value {
    assert_eq!(result.is_error, Some(true), "expected a tool error, got {}", text(result));
    serde_json::from_str(&text(result)).expect("a JSON error body")
}

fn workspace_fixture() -> Fixture {
    let fixture = Fixture::new();
    fixture.write("workspace/docs/guide.md", "intro\nthe fuel limit stops loops\nend\n");
    fixture
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_includes_every_tool() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let tools = session.client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    assert_eq!(names, ["search", "measure", "grep", "spin", "spin-briefly", "fetch"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_schema_comes_from_wit() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let search = listed_tool(&session, "search").await;
    let mode = &search.input_schema["properties"]["query"]["properties"]["mode"];
    assert_eq!(mode["enum"], json!(["literal", "whole-word", "prefix"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_field_description_from_file() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let search = listed_tool(&session, "search").await;
    assert_eq!(search.input_schema["properties"]["query"]["properties"]["pattern"]["description"], "Text to find");
}

#[test]
fn unknown_description_path_names_key() {
    let fixture = workspace_fixture();
    let (config, tools) = write_config(&fixture);
    let text = std::fs::read_to_string(&tools).unwrap().replace("\"query.pattern\"", "\"query.patern\"");
    std::fs::write(&tools, text).unwrap();
    let output = std::process::Command::new(cordon_binary())
        .args(["serve", "--list", "--tools"])
        .arg(&tools)
        .env("CORDON_CACHE_DIR", cordon_tests::target_dir().join("cordon-test-cache"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(r#"descriptions key "query.patern" names no parameter or field"#), "{stderr}");
    drop(config);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_schema_comes_from_file() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let grep = listed_tool(&session, "grep").await;
    assert_eq!(grep.input_schema["required"], json!(["pattern"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_search_finds_line() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let result = session.call("search", json!({ "query": { "pattern": "fuel", "mode": "literal" } })).await;
    let structured =
        result.structured_content.clone().unwrap_or_else(|| panic!("structured content in {}", text(&result)));
    assert_eq!(structured["hits"][0]["line"], 2, "{structured}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_measure_counts_variant_text() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let result =
        session.call("measure", json!({ "source": { "text": "a b\nc\n" }, "measures": ["lines", "words"] })).await;
    assert_eq!(result.structured_content, Some(json!({ "lines": 2, "words": 3 })), "{}", text(&result));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_enum_value_names_path() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let result = session.call("search", json!({ "query": { "pattern": "fuel", "mode": "fuzzy" } })).await;
    let body = error_body(&result);
    assert_eq!(body["outcome"], "invalid-arguments");
    assert!(body["message"].as_str().unwrap().contains("query.mode"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_path_is_tool_error() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let result =
        session.call("search", json!({ "query": { "pattern": "x", "path": "nowhere", "mode": "literal" } })).await;
    let body = error_body(&result);
    assert_eq!((body["outcome"].as_str(), body["error"].as_str()), (Some("tool-error"), Some("not-found")), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_tool_prints_matches() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let result = session.call("grep", json!({ "pattern": "fuel" })).await;
    assert!(text(&result).contains("guide.md:2:the fuel limit stops loops"), "{}", text(&result));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuel_limit_is_tool_error() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let result = session.call("spin-briefly", json!({})).await;
    assert_eq!(error_body(&result)["outcome"], "fuel-exhausted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_answers_after_limit() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    session.call("spin-briefly", json!({})).await;
    let result = session.call("grep", json!({ "pattern": "intro" })).await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_host_refused_by_shim() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let result = session.call("fetch", json!({ "url": "http://tool-test.invalid/data" })).await;
    let body = error_body(&result);
    assert_eq!(body["outcome"], "denied", "{body}");
    assert_eq!(body["requests"][0]["authority"], "tool-test.invalid", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_tool_is_protocol_error() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let arguments = Map::new();
    let error =
        session.client.call_tool(CallToolRequestParams::new("nothing").with_arguments(arguments)).await.unwrap_err();
    assert!(error.to_string().contains("unknown tool `nothing`"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_all_succeed() {
    let fixture = workspace_fixture();
    let session = start(&fixture).await;
    let calls = (0..8).map(|_| session.call("grep", json!({ "pattern": "fuel" })));
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(|result| result.is_error == Some(false)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_interrupts_running_call() {
    let fixture = workspace_fixture();
    let mut session = start(&fixture).await;
    let request = ClientRequest::CallToolRequest(CallToolRequest::new(CallToolRequestParams::new("spin")));
    let handle = session.client.send_cancellable_request(request, PeerRequestOptions::no_options()).await.unwrap();
    session.wait_for_log(&["starting call", "spin"]).await;
    handle.cancel(Some("the test gave up".into())).await.unwrap();
    // The policy would let the guest spin for a minute; the log shows the call ended by cancellation instead.
    let line = session.wait_for_log(&["tool call finished", "tool=spin"]).await;
    assert!(line.contains("outcome=\"cancelled\"") || line.contains("outcome=cancelled"), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdout_carries_only_protocol() {
    let fixture = workspace_fixture();
    let (_config, tools) = write_config(&fixture);
    let output = raw_session(&tools, &[
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "raw", "version": "0" } } }),
        json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }),
        json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "grep", "arguments": { "pattern": "fuel" } } }),
    ])
    .await;
    let lines: Vec<&str> = output.lines().collect();
    assert!(lines.len() >= 2, "{output}");
    assert!(
        lines.iter().all(|line| serde_json::from_str::<Value>(line).is_ok_and(|message| message["jsonrpc"] == "2.0")),
        "{output}"
    );
}

#[test]
fn invalid_tools_file_names_line() {
    let config = tempfile::tempdir().unwrap();
    let tools = config.path().join("tools.toml");
    std::fs::write(&tools, "[[tool]]\nname = \"grep\"\ndescription = \"x\"\ncomponent = \"missing.wasm\"\n").unwrap();
    let output = std::process::Command::new(cordon_binary())
        .args(["serve", "--tools"])
        .arg(&tools)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("tool `grep`"), "{stderr}");
    assert!(stderr.contains("missing.wasm"), "{stderr}");
}

#[test]
fn list_flag_prints_tools() {
    let fixture = workspace_fixture();
    let (_config, tools) = write_config(&fixture);
    let output = std::process::Command::new(cordon_binary())
        .args(["serve", "--list", "--tools"])
        .arg(&tools)
        .env("CORDON_CACHE_DIR", cordon_tests::target_dir().join("cordon-test-cache"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let listing: Value = serde_json::from_slice(&output.stdout).expect("a JSON tool list");
    assert_eq!(listing["tools"][0]["inputSchema"]["required"], json!(["query"]));
}

#[test]
fn http_on_public_address_refused() {
    let config = tempfile::tempdir().unwrap();
    let tools = config.path().join("tools.toml");
    std::fs::write(
        &tools,
        format!("[[tool]]\nname = \"hello\"\ndescription = \"x\"\ncomponent = \"{}\"\n", guest_path("hello").display()),
    )
    .unwrap();
    let output = std::process::Command::new(cordon_binary())
        .args(["serve", "--http", "0.0.0.0:0", "--tools"])
        .arg(&tools)
        .env("CORDON_CACHE_DIR", cordon_tests::target_dir().join("cordon-test-cache"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not a loopback address"), "{stderr}");
}

/// Sends raw JSON-RPC lines to `cordon serve`, closes its stdin, and returns everything it wrote to stdout.
async fn raw_session(tools: &Path, messages: &[Value]) -> String {
    use tokio::io::AsyncWriteExt;

    let mut child = Command::new(cordon_binary())
        .args(["-v", "serve", "--tools"])
        .arg(tools)
        .env("CORDON_CACHE_DIR", cordon_tests::target_dir().join("cordon-test-cache"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut output = String::new();
    for message in messages {
        stdin.write_all(format!("{message}\n").as_bytes()).await.unwrap();
        if message.get("id").is_some() {
            let line =
                tokio::time::timeout(Duration::from_secs(60), lines.next_line()).await.unwrap().unwrap().unwrap();
            output.push_str(&line);
            output.push('\n');
        }
    }
    drop(stdin);
    while let Ok(Ok(Some(line))) = tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await {
        output.push_str(&line);
        output.push('\n');
    }
    let _ = child.wait().await;
    output
}
