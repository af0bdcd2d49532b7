//! Command tools: the JSON schema of their parameters, from the tools file, and the rendering of a call's JSON
//! arguments into an argument list and standard input.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::error::ToolsFileError;
use crate::tools_file::{ParamSpec, ParamType, ToolSpec, ToolsFile};

/// The template that turns one command tool's JSON arguments into a command line.
#[derive(Debug, Clone)]
pub(crate) struct CommandShape {
    args: Vec<Vec<Segment>>,
    stdin: Option<String>,
    params: BTreeMap<String, ParamSpec>,
}

/// A piece of one element of the argument list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

/// The arguments and standard input a call passes to a command tool.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct CommandLine {
    pub(crate) args: Vec<String>,
    pub(crate) stdin: Option<String>,
}

/// Arguments that do not fit a tool's parameters. The message names the parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct InvalidArguments(pub(crate) String);

impl CommandShape {
    /// Checks a command tool's entry and builds its shape.
    pub(crate) fn new(file: &ToolsFile, spec: &ToolSpec) -> Result<CommandShape, ToolsFileError> {
        let invalid = |message: String, fix: &str| -> ToolsFileError { file.invalid(spec, message, fix) };
        let template = spec.args.clone().unwrap_or_default();
        let mut args = Vec::with_capacity(template.len());
        for element in &template {
            let segments = parse_element(element).map_err(|message| {
                invalid(
                    format!("tool `{}`: argument {element:?} {message}", spec.name),
                    "write `{name}` for a parameter, `{{` and `}}` for braces",
                )
            })?;
            args.push(segments);
        }

        for (name, param) in &spec.params {
            check_param(name, param).map_err(|(message, fix)| {
                invalid(format!("tool `{}`: parameter `{name}` {message}", spec.name), &fix)
            })?;
        }
        for segments in &args {
            let whole = segments.len() == 1;
            for segment in segments {
                let Segment::Param(name) = segment else {
                    continue;
                };
                let Some(param) = spec.params.get(name) else {
                    return Err(invalid(
                        format!("tool `{}`: argument placeholder `{{{name}}}` names no parameter", spec.name),
                        &format!("add [tool.params.{name}] or fix the placeholder"),
                    ));
                };
                if !whole && (param.ty == ParamType::Array || param.flag.is_some()) {
                    return Err(invalid(
                        format!(
                            "tool `{}`: parameter `{name}` expands to several arguments or a flag, so it must be a whole argument",
                            spec.name
                        ),
                        &format!("write \"{{{name}}}\" as an element of its own"),
                    ));
                }
            }
        }
        if let Some(stdin) = &spec.stdin {
            match spec.params.get(stdin) {
                Some(param) if param.ty == ParamType::String => {}
                Some(_) => {
                    return Err(invalid(
                        format!("tool `{}`: stdin parameter `{stdin}` is not a string", spec.name),
                        "give it type = \"string\"",
                    ));
                }
                None => {
                    return Err(invalid(
                        format!("tool `{}`: stdin = {stdin:?} names no parameter", spec.name),
                        &format!("add [tool.params.{stdin}] with type = \"string\""),
                    ));
                }
            }
        }
        for name in spec.params.keys() {
            let used = spec.stdin.as_deref() == Some(name.as_str())
                || args.iter().flatten().any(|segment| *segment == Segment::Param(name.clone()));
            if !used {
                return Err(invalid(
                    format!("tool `{}`: parameter `{name}` is used neither in args nor as stdin", spec.name),
                    &format!("add \"{{{name}}}\" to args, or remove the parameter"),
                ));
            }
        }
        Ok(CommandShape { args, stdin: spec.stdin.clone(), params: spec.params.clone() })
    }

