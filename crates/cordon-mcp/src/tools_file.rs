//! The tools file: which components the server offers, under which policies, and how command tools take their
//! arguments.
//!
//! ```toml
//! workspace = "."                       # what the policies' "." mounts refer to; the file's folder by default
//!
//! [[tool]]                              # a typed tool: its parameters come from the component's WIT
//! name = "search"
//! description = "Search the workspace for a pattern"
//! component = "guest-tools/target/wasm32-wasip2/release/search.wasm"
//! policy = "policies/workspace-read-only.toml"
//!
//! [[tool]]                              # a command tool: the file gives its parameters and argument list
//! name = "grep"
//! description = "Search files with a regular expression"
//! component = "guest-tools/target/wasm32-wasip2/release/grep.wasm"
//! policy = "policies/workspace-read-only.toml"
//! args = ["-rn", "{pattern}", "{path}"]
//! success_codes = [1]                   # grep exits with 1 when nothing matches, which is not a failure
//! [tool.params.pattern]
//! type = "string"
//! description = "The regular expression"
//! [tool.params.path]
//! type = "string"
//! default = "."
//! ```
//!
//! Relative paths resolve against the folder of the tools file.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::ToolsFileError;

/// The parsed tools file, before any component is loaded.
#[derive(Debug)]
pub struct ToolsFile {
    /// The file's path, as given.
    pub path: PathBuf,
    /// The workspace directory the policies' mounts refer to, resolved against the file's folder.
    pub workspace: PathBuf,
    /// The tools, in file order.
    pub tools: Vec<ToolSpec>,
    text: String,
}

/// One `[[tool]]` entry.
#[derive(Debug)]
pub struct ToolSpec {
    /// The name MCP clients call the tool by.
    pub name: String,
    /// A short human-readable title.
    pub title: Option<String>,
    /// What the tool does, for the model that decides whether to call it.
    pub description: String,
    /// The component file, resolved against the tools file's folder.
    pub component: PathBuf,
    /// The policy file, resolved against the tools file's folder; `None` runs the tool under the deny-all policy.
    pub policy: Option<PathBuf>,
    /// For a typed tool, the exported function to call.
    pub function: Option<String>,
    /// For a command tool, the argument list with `{name}` placeholders.
    pub args: Option<Vec<String>>,
    /// For a command tool, the parameter whose value becomes standard input.
    pub stdin: Option<String>,
    /// For a command tool, its parameters by name.
    pub params: BTreeMap<String, ParamSpec>,
    /// For a command tool, the exit statuses that count as success besides 0, such as 1 for `grep` finding nothing.
    pub success_codes: Vec<i32>,
    /// For a typed tool, descriptions of parameters and fields by dotted path (`query.pattern`), or of result
    /// fields under `result.` (`result.hits`). Compiled components keep no WIT doc comments, so this is where a
    /// model learns what a field means.
    pub descriptions: BTreeMap<String, String>,
    /// The byte range of the entry in the file, for errors found after parsing.
    pub(crate) span: Range<usize>,
}

/// The type of a command tool's parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// A JSON string, passed as one argument.
    String,
    /// A JSON integer, passed in decimal.
    Integer,
    /// A JSON number, passed as Rust formats it.
    Number,
    /// A JSON boolean: its `flag` when true and nothing when false, or `true`/`false` without a flag.
    Boolean,
    /// A JSON array of strings, passed as one argument per element.
    Array,
}

impl ParamType {
    /// Returns the JSON Schema type name.
    pub(crate) fn json_type(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Integer => "integer",
            ParamType::Number => "number",
            ParamType::Boolean => "boolean",
            ParamType::Array => "array",
        }
    }
}

/// One parameter of a command tool.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    /// The parameter's type.
    #[serde(rename = "type")]
    pub ty: ParamType,
    /// The parameter's meaning, shown to the model.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether a call must give it; true unless a default is set.
    #[serde(default)]
    pub required: Option<bool>,
    /// The value used when a call leaves the parameter out.
    #[serde(default)]
    pub default: Option<toml::Value>,
    /// The values a string parameter may take.
    #[serde(default, rename = "enum")]
    pub choices: Option<Vec<String>>,
    /// For a boolean, the argument passed when it is true.
    #[serde(default)]
    pub flag: Option<String>,
}

/// The file as TOML gives it, before paths are resolved.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    workspace: Option<String>,
    #[serde(default)]
    tool: Vec<Spanned<RawTool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTool {
    name: String,
    #[serde(default)]
    title: Option<String>,
    description: String,
    component: String,
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    function: Option<String>,
    #[serde(default)]
    args: Option<Vec<String>>,
    #[serde(default)]
    stdin: Option<String>,
    #[serde(default)]
    params: BTreeMap<String, ParamSpec>,
    #[serde(default)]
    success_codes: Vec<i32>,
    #[serde(default)]
    descriptions: BTreeMap<String, String>,
}

/// The maximum length of a tool name that MCP clients accept.
const MAX_NAME_LEN: usize = 128;

