//! The MCP handler: lists the catalog's tools and runs each call in a fresh sandbox.

use std::sync::Arc;

use cordon_runtime::{Call, Runtime, Stdin};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ListToolsResult, PaginatedRequestParams,
    ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use tokio::sync::Semaphore;

use crate::catalog::{Catalog, Entry, Shape, no_arguments};
use crate::reply;

/// The instructions the server sends to clients when they connect.
const INSTRUCTIONS: &str = "Each tool runs in a fresh WebAssembly sandbox under its own policy: it sees only the \
directories and emulated cloud services the policy grants, and has fuel, memory, time and output limits. A failed \
call is a tool error whose text is a JSON object; its `outcome` says why, for example `fuel-exhausted`, `timeout`, \
`denied` (a network request was refused) or `invalid-arguments`.";

/// The MCP server: one runtime, one catalog, and a bound on calls running at once. Cloning shares all three.
#[derive(Clone)]
pub struct CordonServer {
    inner: Arc<Inner>,
}

struct Inner {
    runtime: Arc<Runtime>,
    catalog: Catalog,
    slots: Semaphore,
}

impl CordonServer {
    /// Creates a server that runs at most `max_calls` calls at once; further calls wait for a free slot.
    pub fn new(runtime: Arc<Runtime>, catalog: Catalog, max_calls: usize) -> CordonServer {
        CordonServer { inner: Arc::new(Inner { runtime, catalog, slots: Semaphore::new(max_calls.max(1)) }) }
    }

    /// Returns the catalog the server offers.
    pub fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    /// Runs one call of `entry` with `arguments`, ending it early when `cancel` fires.
    async fn call(
        &self,
        entry: &Entry,
        request: CallToolRequestParams,
        cancel: cordon_runtime::CancellationToken,
    ) -> CallToolResult {
        let arguments = request.arguments.unwrap_or_else(no_arguments);
        let call = match &entry.shape {
            Shape::Typed(function) => match cordon_schema::params_from_json(function, &arguments) {
                Ok(params) => Call::new().invoke(function.name(), params),
                Err(error) => {
                    tracing::info!(tool = %entry.name, %error, "call rejected: invalid arguments");
                    return reply::invalid_arguments(&entry.name, &error.to_string());
                }
            },
            Shape::Command(shape, _) => match shape.render(&arguments) {
                Ok(line) => {
                    let stdin = line.stdin.map_or(Stdin::Empty, |text| Stdin::Bytes(text.into_bytes()));
                    Call::new().args(line.args).stdin(stdin)
                }
                Err(error) => {
                    tracing::info!(tool = %entry.name, %error, "call rejected: invalid arguments");
                    return reply::invalid_arguments(&entry.name, &error.to_string());
                }
            },
        };

        // Wait for a slot, or for the client to give up first.
        let _slot = tokio::select! {
            biased;
            () = cancel.cancelled() => {
                tracing::info!(tool = %entry.name, "call cancelled while waiting for a slot");
                return reply::from_outcome(&entry.name, &entry.policy, &cancelled_before_start(), None, &[]);
            }
            slot = self.inner.slots.acquire() => match slot {
                Ok(slot) => slot,
                Err(_closed) => return reply::internal(&entry.name, &cordon_runtime::RuntimeError::Instantiate("the server is shutting down".into())),
            },
        };

        let call = call.program(entry.name.clone()).cancel_on(cancel);
        tracing::info!(tool = %entry.name, "starting call");
        match self.inner.runtime.run(&entry.tool, &entry.policy, call).await {
            Ok(outcome) => {
                let typed = match &entry.shape {
                    Shape::Typed(function) if outcome.is_success() => {
                        Some(cordon_schema::results_to_json(function, &outcome.results))
                    }
                    _ => None,
                };
                tracing::info!(
                    tool = %entry.name,
                    outcome = outcome.status.kind(),
                    fuel_used = outcome.fuel_used,
                    duration_us = outcome.duration.as_micros() as u64,
                    "tool call finished"
                );
                let success_codes = match &entry.shape {
                    Shape::Command(_, codes) => codes.as_slice(),
                    Shape::Typed(_) => &[],
                };
                reply::from_outcome(&entry.name, &entry.policy, &outcome, typed, success_codes)
            }
            Err(error) => {
                tracing::error!(tool = %entry.name, %error, "tool call could not run");
                reply::internal(&entry.name, &error)
            }
        }
    }
}

/// Returns the outcome of a call cancelled before it got an instance.
fn cancelled_before_start() -> cordon_runtime::Outcome {
    cordon_runtime::Outcome {
        status: cordon_runtime::Status::Cancelled,
        stdout: cordon_runtime::CapturedOutput::default(),
        stderr: cordon_runtime::CapturedOutput::default(),
        fuel_used: 0,
        peak_memory: 0,
        duration: std::time::Duration::ZERO,
        audit: Vec::new(),
        results: Vec::new(),
    }
}

impl ServerHandler for CordonServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("cordon", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.inner.catalog.listings()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(entry) = self.inner.catalog.get(&request.name).cloned() else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{}` (this server offers: {})", request.name, self.inner.catalog.names()),
                None,
            ));
        };
        Ok(self.call(&entry, request, context.ct.clone()).await.into())
    }
}