    /// Returns the JSON Schema of the arguments object.
    pub(crate) fn input_schema(&self) -> Map<String, Value> {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (name, param) in &self.params {
            let mut schema = Map::new();
            schema.insert("type".into(), json!(param.ty.json_type()));
            if param.ty == ParamType::Array {
                schema.insert("items".into(), json!({ "type": "string" }));
            }
            if let Some(description) = &param.description {
                schema.insert("description".into(), json!(description));
            }
            if let Some(choices) = &param.choices {
                schema.insert("enum".into(), json!(choices));
            }
            if let Some(default) = &param.default {
                schema.insert("default".into(), toml_to_json(default));
            }
            if is_required(param) {
                required.push(json!(name));
            }
            properties.insert(name.clone(), Value::Object(schema));
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        schema.insert("required".into(), Value::Array(required));
        schema.insert("additionalProperties".into(), json!(false));
        schema
    }

    /// Checks a call's arguments against the parameters and renders the command line.
    pub(crate) fn render(&self, arguments: &Map<String, Value>) -> Result<CommandLine, InvalidArguments> {
        if let Some(unknown) = arguments.keys().find(|key| !self.params.contains_key(*key)) {
            let known: Vec<&str> = self.params.keys().map(String::as_str).collect();
            return Err(InvalidArguments(format!(
                "{unknown}: unknown argument (expected one of: {})",
                known.join(", ")
            )));
        }
        let mut values = BTreeMap::new();
        for (name, param) in &self.params {
            let value = match arguments.get(name).filter(|value| !value.is_null()) {
                Some(value) => value.clone(),
                None => match &param.default {
                    Some(default) => toml_to_json(default),
                    None if is_required(param) => {
                        return Err(InvalidArguments(format!("{name}: missing required argument")));
                    }
                    None => continue,
                },
            };
            check_value(name, param, &value)?;
            values.insert(name.as_str(), value);
        }

        let mut args = Vec::new();
        for segments in &self.args {
            if let [Segment::Param(name)] = segments.as_slice() {
                let Some(value) = values.get(name.as_str()) else {
                    continue;
                };
                let param = &self.params[name];
                match (value, &param.flag) {
                    (Value::Array(items), _) => args.extend(items.iter().map(scalar_text)),
                    (Value::Bool(true), Some(flag)) => args.push(flag.clone()),
                    (Value::Bool(false), Some(_)) => {}
                    (value, _) => args.push(scalar_text(value)),
                }
                continue;
            }
            let mut rendered = String::new();
            let mut complete = true;
            for segment in segments {
                match segment {
                    Segment::Literal(text) => rendered.push_str(text),
                    Segment::Param(name) => match values.get(name.as_str()) {
                        Some(value) => rendered.push_str(&scalar_text(value)),
                        None => complete = false,
                    },
                }
            }
            if complete {
                args.push(rendered);
            }
        }
        let stdin = self.stdin.as_ref().and_then(|name| values.get(name.as_str())).map(scalar_text);
        Ok(CommandLine { args, stdin })
    }
}

fn is_required(param: &ParamSpec) -> bool {
    param.default.is_none() && param.required.unwrap_or(true)
}

/// Splits one argument-list element into literal text and `{name}` placeholders.
fn parse_element(element: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut literal = String::new();
    let mut chars = element.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                if name.is_empty() || name.contains('{') {
                    return Err("has an empty or unclosed placeholder".to_owned());
                }
                if !literal.is_empty() {
                    segments.push(Segment::Literal(std::mem::take(&mut literal)));
                }
                segments.push(Segment::Param(name));
            }
            '}' => return Err("has a `}` without its `{`".to_owned()),
            c => literal.push(c),
        }
    }
    if !literal.is_empty() || segments.is_empty() {
        segments.push(Segment::Literal(literal));
    }
    Ok(segments)
}

/// Checks a parameter's own settings. The error is a message and a fix.
fn check_param(name: &str, param: &ParamSpec) -> Result<(), (String, String)> {
    if param.required == Some(true) && param.default.is_some() {
        return Err(("is required and has a default".into(), "remove `required = true` or the default".into()));
    }
    if param.flag.is_some() && param.ty != ParamType::Boolean {
        return Err(("has a flag but is not a boolean".into(), "remove `flag`, or make it type = \"boolean\"".into()));
    }
    if param.choices.is_some() && param.ty != ParamType::String {
        return Err(("has an enum but is not a string".into(), "remove `enum`, or make it type = \"string\"".into()));
    }
    if let Some(default) = &param.default {
        check_value(name, param, &toml_to_json(default)).map_err(|InvalidArguments(message)| {
            (format!("has an invalid default: {message}"), "make the default match the type".into())
        })?;
    }
    Ok(())
}

/// Checks one value against its parameter's type and choices.
fn check_value(name: &str, param: &ParamSpec, value: &Value) -> Result<(), InvalidArguments> {
    let fits = match param.ty {
        ParamType::String => value.is_string(),
        ParamType::Integer => value.is_i64() || value.is_u64(),
        ParamType::Number => value.is_number(),
        ParamType::Boolean => value.is_boolean(),
        ParamType::Array => value.as_array().is_some_and(|items| items.iter().all(Value::is_string)),
    };
    if !fits {
        let expected = match param.ty {
            ParamType::Array => "an array of strings",
            ParamType::Integer => "an integer",
            ParamType::Number => "a number",
            ParamType::Boolean => "a boolean",
            ParamType::String => "a string",
        };
        return Err(InvalidArguments(format!("{name}: expected {expected}, got {}", describe(value))));
    }
    if let (Some(choices), Some(text)) = (&param.choices, value.as_str())
        && !choices.iter().any(|choice| choice == text)
    {
        let quoted: Vec<String> = choices.iter().map(|choice| format!("{choice:?}")).collect();
        return Err(InvalidArguments(format!("{name}: expected one of {}, got {text:?}", quoted.join(", "))));
    }
    Ok(())
}

