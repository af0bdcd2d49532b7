//! JSON Schemas (draft 2020-12) of a function's arguments object and of its structured result.
//!
//! Each schema is derived from the component-model types alone, following the mapping in the crate docs. Building
//! a schema also walks every type the function uses, so it is where a type with no JSON form is found and
//! reported.

use cordon_runtime::types::Type;
use serde_json::{Map, Value, json};

use crate::Signature;
use crate::error::{SchemaError, UnsupportedType};
use crate::path::Path;

/// A type with no JSON form, and where it sits.
struct Unsupported {
    path: String,
    kind: UnsupportedType,
}

/// Builds the schema of the arguments object: one property per parameter, required unless it is an option.
pub(crate) fn input_schema(signature: &Signature<'_>) -> Result<Map<String, Value>, SchemaError> {
    let root = Path::Root;
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, ty) in &signature.params {
        let path = root.key(name);
        let schema = type_schema(ty, &path).map_err(|unsupported| {
            SchemaError::new(signature.name, format!("parameter {}", unsupported.path), unsupported.kind)
        })?;
        properties.insert((*name).to_owned(), schema);
        if !matches!(ty, Type::Option(_)) {
            required.push(Value::from(*name));
        }
    }
    Ok(object_schema(properties, required))
}

/// Builds the schema of the structured result, or `None` for a function without results.
///
/// For `result<T, E>` the schema describes `T`, because an `err` becomes a tool error rather than a result. The
/// error type is still checked for a JSON form, since its payload is converted too.
pub(crate) fn output_schema(signature: &Signature<'_>) -> Result<Option<Map<String, Value>>, SchemaError> {
    let Some(result) = &signature.result else {
        return Ok(None);
    };
    let root = Path::Root;
    let path = root.key("result");
    let to_error = |unsupported: Unsupported| SchemaError::new(signature.name, unsupported.path, unsupported.kind);

    let schema = match result {
        Type::Result(result) => {
            if let Some(err) = result.err() {
                type_schema(&err, &path.key("err")).map_err(to_error)?;
            }
            match result.ok() {
                Some(ok) => structured_schema(&ok, &path.key("ok")).map_err(to_error)?,
                None => object_schema(Map::new(), Vec::new()),
            }
        }
        other => structured_schema(other, &path).map_err(to_error)?,
    };
    Ok(Some(schema))
}

/// Builds the object schema of a structured result: a record's own schema, or any other type under `value`.
fn structured_schema(ty: &Type, path: &Path<'_>) -> Result<Map<String, Value>, Unsupported> {
    let schema = type_schema(ty, path)?;
    if let (Type::Record(_), Value::Object(record)) = (ty, &schema) {
        return Ok(record.clone());
    }
    let mut properties = Map::new();
    properties.insert(crate::VALUE_KEY.to_owned(), schema);
    Ok(object_schema(properties, vec![Value::from(crate::VALUE_KEY)]))
}

