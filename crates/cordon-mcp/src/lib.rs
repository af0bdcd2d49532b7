//! Cordon's MCP server: offers sandboxed tool components to agent runtimes over the Model Context Protocol.
//!
//! A [`ToolsFile`] lists the tools: each names a component, a policy and a description. [`Catalog::load`] loads
//! them all once. [`CordonServer`] replies to `tools/list` with each tool's input schema and runs every `tools/call`
//! as one fresh sandboxed call, concurrently with the others, interrupted if the client cancels it.
//!
//! Typed tools export functions of the `cordon:tool` world (`wit/cordon-tool/tool.wit`): their input and output
//! schemas come from the functions' WIT types, and arguments are converted to component values by
//! `cordon-schema`. Command tools (`wasi:cli/run`) take the parameters the tools file declares, rendered into an
//! argument list and standard input.
//!
//! Every failure reaches the client as a tool error whose text is a JSON object with an `outcome` kind, never as a
//! broken session: limits, traps, refused network requests, invalid arguments and cancellation alike.

mod catalog;
mod command;
mod error;
mod reply;
mod server;
mod tools_file;
mod transport;

pub use catalog::Catalog;
pub use error::{ServeError, ToolsFileError};
pub use server::CordonServer;
pub use tools_file::{ParamSpec, ParamType, ToolSpec, ToolsFile};
pub use transport::{HTTP_PATH, HttpListener, serve_stdio};
