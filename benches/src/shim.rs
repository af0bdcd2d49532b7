//! The cost the shim adds to one HTTP request: a guest's GET through `wasi:http` and the shim to a minimal hyper
//! server on loopback, against the same GET sent directly by a pooled hyper client in the host.
//!
//! The guest (`http-get`) sends its requests back to back inside one call and times each on its own clock, so call
//! set-up is not part of a request's time. The route sends `bench.amazonaws.com` to the server as an AWS emulator,
//! so every request is normalised, routed, classified, checked against the rules, rewritten and signed with SigV4,
//! as a real emulator-bound request is.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use cordon_policy::Policy;
use cordon_runtime::{Call, Runtime, Tool};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde::Serialize;
use tokio::net::TcpListener;

use crate::fixture::{self, Paths, expect_success};
use crate::stats::Summary;

/// The server's response body: small, so that the figures are the cost per request rather than per byte.
const RESPONSE_BODY: &[u8] = b"cordon bench object\n";

/// The host name the guest sends to; only the bench policy's route makes it reach the loopback server.
const GUEST_URL: &str = "http://bench.amazonaws.com/reports/object.txt";

/// Requests sent before timing starts, on each path.
const WARMUP_REQUESTS: usize = 500;

#[derive(Debug, Serialize)]
pub struct ShimReport {
    pub response_bytes: usize,
    pub requests_per_call: usize,
    /// Everything on a current-thread executor: guest, shim, client and server share one thread.
    pub current_thread: ShimRun,
    /// Everything on the two-worker executor.
    pub multi_thread: ShimRun,
}

#[derive(Debug, Serialize)]
pub struct ShimRun {
    /// Each direct request from the host's hyper client, as the host times it.
    pub direct: Summary,
    /// The same, with each request sent from a task of its own as wasmtime-wasi-http sends a guest's, so that the
    /// cost of handing a request to another task shows apart from the shim's own work.
    pub direct_spawned: Summary,
    /// Each request through the shim, as the guest times it from building the request to the end of the body.
    pub through_shim: Summary,
    /// `through_shim.p50 - direct.p50`, in nanoseconds.
    pub added_p50: f64,
    /// `through_shim.p99 - direct.p99`, in nanoseconds.
    pub added_p99: f64,
    /// Whole calls of `http-get` sending `requests_per_call` requests, as the host times them.
    pub calls: Summary,
    /// Whole calls of `http-get` sending no request, the call's own cost under the same policy.
    pub empty_calls: Summary,
}

/// Sends `requests` timed requests directly and `requests` through the shim, in calls of `requests_per_call`, on
/// each executor.
pub fn run(paths: &Paths, requests: usize, requests_per_call: usize) -> anyhow::Result<ShimReport> {
    let runtime = Arc::new(fixture::runtime(paths, cordon_runtime::RuntimeConfig::default().max_concurrent_calls)?);
    let tool = fixture::tool(&runtime, paths, "http-get")?;
    let current_thread = fixture::current_thread_executor()?;
    let current_thread = run_on(&current_thread, paths, &runtime, &tool, requests, requests_per_call)?;
    let multi_thread = fixture::two_worker_executor()?;
    let multi_thread = run_on(&multi_thread, paths, &runtime, &tool, requests, requests_per_call)?;
    Ok(ShimReport { response_bytes: RESPONSE_BODY.len(), requests_per_call, current_thread, multi_thread })
}

/// Runs the server, the direct requests and the calls on `executor`, each path inside a task of its own.
fn run_on(
    executor: &tokio::runtime::Runtime,
    paths: &Paths,
    runtime: &Arc<Runtime>,
    tool: &Tool,
    requests: usize,
    requests_per_call: usize,
) -> anyhow::Result<ShimRun> {
    let (runtime, tool) = (Arc::clone(runtime), tool.clone());
    executor.block_on(async move {
        let address = start_server().await?;
        let policy = bench_policy(address, paths)?;

        let direct = tokio::spawn(time_direct(address, requests, false)).await??;
        let direct_spawned = tokio::spawn(time_direct(address, requests, true)).await??;

        let (through_shim, calls, empty_calls) =
            tokio::spawn(async move { time_through_shim(&runtime, &tool, &policy, requests, requests_per_call).await })
                .await??;

        let direct = Summary::of_durations(&direct);
        let through_shim = Summary::of_nanos(&through_shim);
        Ok(ShimRun {
            added_p50: through_shim.p50 - direct.p50,
            added_p99: through_shim.p99 - direct.p99,
            direct,
            direct_spawned: Summary::of_durations(&direct_spawned),
            through_shim,
            calls: Summary::of_durations(&calls),
            empty_calls: Summary::of_durations(&empty_calls),
        })
    })
}

