//! Errors that stop the server from starting. Once it runs, every failure of a call is a tool result instead.

use std::net::SocketAddr;
use std::path::PathBuf;

/// A tools file that cannot be read, parsed or loaded.
#[derive(Debug, thiserror::Error)]
pub enum ToolsFileError {
    /// The file cannot be read.
    #[error("cannot read tools file {}: {source} (fix: check the path given to --tools)", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file is not valid TOML or has a key the format does not know.
    #[error("{}: {message} (fix: see the tools file format in the README)", location(path, *line, *column))]
    Syntax { path: PathBuf, line: Option<usize>, column: Option<usize>, message: String },

    /// The file lists no tools.
    #[error("tools file {} lists no tools (fix: add a [[tool]] entry with name, description and component)", path.display())]
    NoTools { path: PathBuf },

    /// The workspace is not a directory.
    #[error(
        "workspace {} of tools file {} is not a directory (fix: pass --workspace with an existing directory, or \
         set `workspace` in the tools file)",
        workspace.display(),
        path.display()
    )]
    Workspace { path: PathBuf, workspace: PathBuf },

    /// A tool's component cannot be loaded.
    #[error("{location}: tool `{tool}`: {source}")]
    Component {
        location: String,
        tool: String,
        #[source]
        source: cordon_runtime::LoadError,
    },

    /// A tool's policy cannot be loaded.
    #[error("{location}: tool `{tool}`: {source}")]
    Policy {
        location: String,
        tool: String,
        #[source]
        source: cordon_policy::PolicyError,
    },

    /// One tool entry is invalid: its name, its component, its policy or its parameters.
    #[error("{}: {message} (fix: {fix})", location(path, Some(*line), Some(*column)))]
    Invalid { path: PathBuf, line: usize, column: usize, message: String, fix: String },
}

/// A failure to start or keep serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The HTTP address is not a loopback address.
    #[error(
        "--http {0} is not a loopback address; the MCP server has no authentication, so it listens only on this \
         machine (fix: use 127.0.0.1:PORT or [::1]:PORT)"
    )]
    NotLoopback(SocketAddr),

    /// The HTTP address cannot be bound.
    #[error("cannot listen on {address}: {source} (fix: choose a free port, or port 0 for any)")]
    Bind {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },

    /// The MCP session ended with a transport or protocol failure.
    #[error("MCP session failed: {0}")]
    Session(String),
}

fn location(path: &std::path::Path, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", path.display()),
        _ => path.display().to_string(),
    }
}
