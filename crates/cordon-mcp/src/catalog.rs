//! The catalog: every tool of a tools file, loaded once, with its policy and the listing MCP clients see.

use std::sync::Arc;

use cordon_policy::{Access, Policy};
use cordon_runtime::{Function, Runtime, Tool, ToolKind};
use rmcp::model::{Tool as Listing, ToolAnnotations};
use serde_json::{Map, Value};

use crate::command::CommandShape;
use crate::error::ToolsFileError;
use crate::tools_file::{ToolSpec, ToolsFile};

/// The tools a server offers, in tools-file order.
pub struct Catalog {
    entries: Vec<Arc<Entry>>,
}

/// One tool, ready for calls.
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) tool: Tool,
    pub(crate) policy: Arc<Policy>,
    pub(crate) shape: Shape,
    pub(crate) listing: Listing,
}

/// The way a tool takes its arguments.
pub(crate) enum Shape {
    /// A typed tool: one exported function, with arguments converted from JSON by its WIT types.
    Typed(Function),
    /// A command tool: arguments rendered into a command line by the tools file's template, and the exit
    /// statuses besides 0 that count as success.
    Command(CommandShape, Vec<i32>),
}

impl Catalog {
    /// Loads every tool of `file`: compiles or reads each component from the cache, loads its policy against the
    /// file's workspace, and derives its input schema. `prepare` adjusts each policy after loading, for example to
    /// fill in the addresses of running emulators.
    ///
    /// # Errors
    ///
    /// Returns the first tool that cannot be loaded, with its name and the cause. Causes are a missing or invalid
    /// component, an invalid policy, a missing function or one whose types JSON cannot carry, and command
    /// parameters that do not fit the argument list.
    pub fn load(runtime: &Runtime, file: &ToolsFile, prepare: &dyn Fn(&mut Policy)) -> Result<Catalog, ToolsFileError> {
        if !file.workspace.is_dir() {
            return Err(ToolsFileError::Workspace { path: file.path.clone(), workspace: file.workspace.clone() });
        }
        let mut entries = Vec::with_capacity(file.tools.len());
        for spec in &file.tools {
            entries.push(Arc::new(load_entry(runtime, file, spec, prepare)?));
        }
        Ok(Catalog { entries })
    }

    /// Returns the listing of every tool, as sent in reply to `tools/list`.
    pub fn listings(&self) -> Vec<Listing> {
        self.entries.iter().map(|entry| entry.listing.clone()).collect()
    }

    /// Returns the number of tools.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Returns whether the catalog has no tools.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Arc<Entry>> {
        self.entries.iter().find(|entry| entry.name == name)
    }

    pub(crate) fn names(&self) -> String {
        let names: Vec<&str> = self.entries.iter().map(|entry| entry.name.as_str()).collect();
        names.join(", ")
    }
}

fn load_entry(
    runtime: &Runtime,
    file: &ToolsFile,
    spec: &ToolSpec,
    prepare: &dyn Fn(&mut Policy),
) -> Result<Entry, ToolsFileError> {
    let tool = runtime.load_tool(&spec.component).map_err(|source| ToolsFileError::Component {
        location: file.location(spec),
        tool: spec.name.clone(),
        source,
    })?;
    let mut policy = match &spec.policy {
        Some(path) => Policy::load(path, &file.workspace).map_err(|source| ToolsFileError::Policy {
            location: file.location(spec),
            tool: spec.name.clone(),
            source,
        })?,
        None => Policy::deny_all(),
    };
    prepare(&mut policy);

    let (shape, input_schema, output_schema) = match tool.kind() {
        ToolKind::Typed => {
            let function = typed_function(file, spec, &tool)?;
            let schema_error = |error: cordon_schema::SchemaError| {
                file.invalid(
                    spec,
                    format!("tool `{}`: {error}", spec.name),
                    "export a function whose types are all listed in wit/cordon-tool/tool.wit",
                )
            };
            let mut input = cordon_schema::input_schema(&function).map_err(schema_error)?;
            let mut output = cordon_schema::output_schema(&function).map_err(schema_error)?;
            for (path, text) in &spec.descriptions {
                let schema = match path.strip_prefix("result.") {
                    Some(rest) => output.as_mut().map(|output| (output, rest)),
                    None => Some((&mut input, path.as_str())),
                };
                let described = schema.is_some_and(|(schema, path)| describe(schema, path, text));
                if !described {
                    return Err(file.invalid(
                        spec,
                        format!("tool `{}`: descriptions key {path:?} names no parameter or field", spec.name),
                        "use a dotted path of WIT names such as \"query.pattern\", or \"result.hits\" for a result field",
                    ));
                }
            }
            (Shape::Typed(function), input, output)
        }
        ToolKind::Command => {
            if !spec.descriptions.is_empty() {
                return Err(file.invalid(
                    spec,
                    format!(
                        "tool `{}` is a command component, so [tool.descriptions] has nothing to describe",
                        spec.name
                    ),
                    "give each parameter a description in its [tool.params.NAME] table instead",
                ));
            }
            if let Some(function) = &spec.function {
                return Err(file.invalid(
                    spec,
                    format!("tool `{}` is a command component, so it has no function `{function}`", spec.name),
                    "remove `function`, and describe its arguments with `args` and [tool.params]",
                ));
            }
            let shape = CommandShape::new(file, spec)?;
            let input = shape.input_schema();
            (Shape::Command(shape, spec.success_codes.clone()), input, None)
        }
    };

    let mut listing = Listing::new(spec.name.clone(), spec.description.clone(), input_schema)
        .with_annotations(annotations(spec, &policy));
    if let Some(title) = &spec.title {
        listing = listing.with_title(title.clone());
    }
    if let Some(output) = output_schema {
        listing = listing.with_raw_output_schema(Arc::new(output));
    }
    tracing::info!(tool = %spec.name, kind = ?tool.kind(), component = %spec.component.display(), policy = %policy.origin, "tool loaded");
    Ok(Entry { name: spec.name.clone(), tool, policy: Arc::new(policy), shape, listing })
}

