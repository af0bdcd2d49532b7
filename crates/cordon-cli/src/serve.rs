//! `cordon serve`: offers the tools of a tools file to MCP clients, over stdio or streamable HTTP on loopback.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use cordon_mcp::{Catalog, CordonServer, HttpListener, ToolsFile};
use cordon_runtime::{CancellationToken, Runtime, RuntimeConfig};

use crate::failure::Failure;
use crate::run::{absolute_workspace, fill_emulator_endpoints};

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The tools file: which components to offer, under which policies (see the README for its format).
    #[arg(long, value_name = "FILE")]
    tools: PathBuf,

    /// The directory the policies' relative `host` paths resolve against [default: the tools file's `workspace`
    /// key, else the tools file's folder].
    #[arg(long, value_name = "DIR")]
    workspace: Option<PathBuf>,

    /// Serve streamable HTTP at http://ADDR/mcp instead of stdio. ADDR must be a loopback address and a port, such
    /// as 127.0.0.1:8931 or localhost:8931; port 0 picks a free port, and the URL is logged on stderr.
    #[arg(long, value_name = "ADDR", value_parser = parse_http_address)]
    http: Option<SocketAddr>,

    /// The maximum number of tool calls that run at once. Further calls wait for a free slot.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1000))]
    max_calls: u32,

    /// The directory of compiled components [default: $CORDON_CACHE_DIR, else $XDG_CACHE_HOME/cordon, else
    /// ~/.cache/cordon].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// Load and check every tool, print the tools as `tools/list` would return them (JSON), and exit without
    /// serving.
    #[arg(long, conflicts_with = "http")]
    list: bool,
}

pub(crate) fn serve(args: ServeArgs) -> ExitCode {
    match execute(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// Parses `--http`: an IP address and port, or `localhost:PORT`, which means 127.0.0.1.
fn parse_http_address(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    let normalised = match text.strip_prefix("localhost:") {
        Some(port) => format!("127.0.0.1:{port}"),
        None => text.to_owned(),
    };
    normalised.parse().map_err(|_| {
        format!("{text:?} is not an address and port (fix: write 127.0.0.1:PORT, [::1]:PORT or localhost:PORT)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_means_ipv4_loopback() {
        assert_eq!(parse_http_address("localhost:8931"), Ok("127.0.0.1:8931".parse().unwrap()));
    }

    #[test]
    fn address_without_port_rejected() {
        assert!(parse_http_address("127.0.0.1").unwrap_err().contains("127.0.0.1:PORT"));
    }
}

fn execute(args: ServeArgs) -> Result<(), Failure> {
    let workspace = args.workspace.map(|workspace| absolute_workspace(Some(workspace)));
    let file = ToolsFile::load(&args.tools, workspace.as_deref()).map_err(Failure::usage)?;

    let config = RuntimeConfig {
        cache_dir: args.cache_dir.clone().or_else(cordon_runtime::default_cache_dir),
        max_concurrent_calls: args.max_calls,
        ..RuntimeConfig::default()
    };
    let runtime = Arc::new(Runtime::new(config).map_err(Failure::internal)?);
    let catalog = Catalog::load(&runtime, &file, &fill_emulator_endpoints).map_err(Failure::usage)?;
    tracing::info!(tools = catalog.len(), file = %args.tools.display(), "tools loaded");
    if args.list {
        let listing = serde_json::json!({ "tools": catalog.listings() });
        let text =
            serde_json::to_string_pretty(&listing).context("cannot render the tool list").map_err(Failure::internal)?;
        return crate::run::write_stdout(format!("{text}\n").as_bytes())
            .context("cannot write the tool list")
            .map_err(Failure::internal);
    }
    let server = CordonServer::new(runtime, catalog, args.max_calls as usize);

    let executor = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async executor")
        .map_err(Failure::internal)?;
    let result = executor.block_on(async {
        match args.http {
            None => cordon_mcp::serve_stdio(server).await.map_err(Failure::internal),
            Some(address) => {
                let listener = HttpListener::bind(address).await.map_err(Failure::usage)?;
                // The URL goes to stderr whatever the log level, because a client needs it to connect.
                eprintln!("cordon: serving MCP at {}", listener.url());
                let shutdown = CancellationToken::new();
                let on_signal = shutdown.clone();
                tokio::spawn(async move {
                    if tokio::signal::ctrl_c().await.is_ok() {
                        on_signal.cancel();
                    }
                });
                listener.serve(server, shutdown).await.map_err(Failure::internal)
            }
        }
    });
    // A blocked stdin read would hold the executor open; the session is over, so do not wait for it.
    executor.shutdown_background();
    result
}
