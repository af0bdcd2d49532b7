//! JSON schemas and values for Cordon's typed tools.
//!
//! A typed tool is a component that exports functions, and this crate maps their component-model types onto JSON.
//! It derives a JSON Schema (draft 2020-12) for each function's arguments and structured result. It converts JSON
//! arguments to [`Val`]s, with errors that name the offending argument, and converts the returned values back to
//! JSON. Running the call is left to [`cordon_runtime`], and speaking a protocol such as MCP to the caller.
//!
//! ```no_run
//! use std::path::Path;
//! use cordon_policy::Policy;
//! use cordon_runtime::{Call, Runtime, RuntimeConfig};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = Runtime::new(RuntimeConfig::default())?;
//! let tool = runtime.load_tool(Path::new("search.wasm"))?;
//! let function = tool.function("search").ok_or("no function called search")?;
//! println!("{}", serde_json::Value::Object(cordon_schema::input_schema(function)?));
//!
//! let arguments = serde_json::json!({ "query": { "text": "fuel", "mode": "literal" } });
//! let params = cordon_schema::params_from_json(function, arguments.as_object().ok_or("not an object")?)?;
//! let outcome = runtime.run(&tool, &Policy::deny_all(), Call::new().invoke("search", params)).await?;
//! match cordon_schema::results_to_json(function, &outcome.results) {
//!     Ok(result) => println!("{result}"),
//!     Err(error) => eprintln!("the tool reported an error: {error}"),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # The mapping
//!
//! | WIT type | JSON value | JSON Schema |
//! | --- | --- | --- |
//! | `bool` | boolean | `{"type": "boolean"}` |
//! | `s8` … `u64` | integer in the type's range | `{"type": "integer", "minimum": …, "maximum": …}` |
//! | `f32`, `f64` | number, and `null` for a result that is NaN or infinite | `{"type": "number"}` |
//! | `char` | string of one Unicode scalar value | `{"type": "string", "minLength": 1, "maxLength": 1}` |
//! | `string` | string | `{"type": "string"}` |
//! | `list<T>` | array | `{"type": "array", "items": T}` |
//! | `list<T, N>` | array of N items | as `list<T>`, with `"minItems"` and `"maxItems"` N |
//! | `tuple<A, B, …>` | array, one item per element | `{"type": "array", "prefixItems": [A, B, …]}`, with `"minItems"` and `"maxItems"` |
//! | `record` | object keyed by the field names as WIT spells them | `"properties"`, `"required"` (the fields that are not options), `"additionalProperties": false` |
//! | `option<T>` as a record field or parameter | the value, `null` or absent, and left out of results when `none` | `{"anyOf": [T, {"type": "null"}]}`, not required |
//! | `option<T>` elsewhere | the value, or `null` | `{"anyOf": [T, {"type": "null"}]}` |
//! | `enum` | string: the case name | `{"type": "string", "enum": [...]}` |
//! | `flags` | array of distinct flag names | `{"type": "array", "items": {"type": "string", "enum": [...]}, "uniqueItems": true}` |
//! | `variant` | the case name for a case without payload, else `{"case": payload}` | `{"oneOf": [...]}`: one string schema of the cases without payload, one object schema per case with one |
//! | `result<T, E>` | `{"ok": value}` or `{"err": value}`, `null` for a side without payload | `{"oneOf": [...]}` of the two objects |
//! | `map<string, V>` | object | `{"type": "object", "additionalProperties": V}` |
//! | `map<K, V>`, other keys | array of `[key, value]` pairs | an array of two-item arrays |
//!
//! Integers also accept a JSON number with a zero fractional part, such as `3.0`, as JSON Schema's `integer` does.
//! No schema carries a `"description"`, because WIT doc comments do not survive into the compiled component.
//!
//! Resources, futures, streams and error-contexts have no JSON form, and neither does an option directly inside an
//! option, whose `none` and `some(none)` would both be `null`. A function that uses one gets a [`SchemaError`].
//!
//! # The structured result
//!
//! A function's result is always an object. A record is its own object. Any other type `T` is wrapped as
//! `{"value": T}`. A function returning `result<T, E>` has `T` as its structured result, and its `err` payload is
//! returned apart, as the tool's error.

mod describe;
mod error;
mod from_json;
mod path;
mod schema;
mod to_json;

#[cfg(test)]
mod test_components;

use cordon_runtime::types::Type;
use cordon_runtime::{Function, Val};
use serde_json::{Map, Value};

pub use error::{ArgumentError, SchemaError, UnsupportedType};