/// Picks the typed tool's function: the one the entry names, or the only one the component exports.
fn typed_function(file: &ToolsFile, spec: &ToolSpec, tool: &Tool) -> Result<Function, ToolsFileError> {
    if spec.args.is_some() || spec.stdin.is_some() || !spec.params.is_empty() || !spec.success_codes.is_empty() {
        return Err(file.invalid(
            spec,
            format!("tool `{}` is a typed component; its parameters come from its WIT types", spec.name),
            "remove `args`, `stdin`, `success_codes` and [tool.params] from this entry",
        ));
    }
    let names = || tool.functions().iter().map(|function| function.name().to_owned()).collect::<Vec<_>>().join(", ");
    match &spec.function {
        Some(name) => tool.function(name).cloned().ok_or_else(|| {
            file.invalid(
                spec,
                format!("tool `{}`: the component exports no function `{name}`", spec.name),
                &format!("set `function` to one of: {}", names()),
            )
        }),
        None => match tool.functions() {
            [only] => Ok(only.clone()),
            _ => Err(file.invalid(
                spec,
                format!("tool `{}`: the component exports several functions", spec.name),
                &format!("set `function` to one of: {}", names()),
            )),
        },
    }
}

/// Sets the description of the property at `path` (names separated by dots) in an object schema, looking through
/// options and lists on the way. Returns whether the path named a property.
fn describe(schema: &mut Map<String, Value>, path: &str, text: &str) -> bool {
    let mut current = schema;
    let mut names = path.split('.').peekable();
    while let Some(name) = names.next() {
        let Some(property) = current.get_mut("properties").and_then(Value::as_object_mut).and_then(|p| p.get_mut(name))
        else {
            return false;
        };
        let Some(property) = property.as_object_mut() else { return false };
        if names.peek().is_none() {
            property.insert("description".into(), Value::String(text.to_owned()));
            return true;
        }
        match object_inside(property) {
            Some(object) => current = object,
            None => return false,
        }
    }
    false
}

/// Finds the object schema a property's value is made of: the property itself, the non-null side of an option, or
/// the items of a list, at any depth.
fn object_inside(schema: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    if schema.contains_key("properties") {
        return Some(schema);
    }
    if schema.contains_key("items") {
        return schema.get_mut("items").and_then(Value::as_object_mut).and_then(object_inside);
    }
    let branches = schema.get_mut("anyOf")?.as_array_mut()?;
    branches.iter_mut().filter_map(Value::as_object_mut).find_map(object_inside)
}

/// Describes what the policy lets the tool do, as MCP's hints. It is read-only when it can change nothing that
/// outlives the call (its scratch directory is removed afterwards), and open-world when it may reach an emulator.
fn annotations(spec: &ToolSpec, policy: &Policy) -> ToolAnnotations {
    let reaches_out = !policy.network.routes.is_empty();
    let writes = reaches_out || policy.mounts.iter().any(|mount| mount.access == Access::ReadWrite);
    let mut annotations = ToolAnnotations::new().read_only(!writes).open_world(reaches_out);
    if let Some(title) = &spec.title {
        annotations.title = Some(title.clone());
    }
    annotations
}

/// Returns an empty arguments object, for calls that give none.
pub(crate) fn no_arguments() -> Map<String, Value> {
    Map::new()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Map<String, Value> {
        let value = json!({
            "type": "object",
            "properties": {
                "query": {
                    "type": "object",
                    "properties": {
                        "pattern": { "type": "string" },
                        "scope": { "anyOf": [
                            { "type": "array", "items": { "type": "object", "properties": { "path": { "type": "string" } } } },
                            { "type": "null" }
                        ] }
                    }
                }
            }
        });
        value.as_object().unwrap().clone()
    }

    #[test]
    fn description_set_on_nested_field() {
        let mut schema = schema();
        assert!(describe(&mut schema, "query.pattern", "Text to find"));
        assert_eq!(schema["properties"]["query"]["properties"]["pattern"]["description"], "Text to find");
    }

    #[test]
    fn description_looks_through_option_list() {
        let mut schema = schema();
        assert!(describe(&mut schema, "query.scope.path", "A directory"));
    }

    #[test]
    fn unknown_description_path_rejected() {
        assert!(!describe(&mut schema(), "query.patern", "typo"));
    }
}