/// Builds the schema of one type, or reports the first part of it that has no JSON form.
fn type_schema(ty: &Type, path: &Path<'_>) -> Result<Value, Unsupported> {
    let schema = match ty {
        Type::Bool => json!({ "type": "boolean" }),
        Type::S8 => integer_schema(i8::MIN, i8::MAX),
        Type::U8 => integer_schema(u8::MIN, u8::MAX),
        Type::S16 => integer_schema(i16::MIN, i16::MAX),
        Type::U16 => integer_schema(u16::MIN, u16::MAX),
        Type::S32 => integer_schema(i32::MIN, i32::MAX),
        Type::U32 => integer_schema(u32::MIN, u32::MAX),
        Type::S64 => integer_schema(i64::MIN, i64::MAX),
        Type::U64 => integer_schema(u64::MIN, u64::MAX),
        // NOTE: a result that is NaN or infinite converts to null, which this schema does not allow, so a client
        // that validates structured results against it rejects such a result.
        Type::Float32 | Type::Float64 => json!({ "type": "number" }),
        Type::Char => json!({ "type": "string", "minLength": 1, "maxLength": 1 }),
        Type::String => json!({ "type": "string" }),
        Type::List(list) => {
            let items = type_schema(&list.ty(), &path.suffix("[]"))?;
            json!({ "type": "array", "items": items })
        }
        Type::FixedLengthList(list) => {
            let items = type_schema(&list.ty(), &path.suffix("[]"))?;
            json!({ "type": "array", "items": items, "minItems": list.len(), "maxItems": list.len() })
        }
        Type::Tuple(tuple) => {
            let mut items = Vec::with_capacity(tuple.types().len());
            for (index, ty) in tuple.types().enumerate() {
                items.push(type_schema(&ty, &path.index(index))?);
            }
            let count = items.len();
            json!({ "type": "array", "prefixItems": items, "minItems": count, "maxItems": count })
        }
        Type::Record(record) => {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for field in record.fields() {
                let schema = type_schema(&field.ty, &path.key(field.name))?;
                properties.insert(field.name.to_owned(), schema);
                if !matches!(field.ty, Type::Option(_)) {
                    required.push(Value::from(field.name));
                }
            }
            Value::Object(object_schema(properties, required))
        }
        Type::Option(option) => {
            let inner = option.ty();
            if matches!(inner, Type::Option(_)) {
                return Err(unsupported(path, UnsupportedType::NestedOption));
            }
            let inner = type_schema(&inner, path)?;
            json!({ "anyOf": [inner, { "type": "null" }] })
        }
        Type::Enum(enumeration) => {
            let names: Vec<&str> = enumeration.names().collect();
            json!({ "type": "string", "enum": names })
        }
        Type::Flags(flags) => {
            let names: Vec<&str> = flags.names().collect();
            json!({ "type": "array", "items": { "type": "string", "enum": names }, "uniqueItems": true })
        }
        Type::Variant(variant) => {
            let mut bare = Vec::new();
            let mut with_payload = Vec::new();
            for case in variant.cases() {
                match &case.ty {
                    None => bare.push(Value::from(case.name)),
                    Some(payload) => {
                        let schema = type_schema(payload, &path.key(case.name))?;
                        with_payload.push(single_key_schema(case.name, schema));
                    }
                }
            }
            let mut alternatives = Vec::with_capacity(with_payload.len() + 1);
            if !bare.is_empty() {
                alternatives.push(json!({ "type": "string", "enum": bare }));
            }
            alternatives.extend(with_payload);
            json!({ "oneOf": alternatives })
        }
        Type::Result(result) => {
            let ok = match result.ok() {
                Some(ok) => type_schema(&ok, &path.key("ok"))?,
                None => json!({ "type": "null" }),
            };
            let err = match result.err() {
                Some(err) => type_schema(&err, &path.key("err"))?,
                None => json!({ "type": "null" }),
            };
            json!({ "oneOf": [single_key_schema("ok", ok), single_key_schema("err", err)] })
        }
        Type::Map(map) => {
            let key = map.key();
            let value = type_schema(&map.value(), &path.suffix("{value}"))?;
            if matches!(key, Type::String) {
                json!({ "type": "object", "additionalProperties": value })
            } else {
                let key = type_schema(&key, &path.suffix("{key}"))?;
                let pair = json!({ "type": "array", "prefixItems": [key, value], "minItems": 2, "maxItems": 2 });
                json!({ "type": "array", "items": pair })
            }
        }
        Type::Own(_) | Type::Borrow(_) => return Err(unsupported(path, UnsupportedType::Resource)),
        Type::Future(_) => return Err(unsupported(path, UnsupportedType::Future)),
        Type::Stream(_) => return Err(unsupported(path, UnsupportedType::Stream)),
        Type::ErrorContext => return Err(unsupported(path, UnsupportedType::ErrorContext)),
    };
    Ok(schema)
}

fn unsupported(path: &Path<'_>, kind: UnsupportedType) -> Unsupported {
    Unsupported { path: path.render(), kind }
}

fn integer_schema(minimum: impl Into<Value>, maximum: impl Into<Value>) -> Value {
    json!({ "type": "integer", "minimum": minimum.into(), "maximum": maximum.into() })
}

/// Builds the schema of a closed object: the given properties, the required ones listed, no others allowed.
fn object_schema(properties: Map<String, Value>, required: Vec<Value>) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("type".to_owned(), Value::from("object"));
    schema.insert("properties".to_owned(), Value::Object(properties));
    schema.insert("required".to_owned(), Value::Array(required));
    schema.insert("additionalProperties".to_owned(), Value::Bool(false));
    schema
}