/// Names a JSON value's type and shows short values, for error messages.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(flag) => format!("boolean {flag}"),
        Value::Number(number) => format!("number {number}"),
        Value::String(text) if text.chars().count() <= 40 => format!("string {text:?}"),
        Value::String(_) => "a long string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn toml_to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(text) => json!(text),
        toml::Value::Integer(number) => json!(number),
        toml::Value::Float(number) => json!(number),
        toml::Value::Boolean(flag) => json!(flag),
        toml::Value::Datetime(datetime) => json!(datetime.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => {
            Value::Object(table.iter().map(|(key, value)| (key.clone(), toml_to_json(value))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn shape(extra: &str) -> Result<CommandShape, ToolsFileError> {
        let text = format!(
            r#"
[[tool]]
name = "grep"
description = "Search"
component = "grep.wasm"
{extra}
"#
        );
        let file = ToolsFile::parse(Path::new("tools.toml"), text, None)?;
        CommandShape::new(&file, &file.tools[0])
    }

    fn grep() -> CommandShape {
        shape(
            r#"args = ["-rn", "{ignore_case}", "--max={max}", "{pattern}", "{paths}"]
[tool.params.pattern]
type = "string"
[tool.params.paths]
type = "array"
default = ["."]
[tool.params.ignore_case]
type = "boolean"
flag = "-i"
default = false
[tool.params.max]
type = "integer"
required = false"#,
        )
        .unwrap()
    }

    fn arguments(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn defaults_fill_absent_arguments() {
        let line = grep().render(&arguments(json!({ "pattern": "fuel" }))).unwrap();
        assert_eq!(line.args, ["-rn", "fuel", "."]);
    }

    #[test]
    fn flag_and_inline_value_rendered() {
        let line = grep().render(&arguments(json!({ "pattern": "x", "ignore_case": true, "max": 3 }))).unwrap();
        assert_eq!(line.args, ["-rn", "-i", "--max=3", "x", "."]);
    }

    #[test]
    fn array_expands_to_several_arguments() {
        let line = grep().render(&arguments(json!({ "pattern": "x", "paths": ["a", "b"] }))).unwrap();
        assert_eq!(line.args, ["-rn", "x", "a", "b"]);
    }

    #[test]
    fn missing_required_argument_named() {
        let error = grep().render(&Map::new()).unwrap_err();
        assert_eq!(error.0, "pattern: missing required argument");
    }

    #[test]
    fn wrong_type_names_parameter() {
        let error = grep().render(&arguments(json!({ "pattern": 5 }))).unwrap_err();
        assert_eq!(error.0, "pattern: expected a string, got number 5");
    }

    #[test]
    fn unknown_argument_refused() {
        let error = grep().render(&arguments(json!({ "pattern": "x", "colour": "red" }))).unwrap_err();
        assert!(error.0.starts_with("colour: unknown argument"), "{}", error.0);
    }

    #[test]
    fn schema_requires_only_required() {
        let schema = grep().input_schema();
        assert_eq!(schema["required"], json!(["pattern"]));
    }

    #[test]
    fn enum_choice_enforced() {
        let shape = shape(
            r#"args = ["{mode}"]
[tool.params.mode]
type = "string"
enum = ["fast", "slow"]"#,
        )
        .unwrap();
        let error = shape.render(&arguments(json!({ "mode": "medium" }))).unwrap_err();
        assert_eq!(error.0, r#"mode: expected one of "fast", "slow", got "medium""#);
    }

    #[test]
    fn stdin_parameter_becomes_input() {
        let shape = shape(
            r#"stdin = "text"
[tool.params.text]
type = "string""#,
        )
        .unwrap();
        let line = shape.render(&arguments(json!({ "text": "a\nb" }))).unwrap();
        assert_eq!(line.stdin.as_deref(), Some("a\nb"));
    }

    #[test]
    fn undeclared_placeholder_refused() {
        let error = shape(r#"args = ["{nothing}"]"#).unwrap_err().to_string();
        assert!(error.contains("`{nothing}` names no parameter"), "{error}");
    }

    #[test]
    fn unused_parameter_refused() {
        let error = shape("args = []\n[tool.params.lost]\ntype = \"string\"").unwrap_err().to_string();
        assert!(error.contains("`lost` is used neither"), "{error}");
    }

    #[test]
    fn default_of_wrong_type_refused() {
        let error =
            shape("args = [\"{n}\"]\n[tool.params.n]\ntype = \"integer\"\ndefault = \"ten\"").unwrap_err().to_string();
        assert!(error.contains("invalid default"), "{error}");
    }

    #[test]
    fn inline_array_refused() {
        let error = shape("args = [\"--p={p}\"]\n[tool.params.p]\ntype = \"array\"").unwrap_err().to_string();
        assert!(error.contains("must be a whole argument"), "{error}");
    }

    #[test]
    fn doubled_braces_are_literal() {
        assert_eq!(parse_element("{{x}}").unwrap(), [Segment::Literal("{x}".into())]);
    }
}
