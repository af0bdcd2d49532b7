//! A tool: a component compiled once, linked against the WASI interfaces Cordon provides, and pre-instantiated
//! so that each call only instantiates. A command tool exports `wasi:cli/run`; a typed tool exports functions.

use std::path::Path;

use wasmtime::component::types::{ComponentFunc, ComponentItem, Type};
use wasmtime::component::{Component, ComponentExportIndex, InstancePre};
use wasmtime_wasi::p2::bindings::CommandPre;

use crate::cache::CacheStatus;
use crate::error::LoadError;
use crate::state::CallState;

/// The export name of the WASI command interface, the entry point of command tools.
const CLI_RUN: &str = "wasi:cli/run@0.2";

/// The kind of entry point a tool has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolKind {
    /// A command component: it exports `wasi:cli/run` and takes arguments and standard input.
    Command,
    /// A typed component: it exports functions whose parameters and results are component values.
    Typed,
}

/// The way into a tool's instance.
#[derive(Clone)]
pub(crate) enum Entry {
    Command(CommandPre<CallState>),
    Typed(InstancePre<CallState>),
}

/// A function a typed tool exports, with its signature.
#[derive(Clone, Debug)]
pub struct Function {
    name: String,
    ty: ComponentFunc,
    pub(crate) index: ComponentExportIndex,
}

impl Function {
    /// Returns the function's name: its export name, or `INTERFACE#NAME` for a function of an exported interface.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the parameters' names and types, in order.
    pub fn params(&self) -> impl ExactSizeIterator<Item = (&str, Type)> + '_ {
        self.ty.params()
    }

    /// Returns the result types: none, or one.
    pub fn results(&self) -> impl ExactSizeIterator<Item = Type> + '_ {
        self.ty.results()
    }

    /// Returns whether the function is a component-model `async` function.
    pub fn is_async(&self) -> bool {
        self.ty.async_()
    }
}

/// A loaded tool, ready for any number of calls. Cloning is cheap and shares the compiled code.
#[derive(Clone)]
pub struct Tool {
    pub(crate) name: String,
    pub(crate) digest: String,
    pub(crate) cache_status: CacheStatus,
    pub(crate) entry: Entry,
    pub(crate) functions: Vec<Function>,
}

impl Tool {
    /// Returns the tool's name: its file name without the `.wasm` extension. Guests see it as their first argument.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the SHA-256 of the component's bytes, in hexadecimal.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Returns whether the compiled component came from the on-disk cache.
    pub fn cache_status(&self) -> CacheStatus {
        self.cache_status
    }

    /// Returns the component this tool was built from.
    pub fn component(&self) -> &Component {
        match &self.entry {
            Entry::Command(pre) => pre.instance_pre().component(),
            Entry::Typed(pre) => pre.component(),
        }
    }

    /// Returns whether this is a command tool or a typed tool.
    pub fn kind(&self) -> ToolKind {
        match self.entry {
            Entry::Command(_) => ToolKind::Command,
            Entry::Typed(_) => ToolKind::Typed,
        }
    }

    /// Returns the functions a typed tool exports, in export order; empty for a command tool.
    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    /// Returns the exported function called `name`.
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|function| function.name == name)
    }
}

/// Returns whether a component exports the WASI command interface, in any 0.2 version.
pub(crate) fn exports_cli_run(component: &Component, engine: &wasmtime::Engine) -> bool {
    let component_type = component.component_type();
    let mut exports = component_type.exports(engine);
    exports.any(|(name, _)| name.starts_with(CLI_RUN))
}

/// Lists the functions a component exports: those at its top level, then those of each exported interface.
pub(crate) fn exported_functions(component: &Component, engine: &wasmtime::Engine) -> Vec<Function> {
    let component_type = component.component_type();
    let mut functions = Vec::new();
    for (export, item) in component_type.exports(engine) {
        match item.ty {
            ComponentItem::ComponentFunc(ty) => {
                if let Some(index) = component.get_export_index(None, export) {
                    functions.push(Function { name: export.to_owned(), ty, index });
                }
            }
            ComponentItem::ComponentInstance(instance) => {
                let Some(instance_index) = component.get_export_index(None, export) else {
                    continue;
                };
                for (inner, item) in instance.exports(engine) {
                    let ComponentItem::ComponentFunc(ty) = item.ty else {
                        continue;
                    };
                    if let Some(index) = component.get_export_index(Some(&instance_index), inner) {
                        functions.push(Function { name: format!("{export}#{inner}"), ty, index });
                    }
                }
            }
            _ => {}
        }
    }
    functions
}

impl std::fmt::Debug for Tool {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Tool").field("name", &self.name).field("digest", &self.digest).finish_non_exhaustive()
    }
}

/// The first eight bytes of a component binary: the magic number, then the component-model version and layer.
const COMPONENT_HEADER: [u8; 8] = *b"\0asm\x0d\x00\x01\x00";

/// The first eight bytes of a core module binary: the magic number, then version 1.
const CORE_MODULE_HEADER: [u8; 8] = *b"\0asm\x01\x00\x00\x00";

/// Reads a component file, mapping each way it can be unusable to its own error.
pub(crate) fn read_component(path: &Path) -> Result<Vec<u8>, LoadError> {
    if path.is_dir() {
        return Err(LoadError::Directory { path: path.to_owned() });
    }
    let bytes = std::fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound { path: path.to_owned() },
        _ => LoadError::Read { path: path.to_owned(), source },
    })?;
    check_header(path, &bytes)?;
    Ok(bytes)
}

/// Rejects anything but a component before it reaches the compiler, so that the error names what the file is.
pub(crate) fn check_header(path: &Path, bytes: &[u8]) -> Result<(), LoadError> {
    let header = bytes.get(..8);
    if header == Some(&CORE_MODULE_HEADER[..]) {
        return Err(LoadError::CoreModule { path: path.to_owned() });
    }
    if !bytes.starts_with(b"\0asm") {
        return Err(LoadError::NotWasm { path: path.to_owned() });
    }
    if header != Some(&COMPONENT_HEADER[..]) {
        return Err(LoadError::Invalid {
            path: path.to_owned(),
            message: "unsupported WebAssembly version or layer in the header".to_owned(),
        });
    }
    Ok(())
}

/// Derives a tool's name from its path: the file stem, or "tool" for a path without one.
pub(crate) fn tool_name(path: &Path) -> String {
    path.file_stem().and_then(|stem| stem.to_str()).unwrap_or("tool").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_module_header_rejected() {
        let error = check_header(Path::new("m.wasm"), b"\0asm\x01\x00\x00\x00rest").unwrap_err();
        assert!(matches!(error, LoadError::CoreModule { .. }));
    }

    #[test]
    fn text_file_rejected_as_not_wasm() {
        let error = check_header(Path::new("notes.txt"), b"hello world").unwrap_err();
        assert!(matches!(error, LoadError::NotWasm { .. }));
    }

    #[test]
    fn truncated_header_rejected() {
        let error = check_header(Path::new("cut.wasm"), b"\0asm\x0d").unwrap_err();
        assert!(matches!(error, LoadError::Invalid { .. }));
    }

    #[test]
    fn component_header_accepted() {
        assert!(check_header(Path::new("t.wasm"), b"\0asm\x0d\x00\x01\x00").is_ok());
    }

    #[test]
    fn tool_name_is_file_stem() {
        assert_eq!(tool_name(Path::new("/x/grep.wasm")), "grep");
    }
}