impl ToolsFile {
    /// Reads and parses a tools file. `workspace` overrides the file's own `workspace` key.
    ///
    /// # Errors
    ///
    /// A file that cannot be read, is not valid TOML, has an unknown key, or names a tool twice or with characters
    /// MCP does not allow. Components and policies are checked later, when the server loads them.
    pub fn load(path: &Path, workspace: Option<&Path>) -> Result<ToolsFile, ToolsFileError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ToolsFileError::Read { path: path.to_owned(), source })?;
        ToolsFile::parse(path, text, workspace)
    }

    /// Parses tools-file text; `path` names it in errors and anchors its relative paths.
    pub fn parse(path: &Path, text: String, workspace: Option<&Path>) -> Result<ToolsFile, ToolsFileError> {
        let raw: RawFile = toml::from_str(&text).map_err(|error| {
            let (line, column) = error.span().map(|span| line_column(&text, span.start)).unzip();
            ToolsFileError::Syntax {
                path: path.to_owned(),
                line,
                column,
                message: error.message().trim_end().to_owned(),
            }
        })?;
        // Absolute, so that an error about a missing component names the file it looked for.
        let base = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let base = std::path::absolute(base).unwrap_or_else(|_| base.to_owned());
        let workspace = match (workspace, raw.workspace) {
            (Some(workspace), _) => workspace.to_owned(),
            (None, Some(workspace)) => base.join(workspace),
            (None, None) => base.to_owned(),
        };

        let mut file = ToolsFile { path: path.to_owned(), workspace, tools: Vec::new(), text };
        if raw.tool.is_empty() {
            return Err(ToolsFileError::NoTools { path: path.to_owned() });
        }
        for entry in raw.tool {
            let span = entry.span();
            let raw = entry.into_inner();
            let spec = ToolSpec {
                name: raw.name,
                title: raw.title,
                description: raw.description,
                component: base.join(raw.component),
                policy: raw.policy.map(|policy| base.join(policy)),
                function: raw.function,
                args: raw.args,
                stdin: raw.stdin,
                params: raw.params,
                success_codes: raw.success_codes,
                descriptions: raw.descriptions,
                span,
            };
            file.check_name(&spec)?;
            file.tools.push(spec);
        }
        Ok(file)
    }

    fn check_name(&self, spec: &ToolSpec) -> Result<(), ToolsFileError> {
        let valid = !spec.name.is_empty()
            && spec.name.len() <= MAX_NAME_LEN
            && spec.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !valid {
            return Err(self.invalid(
                spec,
                format!("tool name `{}` is not a valid MCP tool name", spec.name),
                "use 1 to 128 ASCII letters, digits, `_`, `-` or `.`",
            ));
        }
        if self.tools.iter().any(|tool| tool.name == spec.name) {
            return Err(self.invalid(
                spec,
                format!("tool `{}` is listed twice", spec.name),
                "give each tool its own name",
            ));
        }
        Ok(())
    }

    /// Returns `FILE:LINE:COLUMN` of one tool entry, for errors about it.
    pub(crate) fn location(&self, spec: &ToolSpec) -> String {
        let (line, column) = line_column(&self.text, spec.span.start);
        format!("{}:{line}:{column}", self.path.display())
    }

    /// Builds the error for a problem with one tool entry, located at the entry.
    pub(crate) fn invalid(&self, spec: &ToolSpec, message: String, fix: &str) -> ToolsFileError {
        let (line, column) = line_column(&self.text, spec.span.start);
        ToolsFileError::Invalid { path: self.path.clone(), line, column, message, fix: fix.to_owned() }
    }
}

/// Converts a byte offset into a 1-based line and a 1-based column counted in characters.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ToolsFile, ToolsFileError> {
        ToolsFile::parse(Path::new("conf/tools.toml"), text.to_owned(), None)
    }

    const GREP: &str = r#"
[[tool]]
name = "grep"
description = "Search"
component = "grep.wasm"
policy = "p.toml"
args = ["-rn", "{pattern}"]
[tool.params.pattern]
type = "string"
"#;

    #[test]
    fn paths_resolve_against_file_folder() {
        let file = parse(GREP).unwrap();
        assert_eq!(file.tools[0].component, std::path::absolute("conf/grep.wasm").unwrap());
    }

    #[test]
    fn workspace_defaults_to_file_folder() {
        assert_eq!(parse(GREP).unwrap().workspace, std::path::absolute("conf").unwrap());
    }

    #[test]
    fn workspace_argument_overrides_file() {
        let file = ToolsFile::parse(Path::new("conf/tools.toml"), GREP.to_owned(), Some(Path::new("/w"))).unwrap();
        assert_eq!(file.workspace, Path::new("/w"));
    }

    #[test]
    fn unknown_key_names_line() {
        let error = parse(&format!("{GREP}colour = \"red\"\n")).unwrap_err().to_string();
        assert!(error.starts_with("conf/tools.toml:"), "{error}");
        assert!(error.contains("colour"), "{error}");
    }

    #[test]
    fn duplicate_tool_name_refused() {
        let error = parse(&format!("{GREP}{GREP}")).unwrap_err().to_string();
        assert!(error.contains("listed twice"), "{error}");
    }

    #[test]
    fn name_with_space_refused() {
        let error = parse(&GREP.replace("name = \"grep\"", "name = \"my grep\"")).unwrap_err().to_string();
        assert!(error.contains("`my grep` is not a valid MCP tool name"), "{error}");
    }

    #[test]
    fn empty_file_refused() {
        assert!(matches!(parse("").unwrap_err(), ToolsFileError::NoTools { .. }));
    }

    #[test]
    fn unknown_param_type_refused() {
        let error = parse(&GREP.replace("type = \"string\"", "type = \"text\"")).unwrap_err().to_string();
        assert!(error.contains("text"), "{error}");
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\nçd", 5), (2, 2));
    }
}