/// Returns a policy that routes the bench host to the loopback server as an AWS emulator, with room for every request.
fn bench_policy(address: SocketAddr, paths: &Paths) -> anyhow::Result<Policy> {
    let text = format!(
        "[limits]\ntimeout = \"60s\"\n\n\
         [emulators.aws]\nkind = \"aws\"\nendpoint = \"http://{address}\"\n\n\
         [[routes]]\nhosts = [\"bench.amazonaws.com\"]\nemulator = \"aws\"\n\n\
         [budgets]\nrequests = 1_000_000\n"
    );
    fixture::policy(&text, &paths.repo)
}

/// Starts an HTTP/1.1 server on an ephemeral loopback port that responds to every request with
/// [`RESPONSE_BODY`]. It
/// stops with the executor.
async fn start_server() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await.context("binding a loopback port")?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = service_fn(|_request| async {
                    Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from_static(RESPONSE_BODY))))
                });
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    Ok(address)
}

/// Times `requests` sequential GETs from a pooled hyper client configured as the shim's own, each sent from a
/// spawned task when `spawned` is set.
async fn time_direct(address: SocketAddr, requests: usize, spawned: bool) -> anyhow::Result<Vec<Duration>> {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    let uri: http::Uri = format!("http://{address}/reports/object.txt").parse()?;

    let mut samples = Vec::with_capacity(requests);
    for index in 0..WARMUP_REQUESTS + requests {
        let started = Instant::now();
        let exchange = get_body(client.clone(), uri.clone());
        let (status, body) = if spawned { tokio::spawn(exchange).await?? } else { exchange.await? };
        let elapsed = started.elapsed();
        if status != 200 || body.len() != RESPONSE_BODY.len() {
            bail!("direct request got {status} with {} body bytes", body.len());
        }
        if index >= WARMUP_REQUESTS {
            samples.push(elapsed);
        }
    }
    Ok(samples)
}

/// Sends one GET and reads its whole body.
async fn get_body(
    client: Client<HttpConnector, Full<Bytes>>,
    uri: http::Uri,
) -> anyhow::Result<(http::StatusCode, Bytes)> {
    let response = client.get(uri).await.context("direct request")?;
    let status = response.status();
    let body = response.into_body().collect().await.context("direct response body")?.to_bytes();
    Ok((status, body))
}

/// Runs `http-get` calls until `requests` requests are timed. Returns each request's guest-side time in
/// nanoseconds, each call's duration, and the durations of calls that send nothing.
async fn time_through_shim(
    runtime: &Runtime,
    tool: &Tool,
    policy: &Policy,
    requests: usize,
    requests_per_call: usize,
) -> anyhow::Result<(Vec<f64>, Vec<Duration>, Vec<Duration>)> {
    call_http_get(runtime, tool, policy, WARMUP_REQUESTS).await?;

    let mut per_request = Vec::with_capacity(requests);
    let mut calls = Vec::new();
    while per_request.len() < requests {
        let count = requests_per_call.min(requests - per_request.len());
        let started = Instant::now();
        let timings = call_http_get(runtime, tool, policy, count).await?;
        calls.push(started.elapsed());
        per_request.extend(timings);
    }

    let mut empty_calls = Vec::new();
    for _ in 0..calls.len().max(100) {
        let started = Instant::now();
        call_http_get(runtime, tool, policy, 0).await?;
        empty_calls.push(started.elapsed());
    }
    Ok((per_request, calls, empty_calls))
}

/// Runs one `http-get` call of `count` requests and returns the guest's timing of each.
async fn call_http_get(runtime: &Runtime, tool: &Tool, policy: &Policy, count: usize) -> anyhow::Result<Vec<f64>> {
    let outcome = runtime.run(tool, policy, Call::new().args([count.to_string(), GUEST_URL.to_owned()])).await?;
    expect_success(&outcome, "http-get")?;
    let stdout = outcome.stdout_text();
    let mut timings = Vec::with_capacity(count);
    for line in stdout.lines() {
        let (status, nanos) = line.split_once(' ').with_context(|| format!("unexpected http-get line {line:?}"))?;
        if status != "200" {
            bail!("a request through the shim got {status}: {line}");
        }
        timings.push(nanos.parse::<f64>().with_context(|| format!("invalid time in {line:?}"))?);
    }
    if timings.len() != count {
        bail!("http-get reported {} requests, expected {count}", timings.len());
    }
    Ok(timings)
}