/// The key under which a structured result contains a value that is not a record.
const VALUE_KEY: &str = "value";

/// Builds the JSON Schema (draft 2020-12) of the function's arguments object: one property per parameter, named as
/// in WIT, required unless its type is an option, and no other properties allowed.
///
/// # Errors
///
/// A [`SchemaError`] when a parameter's type, or a type nested inside it, has no JSON form.
pub fn input_schema(function: &Function) -> Result<Map<String, Value>, SchemaError> {
    schema::input_schema(&Signature::of(function))
}

/// Builds the JSON Schema of the function's structured result, or returns `None` for a function without results.
///
/// The schema always describes an object: a record's own schema, or `{"type": "object", "properties": {"value":
/// T}, "required": ["value"], "additionalProperties": false}` for any other type `T`. For `result<T, E>` it
/// describes `T`, and an empty object when `T` is absent.
///
/// # Errors
///
/// A [`SchemaError`] when the result type, including the error type of a `result`, has no JSON form.
pub fn output_schema(function: &Function) -> Result<Option<Map<String, Value>>, SchemaError> {
    schema::output_schema(&Signature::of(function))
}

/// Checks the arguments object against the function's parameter types and converts it to component values, in
/// parameter order, ready for [`Call::invoke`](cordon_runtime::Call::invoke).
///
/// A parameter or record field whose type is an option may be absent or `null`, and becomes `none`.
///
/// # Errors
///
/// An [`ArgumentError`] naming the first argument that does not fit. Among the causes are an unknown key in the
/// arguments object or in a record, a missing parameter or field, and a value of the wrong JSON type. So are an
/// integer out of its type's range or with a fractional part, a number beyond `f32`'s range, and a string that is
/// not one of an enum's cases.
pub fn params_from_json(function: &Function, arguments: &Map<String, Value>) -> Result<Vec<Val>, ArgumentError> {
    from_json::params_from_json(&Signature::of(function), arguments)
}

/// Converts what a call of the function returned.
///
/// `Ok` contains the structured result, shaped as [`output_schema`] describes it, and `{}` for a function without
/// results. `Err` contains the JSON of the `err` payload when the function returns `result<_, E>` and returned an
/// `err`, or `null` for an `err` without payload. An empty `results`, as a call that failed leaves, also gives
/// `Ok({})`.
pub fn results_to_json(function: &Function, results: &[Val]) -> Result<Value, Value> {
    to_json::results_to_json(&Signature::of(function), results)
}

/// A function's name and types, the part of a [`Function`] the conversions read.
struct Signature<'a> {
    name: &'a str,
    params: Vec<(&'a str, Type)>,
    /// The component model allows at most one result.
    result: Option<Type>,
}

impl<'a> Signature<'a> {
    fn of(function: &'a Function) -> Self {
        Signature { name: function.name(), params: function.params().collect(), result: function.results().next() }
    }
}

#[cfg(test)]
mod tests {
    use cordon_policy::Policy;
    use cordon_runtime::{Call, Status};
    use serde_json::json;

    use super::*;
    use crate::test_components::{runtime, typed, typed_tool};

    /// Calls a function of the typed component with JSON arguments, and converts what it returned.
    async fn call(name: &str, arguments: Value) -> Result<Value, Value> {
        let function = typed(name);
        let params = params_from_json(function, arguments.as_object().unwrap()).expect("the arguments convert");
        let outcome = runtime()
            .run(typed_tool(), &Policy::deny_all(), Call::new().invoke(name, params))
            .await
            .expect("the call runs");
        assert_eq!(outcome.status, Status::Success);
        results_to_json(function, &outcome.results)
    }

    #[tokio::test]
    async fn numeric_call_converts_both_ways() {
        assert_eq!(call("add", json!({ "a": 2, "b": 40 })).await, Ok(json!({ "value": 42 })));
    }

    #[tokio::test]
    async fn numeric_call_wraps_like_guest() {
        // u32 addition wraps in the guest, and the result must come back as the guest computed it.
        assert_eq!(call("add", json!({ "a": u32::MAX, "b": 2 })).await, Ok(json!({ "value": 1 })));
    }

    #[tokio::test]
    async fn string_call_converts_both_ways() {
        let name = "wörld 🦀";
        assert_eq!(call("greet", json!({ "name": name })).await, Ok(json!({ "value": name })));
    }

    #[test]
    fn every_typed_function_has_schemas() {
        for function in typed_tool().functions() {
            assert!(input_schema(function).is_ok(), "{}", function.name());
            assert!(output_schema(function).is_ok(), "{}", function.name());
        }
    }
}