/// Builds the schema of an object with exactly one key, as variant cases and results are written.
fn single_key_schema(key: &str, value: Value) -> Value {
    let mut properties = Map::new();
    properties.insert(key.to_owned(), value);
    Value::Object(object_schema(properties, vec![Value::from(key)]))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::test_components::{extended, typed, with_nested_options, with_resources};

    fn input(name: &str) -> Value {
        Value::Object(crate::input_schema(typed(name)).expect("the function has a schema"))
    }

    fn output(name: &str) -> Option<Value> {
        crate::output_schema(typed(name)).expect("the function has a schema").map(Value::Object)
    }

    fn query_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "text": { "type": "string" },
                "mode": { "type": "string", "enum": ["literal", "whole-word", "prefix"] },
                "case-sensitive": { "type": "boolean" },
                "context": { "anyOf": [{ "type": "integer", "minimum": 0, "maximum": 255 }, { "type": "null" }] },
            },
            "required": ["text", "mode", "case-sensitive"],
            "additionalProperties": false,
        })
    }

    #[test]
    fn record_schema_lists_required_fields() {
        assert_eq!(input("search")["properties"]["query"], query_schema());
    }

    #[test]
    fn option_parameter_is_not_required() {
        let schema = input("search");
        assert_eq!(schema["required"], json!(["query"]));
        assert_eq!(
            schema["properties"]["limit"],
            json!({ "anyOf": [{ "type": "integer", "minimum": 0, "maximum": 4_294_967_295u32 }, { "type": "null" }] })
        );
    }

    #[test]
    fn arguments_object_is_closed() {
        let schema = input("add");
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["required"], json!(["a", "b"]));
    }

    #[test]
    fn function_without_params_has_empty_schema() {
        let expected = json!({ "type": "object", "properties": {}, "required": [], "additionalProperties": false });
        assert_eq!(input("nothing"), expected);
    }

    #[test]
    fn enum_schema_lists_cases() {
        let expected = json!({ "type": "string", "enum": ["literal", "whole-word", "prefix"] });
        assert_eq!(input("echo-mode")["properties"]["value"], expected);
    }

    #[test]
    fn variant_schema_is_one_of_cases() {
        let expected = json!({ "oneOf": [
            { "type": "string", "enum": ["none"] },
            {
                "type": "object",
                "properties": { "text": { "type": "string" } },
                "required": ["text"],
                "additionalProperties": false,
            },
            {
                "type": "object",
                "properties": { "point": {
                    "type": "array",
                    "prefixItems": [
                        { "type": "integer", "minimum": -2_147_483_648i64, "maximum": 2_147_483_647 },
                        { "type": "integer", "minimum": -2_147_483_648i64, "maximum": 2_147_483_647 },
                    ],
                    "minItems": 2,
                    "maxItems": 2,
                } },
                "required": ["point"],
                "additionalProperties": false,
            },
            {
                "type": "object",
                "properties": { "both": { "oneOf": [
                    {
                        "type": "object",
                        "properties": { "ok": { "type": "integer", "minimum": 0, "maximum": 255 } },
                        "required": ["ok"],
                        "additionalProperties": false,
                    },
                    {
                        "type": "object",
                        "properties": { "err": { "type": "string" } },
                        "required": ["err"],
                        "additionalProperties": false,
                    },
                ] } },
                "required": ["both"],
                "additionalProperties": false,
            },
        ] });
        assert_eq!(input("describe")["properties"]["shape"], expected);
    }

    #[test]
    fn flags_schema_has_unique_items() {
        let expected = json!({
            "type": "array",
            "items": { "type": "string", "enum": ["read", "write", "execute"] },
            "uniqueItems": true,
        });
        assert_eq!(input("echo-perms")["properties"]["value"], expected);
    }

    #[test]
    fn tuple_schema_has_prefix_items() {
        let expected = json!({
            "type": "array",
            "prefixItems": [{ "type": "string" }, { "type": "number" }],
            "minItems": 2,
            "maxItems": 2,
        });
        assert_eq!(input("echo-pair")["properties"]["value"], expected);
    }

    #[test]
    fn result_schema_null_for_missing_payload() {
        let expected = json!({ "type": "array", "items": { "oneOf": [
            {
                "type": "object",
                "properties": { "ok": { "type": "integer", "minimum": 0, "maximum": 255 } },
                "required": ["ok"],
                "additionalProperties": false,
            },
            {
                "type": "object",
                "properties": { "err": { "type": "null" } },
                "required": ["err"],
                "additionalProperties": false,
            },
        ] } });
        assert_eq!(input("echo-outcomes")["properties"]["value"], expected);
    }

    #[test]
    fn list_schema_has_items() {
        let expected = json!({ "type": "array", "items": { "type": "string" } });
        assert_eq!(input("echo-words")["properties"]["value"], expected);
    }

    #[test]
    fn integer_schemas_carry_type_ranges() {
        let properties = input("numbers")["properties"].clone();
        let expected = [
            ("a", json!(-128), json!(127)),
            ("b", json!(0), json!(255)),
            ("c", json!(-32768), json!(32767)),
            ("d", json!(0), json!(65535)),
            ("e", json!(i32::MIN), json!(i32::MAX)),
            ("f", json!(0), json!(u32::MAX)),
            ("g", json!(i64::MIN), json!(i64::MAX)),
            ("h", json!(0), json!(u64::MAX)),
        ];
        for (name, minimum, maximum) in expected {
            assert_eq!(
                properties[name],
                json!({ "type": "integer", "minimum": minimum, "maximum": maximum }),
                "{name}"
            );
        }
    }

    #[test]
    fn float_schemas_are_numbers() {
        let properties = input("numbers")["properties"].clone();
        assert_eq!(properties["x"], json!({ "type": "number" }));
        assert_eq!(properties["y"], json!({ "type": "number" }));
    }

    #[test]
    fn char_schema_is_one_character() {
        let expected = json!({ "type": "string", "minLength": 1, "maxLength": 1 });
        assert_eq!(input("echo-char")["properties"]["value"], expected);
    }

    #[test]
    fn record_result_schema_is_record() {
        assert_eq!(output("echo-query"), Some(query_schema()));
    }

    #[test]
    fn scalar_result_schema_is_wrapped() {
        let expected = json!({
            "type": "object",
            "properties": { "value": { "type": "integer", "minimum": 0, "maximum": u32::MAX } },
            "required": ["value"],
            "additionalProperties": false,
        });
        assert_eq!(output("add"), Some(expected));
    }

    #[test]
    fn result_output_describes_ok_type() {
        assert_eq!(output("open"), Some(query_schema()));
    }

    #[test]
    fn result_output_wraps_scalar_ok() {
        let expected = json!({
            "type": "object",
            "properties": { "value": { "type": "integer", "minimum": 0, "maximum": u32::MAX } },
            "required": ["value"],
            "additionalProperties": false,
        });
        assert_eq!(output("count"), Some(expected));
    }

    #[test]
    fn payloadless_ok_output_is_empty_object() {
        let expected = json!({ "type": "object", "properties": {}, "required": [], "additionalProperties": false });
        assert_eq!(output("touch"), Some(expected));
    }

    #[test]
    fn function_without_result_has_no_output() {
        assert_eq!(output("nothing"), None);
    }

    #[test]
    fn resource_field_rejected_with_path() {
        let error = crate::input_schema(with_resources("search")).unwrap_err();
        assert_eq!(error.function(), "search");
        assert_eq!(error.path(), "parameter query.handle");
        assert_eq!(error.kind(), UnsupportedType::Resource);
    }

    #[test]
    fn schema_error_message_names_fix() {
        let error = crate::input_schema(with_resources("search")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "search: parameter query.handle is a resource handle, which has no JSON form, so \
             pass the resource's data as a record, string or list instead"
        );
    }

    #[test]
    fn resource_result_rejected_with_path() {
        let error = crate::output_schema(with_resources("open")).unwrap_err();
        assert_eq!(error.path(), "result.ok");
        assert_eq!(error.kind(), UnsupportedType::Resource);
    }

    #[test]
    fn borrow_parameter_rejected() {
        let error = crate::input_schema(with_resources("inspect")).unwrap_err();
        assert_eq!(error.path(), "parameter handle");
        assert_eq!(error.kind(), UnsupportedType::Resource);
    }

    #[test]
    fn nested_option_parameter_rejected() {
        let error = crate::input_schema(with_nested_options("pick")).unwrap_err();
        assert_eq!(error.path(), "parameter choice");
        assert_eq!(error.kind(), UnsupportedType::NestedOption);
    }

    #[test]
    fn nested_option_field_rejected() {
        let error = crate::input_schema(with_nested_options("configure")).unwrap_err();
        assert_eq!(error.path(), "parameter settings.depth");
        assert_eq!(error.kind(), UnsupportedType::NestedOption);
    }

    #[test]
    fn nested_option_result_rejected() {
        let error = crate::output_schema(with_nested_options("guess")).unwrap_err();
        assert_eq!(error.path(), "result");
        assert_eq!(error.kind(), UnsupportedType::NestedOption);
    }

    #[test]
    fn string_map_schema_is_object() {
        let schema = input_schema(&extended("echo-counts")).expect("a map has a schema");
        let expected = json!({
            "type": "object",
            "additionalProperties": { "type": "integer", "minimum": 0, "maximum": u32::MAX },
        });
        assert_eq!(schema["properties"]["value"], expected);
    }

    #[test]
    fn integer_map_schema_is_pair_array() {
        let schema = input_schema(&extended("echo-names")).expect("a map has a schema");
        let expected = json!({ "type": "array", "items": {
            "type": "array",
            "prefixItems": [{ "type": "integer", "minimum": 0, "maximum": u32::MAX }, { "type": "string" }],
            "minItems": 2,
            "maxItems": 2,
        } });
        assert_eq!(schema["properties"]["value"], expected);
    }

    #[test]
    fn fixed_length_list_schema_has_bounds() {
        let schema = input_schema(&extended("echo-color")).expect("a fixed-length list has a schema");
        let expected = json!({
            "type": "array",
            "items": { "type": "integer", "minimum": 0, "maximum": 255 },
            "minItems": 3,
            "maxItems": 3,
        });
        assert_eq!(schema["properties"]["value"], expected);
    }
}
