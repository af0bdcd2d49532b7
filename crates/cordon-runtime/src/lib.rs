//! Cordon's runtime: runs WebAssembly tool components, one fresh sandboxed instance per call.
//!
//! A [`Runtime`] owns one wasmtime engine (pooling allocator, copy-on-write memory images, fuel and epoch
//! interruption) and an on-disk cache of compiled components. [`Runtime::load_tool`] turns a command component into
//! a pre-instantiated [`Tool`]; [`Runtime::run`] gives each call a new store whose WASI context comes from a
//! [`Policy`](cordon_policy::Policy) alone, enforces its fuel, memory, table, instance, output and wall-clock limits,
//! and returns an [`Outcome`] that says how the call ended.
//!
//! ```no_run
//! use std::path::Path;
//! use cordon_policy::Policy;
//! use cordon_runtime::{Call, Runtime, RuntimeConfig};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = Runtime::new(RuntimeConfig::default())?;
//! let tool = runtime.load_tool(Path::new("grep.wasm"))?;
//! let policy = Policy::load(Path::new("policies/workspace-read-only.toml"), Path::new("."))?;
//! let outcome = runtime.run(&tool, &policy, Call::new().args(["-rn", "fuel", "."])).await?;
//! println!("{}: {}", outcome.status.kind(), outcome.stdout_text());
//! # Ok(())
//! # }
//! ```

mod cache;
mod call;
mod engine;
mod error;
mod http;
mod limiter;
mod network;
mod outcome;
mod output;
mod runtime;
mod sandbox;
mod scratch;
mod state;
mod symlinks;
mod tool;

pub use cache::{CacheStatus, default_cache_dir};
pub use call::{Call, Stdin};
pub use cordon_shim::{AuditEvent, AuditLog, Verdict};
pub use error::{LoadError, RuntimeError};
pub use outcome::{Outcome, Status};
pub use output::CapturedOutput;
pub use runtime::{Runtime, RuntimeConfig};
pub use state::CallState;
pub use tokio_util::sync::CancellationToken;
pub use tool::{Function, Tool, ToolKind};
/// Component values and types, as typed tools take and return them.
pub use wasmtime::component::{Val, types};
