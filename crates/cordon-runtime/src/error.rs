//! Errors of the runtime itself. A guest's failure is never one of these: it is an [`Outcome`](crate::Outcome).

use std::path::PathBuf;

/// A reason a component could not be loaded as a tool.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The path names no file.
    #[error("component {} not found (fix: check the path, or build the guest tools first)", path.display())]
    NotFound { path: PathBuf },

    /// The path names a directory.
    #[error("component {} is a directory (fix: pass the .wasm file itself)", path.display())]
    Directory { path: PathBuf },

    /// The file exists but could not be read.
    #[error("cannot read component {}: {source} (fix: check the file's permissions)", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file does not start with the WebAssembly magic number.
    #[error(
        "{} is not a WebAssembly component: it does not start with the `\\0asm` header \
         (fix: pass a .wasm file built for wasm32-wasip2)",
        path.display()
    )]
    NotWasm { path: PathBuf },

    /// The file is a core module, not a component.
    #[error(
        "{} is a core WebAssembly module, not a component (fix: build it for wasm32-wasip2, or wrap it with \
         `wasm-tools component new` and a WASI adapter)",
        path.display()
    )]
    CoreModule { path: PathBuf },

    /// wasmtime rejected the component: it is malformed, truncated or uses features this engine lacks.
    #[error("{} is not a valid component: {message} (fix: rebuild it; a truncated or corrupted file fails here)", path.display())]
    Invalid { path: PathBuf, message: String },

    /// The component imports an interface Cordon does not provide.
    #[error("{} cannot be linked: {message} (fix: build the tool against the WASI 0.2 interfaces Cordon provides)", path.display())]
    MissingImport { path: PathBuf, message: String },

    /// The component exports `wasi:cli/run` in a shape this runtime cannot call.
    #[error("{} is not a usable command component: {message} (fix: build it as a binary against WASI 0.2)", path.display())]
    NotCommand { path: PathBuf, message: String },

    /// The component exports neither `wasi:cli/run` nor any function, so there is nothing to call.
    #[error(
        "{} exports neither wasi:cli/run nor any function, so nothing in it can be called \
         (fix: build a binary for a command tool, or export functions from a world that includes cordon:tool/tool)",
        path.display()
    )]
    NoEntry { path: PathBuf },
}

/// A failure of Cordon itself while setting up or running a call.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The engine could not be configured.
    #[error("cannot create the wasmtime engine: {0}")]
    Engine(String),

    /// The per-call scratch directory could not be created.
    #[error("cannot create a scratch directory under {}: {source} (fix: check that the directory exists and is writable)", root.display())]
    Scratch { root: PathBuf, source: std::io::Error },

    /// The scratch directory could not be copied to the destination the caller asked to keep it at.
    #[error("cannot keep the scratch directory at {}: {source} (fix: name a directory that does not exist yet, on a writable file system)", destination.display())]
    KeepScratch {
        destination: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A directory the policy grants could not be opened as a preopen.
    #[error("cannot open {} for the guest path {guest}: {message} (fix: check that the directory still exists)", host.display())]
    Preopen { host: PathBuf, guest: String, message: String },

    /// More calls are in flight than the runtime's instance pool has slots for.
    #[error(
        "too many calls in flight: {0} (fix: raise RuntimeConfig::max_concurrent_calls, or wait for running calls)"
    )]
    PoolExhausted(String),

    /// The policy's network section could not be turned into the shim's configuration.
    #[error("invalid network configuration: {0} (fix: run `cordon check` on the policy)")]
    Network(String),

    /// A command tool was asked to invoke a function.
    #[error(
        "tool {tool} is a command tool and exports no functions, so `{function}` cannot be invoked (fix: run it with arguments instead)"
    )]
    NotTyped { tool: String, function: String },

    /// A typed tool was run without naming a function.
    #[error("tool {tool} is a typed tool (fix: invoke one of its functions: {available})")]
    NoFunction { tool: String, available: String },

    /// A typed tool was asked for a function it does not export.
    #[error("tool {tool} exports no function `{function}` (fix: use one of: {available})")]
    UnknownFunction { tool: String, function: String, available: String },

    /// A typed function was given the wrong number of parameters.
    #[error(
        "function `{function}` takes {expected} parameters, but {given} were given (fix: pass one value per parameter)"
    )]
    ParamCount { function: String, expected: usize, given: usize },

    /// The store could not be set up or the instance could not be created for a reason other than a limit.
    #[error("cannot instantiate the tool: {0}")]
    Instantiate(String),
}
