//! JSON arguments to component values: each argument checked against its parameter's type and converted.
//!
//! The conversion walks the types, not the JSON, so its depth is bounded by the type nesting that the
//! component-model validator allows (100 levels in wasmparser 0.254), whatever the arguments contain.

use std::collections::HashSet;

use cordon_runtime::Val;
use cordon_runtime::types::{Map as MapType, Record, ResultType, Type, Variant};
use serde_json::{Map, Value};

use crate::Signature;
use crate::describe::{excerpt, expected};
use crate::error::{ArgumentError, UnsupportedType};
use crate::path::{Path, quote, quote_all};

/// How many unknown keys besides the first an error lists.
const MAX_EXTRA_UNKNOWN_KEYS: usize = 5;

/// Converts the arguments object to the function's parameters, in parameter order.
pub(crate) fn params_from_json(
    signature: &Signature<'_>,
    arguments: &Map<String, Value>,
) -> Result<Vec<Val>, ArgumentError> {
    let root = Path::Root;
    let names: Vec<&str> = signature.params.iter().map(|(name, _)| *name).collect();
    reject_unknown_keys(arguments, &names, &root, Member::Argument)?;

    let mut values = Vec::with_capacity(signature.params.len());
    for (name, ty) in &signature.params {
        values.push(member_from_json(ty, arguments.get(*name), &root.key(name), Member::Argument)?);
    }
    Ok(values)
}

/// The kind of an object's keys, as messages name them.
#[derive(Clone, Copy)]
enum Member {
    Argument,
    Field,
}

impl Member {
    fn noun(self) -> &'static str {
        match self {
            Member::Argument => "argument",
            Member::Field => "field",
        }
    }
}

/// Converts a parameter or record field, which may be absent when its type is an option.
fn member_from_json(ty: &Type, json: Option<&Value>, path: &Path<'_>, member: Member) -> Result<Val, ArgumentError> {
    match (json, ty) {
        (Some(json), _) => value_from_json(ty, json, path),
        (None, Type::Option(_)) => Ok(Val::Option(None)),
        (None, _) => {
            Err(ArgumentError::new(path, format!("missing required {}, expected {}", member.noun(), expected(ty))))
        }
    }
}

/// Rejects the keys of `object` that are not in `allowed`, naming the first and listing what is allowed.
fn reject_unknown_keys(
    object: &Map<String, Value>,
    allowed: &[&str],
    parent: &Path<'_>,
    member: Member,
) -> Result<(), ArgumentError> {
    // Counting the known keys costs one lookup per allowed key, so a wide record is checked without comparing
    // every key to every field.
    let known = allowed.iter().filter(|name| object.contains_key(**name)).count();
    if known == object.len() {
        return Ok(());
    }
    let allowed_set: HashSet<&str> = allowed.iter().copied().collect();
    let mut unknown = object.keys().filter(|key| !allowed_set.contains(key.as_str()));
    let Some(first) = unknown.next() else {
        return Ok(());
    };

    let noun = member.noun();
    let mut message = if allowed.is_empty() {
        match member {
            Member::Argument => "unknown argument, the function takes no arguments".to_owned(),
            Member::Field => "unknown field, the record has no fields".to_owned(),
        }
    } else {
        format!("unknown {noun}, expected one of {}", quote_all(allowed.iter().copied()))
    };
    let others: Vec<&String> = unknown.take(MAX_EXTRA_UNKNOWN_KEYS + 1).collect();
    if !others.is_empty() {
        let listed = quote_all(others.iter().take(MAX_EXTRA_UNKNOWN_KEYS).map(|key| key.as_str()));
        let more = if others.len() > MAX_EXTRA_UNKNOWN_KEYS { ", …" } else { "" };
        message.push_str(&format!(" (also unknown: {listed}{more})"));
    }
    // A caller who left out a wrapping record, as in `{"pattern": ..}` for `{"query": {"pattern": ..}}`, gets
    // the expected key named here as well as the unknown ones.
    let absent: Vec<&str> = allowed.iter().copied().filter(|name| !object.contains_key(*name)).collect();
    if !allowed.is_empty() && absent.len() == allowed.len() {
        message.push_str(", and none of them is given");
    } else if !absent.is_empty() && absent.len() <= MAX_EXTRA_UNKNOWN_KEYS {
        message.push_str(&format!(" (not given: {})", quote_all(absent.iter().copied())));
    }
    Err(ArgumentError::new(&parent.key(first), message))
}

/// Converts one JSON value to a value of type `ty`.
fn value_from_json(ty: &Type, json: &Value, path: &Path<'_>) -> Result<Val, ArgumentError> {
    let mismatch = || type_mismatch(ty, json, path);

    let value = match ty {
        Type::Bool => Val::Bool(json.as_bool().ok_or_else(mismatch)?),
        Type::S8 => Val::S8(integer(json).ok_or_else(mismatch)?),
        Type::U8 => Val::U8(integer(json).ok_or_else(mismatch)?),
        Type::S16 => Val::S16(integer(json).ok_or_else(mismatch)?),
        Type::U16 => Val::U16(integer(json).ok_or_else(mismatch)?),
        Type::S32 => Val::S32(integer(json).ok_or_else(mismatch)?),
        Type::U32 => Val::U32(integer(json).ok_or_else(mismatch)?),
        Type::S64 => Val::S64(integer(json).ok_or_else(mismatch)?),
        Type::U64 => Val::U64(integer(json).ok_or_else(mismatch)?),
        Type::Float32 => {
            let number = json.as_f64().ok_or_else(mismatch)?;
            // `as` rounds to the nearest f32, and goes to infinity past f32's range, which the guest would not
            // expect from a finite argument.
            let single = number as f32;
            if single.is_infinite() {
                return Err(mismatch());
            }
            Val::Float32(single)
        }
        Type::Float64 => Val::Float64(json.as_f64().ok_or_else(mismatch)?),
        Type::Char => {
            let text = json.as_str().ok_or_else(mismatch)?;
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(char), None) => Val::Char(char),
                _ => return Err(mismatch()),
            }
        }
        Type::String => Val::String(json.as_str().ok_or_else(mismatch)?.to_owned()),
        Type::List(list) => {
            let items = json.as_array().ok_or_else(mismatch)?;
            Val::List(items_from_json(&list.ty(), items, path)?)
        }
        Type::FixedLengthList(list) => {
            let items =
                json.as_array().filter(|items| items.len() as u64 == u64::from(list.len())).ok_or_else(mismatch)?;
            Val::FixedLengthList(items_from_json(&list.ty(), items, path)?)
        }
        Type::Tuple(tuple) => {
            let items = json.as_array().filter(|items| items.len() == tuple.types().len()).ok_or_else(mismatch)?;
            let mut values = Vec::with_capacity(items.len());
            for (index, (ty, item)) in tuple.types().zip(items).enumerate() {
                values.push(value_from_json(&ty, item, &path.index(index))?);
            }
            Val::Tuple(values)
        }
        Type::Record(record) => record_from_json(record, json.as_object().ok_or_else(mismatch)?, path)?,
        Type::Option(option) => {
            let inner = option.ty();
            if matches!(inner, Type::Option(_)) {
                return Err(no_json_form(path, UnsupportedType::NestedOption));
            }
            match json {
                Value::Null => Val::Option(None),
                json => Val::Option(Some(Box::new(value_from_json(&inner, json, path)?))),
            }
        }
        Type::Enum(enumeration) => {
            let name = json.as_str().filter(|name| enumeration.names().any(|known| known == *name));
            Val::Enum(name.ok_or_else(mismatch)?.to_owned())
        }
        Type::Flags(flags) => flags_from_json(ty, &flags.names().collect::<Vec<_>>(), json, path)?,
        Type::Variant(variant) => variant_from_json(ty, variant, json, path)?,
        Type::Result(result) => result_from_json(ty, result, json, path)?,
        Type::Map(map) => map_from_json(ty, map, json, path)?,
        Type::Own(_) | Type::Borrow(_) => {
            return Err(no_json_form(path, UnsupportedType::Resource));
        }
        Type::Future(_) => return Err(no_json_form(path, UnsupportedType::Future)),
        Type::Stream(_) => return Err(no_json_form(path, UnsupportedType::Stream)),
        Type::ErrorContext => return Err(no_json_form(path, UnsupportedType::ErrorContext)),
    };
    Ok(value)
}

fn items_from_json(ty: &Type, items: &[Value], path: &Path<'_>) -> Result<Vec<Val>, ArgumentError> {
    let mut values = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        values.push(value_from_json(ty, item, &path.index(index))?);
    }
    Ok(values)
}

/// Converts a variant: a case name as a string, or an object whose single key is a case name, with the case's
/// payload as its value.
fn variant_from_json(ty: &Type, variant: &Variant, json: &Value, path: &Path<'_>) -> Result<Val, ArgumentError> {
    let (name, payload) = match json {
        Value::String(name) => (name.as_str(), None),
        Value::Object(object) if object.len() == 1 => match object.iter().next() {
            Some((name, payload)) => (name.as_str(), Some(payload)),
            None => return Err(type_mismatch(ty, json, path)),
        },
        _ => return Err(type_mismatch(ty, json, path)),
    };
    let case = variant.cases().find(|case| case.name == name).ok_or_else(|| type_mismatch(ty, json, path))?;

    match (case.ty, payload) {
        (None, None) => Ok(Val::Variant(name.to_owned(), None)),
        (Some(ty), Some(payload)) => {
            let payload = value_from_json(&ty, payload, &path.key(name))?;
            Ok(Val::Variant(name.to_owned(), Some(Box::new(payload))))
        }
        (Some(_), None) => {
            let quoted = quote(name);
            let message = format!(
                "case {quoted} has a payload, so expected an object with the single key {quoted}, got {}",
                excerpt(json)
            );
            Err(ArgumentError::new(path, message))
        }
        (None, Some(_)) => {
            let quoted = quote(name);
            let message =
                format!("case {quoted} has no payload, so expected the string {quoted}, got {}", excerpt(json));
            Err(ArgumentError::new(path, message))
        }
    }
}

/// Converts a result: an object whose single key, `ok` or `err`, has the payload as its value, or null for a side
/// without payload.
fn result_from_json(ty: &Type, result: &ResultType, json: &Value, path: &Path<'_>) -> Result<Val, ArgumentError> {
    let single = json.as_object().filter(|object| object.len() == 1).and_then(|object| object.iter().next());
    let Some((side, payload)) = single else {
        return Err(type_mismatch(ty, json, path));
    };
    let side_type = match side.as_str() {
        "ok" => result.ok(),
        "err" => result.err(),
        _ => return Err(type_mismatch(ty, json, path)),
    };

    let side_path = path.key(side);
    let payload = match (side_type, payload) {
        (Some(ty), payload) => Some(Box::new(value_from_json(&ty, payload, &side_path)?)),
        (None, Value::Null) => None,
        (None, payload) => {
            let message = format!("expected null, because this side has no payload, got {}", excerpt(payload));
            return Err(ArgumentError::new(&side_path, message));
        }
    };
    Ok(Val::Result(if side == "ok" { Ok(payload) } else { Err(payload) }))
}

/// Converts a map: an object for string keys, otherwise an array of `[key, value]` pairs.
fn map_from_json(ty: &Type, map: &MapType, json: &Value, path: &Path<'_>) -> Result<Val, ArgumentError> {
    let key_type = map.key();
    let value_type = map.value();
    let mut pairs = Vec::new();

    if matches!(key_type, Type::String) {
        for (key, value) in json.as_object().ok_or_else(|| type_mismatch(ty, json, path))? {
            pairs.push((Val::String(key.clone()), value_from_json(&value_type, value, &path.key(key))?));
        }
        return Ok(Val::Map(pairs));
    }

    for (index, pair) in json.as_array().ok_or_else(|| type_mismatch(ty, json, path))?.iter().enumerate() {
        let pair_path = path.index(index);
        let Some([key, value]) = pair.as_array().and_then(|pair| <&[Value; 2]>::try_from(pair.as_slice()).ok()) else {
            let message = format!("expected a [key, value] pair, got {}", excerpt(pair));
            return Err(ArgumentError::new(&pair_path, message));
        };
        let key = value_from_json(&key_type, key, &pair_path.index(0))?;
        let value = value_from_json(&value_type, value, &pair_path.index(1))?;
        pairs.push((key, value));
    }
    Ok(Val::Map(pairs))
}

/// Converts a record in field order, as the canonical ABI lowers it: every field present, options absent as `none`.
fn record_from_json(record: &Record, object: &Map<String, Value>, path: &Path<'_>) -> Result<Val, ArgumentError> {
    let names: Vec<&str> = record.fields().map(|field| field.name).collect();
    reject_unknown_keys(object, &names, path, Member::Field)?;

    let mut fields = Vec::with_capacity(names.len());
    for field in record.fields() {
        let value = member_from_json(&field.ty, object.get(field.name), &path.key(field.name), Member::Field)?;
        fields.push((field.name.to_owned(), value));
    }
    Ok(Val::Record(fields))
}

/// Converts an array of distinct flag names. The flags are listed in declaration order, whatever order they came in.
fn flags_from_json(ty: &Type, names: &[&str], json: &Value, path: &Path<'_>) -> Result<Val, ArgumentError> {
    let items = json.as_array().ok_or_else(|| type_mismatch(ty, json, path))?;

    let mut set = vec![false; names.len()];
    for (index, item) in items.iter().enumerate() {
        let item_path = path.index(index);
        let position = item.as_str().and_then(|flag| names.iter().position(|name| *name == flag)).ok_or_else(|| {
            ArgumentError::new(
                &item_path,
                format!("expected one of {}, got {}", quote_all(names.iter().copied()), excerpt(item)),
            )
        })?;
        if set[position] {
            return Err(ArgumentError::new(
                &item_path,
                format!("duplicate flag {}, expected each flag at most once", excerpt(item)),
            ));
        }
        set[position] = true;
    }

    let flags = names.iter().zip(set).filter(|(_, set)| *set).map(|(name, _)| (*name).to_owned()).collect();
    Ok(Val::Flags(flags))
}

/// Reads an integer of type `T`: a JSON number with no fractional part, in `T`'s range. A float such as `3.0` is
/// accepted, as JSON Schema's `integer` type accepts it.
fn integer<T: TryFrom<i128>>(json: &Value) -> Option<T> {
    let Value::Number(number) = json else {
        return None;
    };
    let wide = if let Some(signed) = number.as_i64() {
        i128::from(signed)
    } else if let Some(unsigned) = number.as_u64() {
        i128::from(unsigned)
    } else {
        let float = number.as_f64()?;
        if !float.is_finite() || float.fract() != 0.0 {
            return None;
        }
        // Saturates at i128's range, which lies far outside every integer type's.
        float as i128
    };
    T::try_from(wide).ok()
}

/// Builds the error for a value of the wrong JSON type, or outside what the type allows.
fn type_mismatch(ty: &Type, json: &Value, path: &Path<'_>) -> ArgumentError {
    ArgumentError::new(path, format!("expected {}, got {}", expected(ty), excerpt(json)))
}

fn no_json_form(path: &Path<'_>, kind: UnsupportedType) -> ArgumentError {
    ArgumentError::new(path, format!("{} has no JSON form, so this function cannot take JSON arguments", kind.noun()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::test_components::{extended, typed, with_resources};

    fn convert(name: &str, arguments: Value) -> Result<Vec<Val>, ArgumentError> {
        let arguments = arguments.as_object().cloned().expect("the arguments are an object");
        crate::params_from_json(typed(name), &arguments)
    }

    fn convert_extended(name: &str, arguments: Value) -> Result<Vec<Val>, ArgumentError> {
        let arguments = arguments.as_object().cloned().expect("the arguments are an object");
        params_from_json(&extended(name), &arguments)
    }

    fn rejection(name: &str, arguments: Value) -> ArgumentError {
        convert(name, arguments).expect_err("the arguments are rejected")
    }

    fn string(text: &str) -> Val {
        Val::String(text.to_owned())
    }

    #[test]
    fn record_converts_in_field_order() {
        let params =
            convert("search", json!({ "query": { "mode": "prefix", "case-sensitive": true, "text": "fuel" } }));
        let expected_query = Val::Record(vec![
            ("text".to_owned(), string("fuel")),
            ("mode".to_owned(), Val::Enum("prefix".to_owned())),
            ("case-sensitive".to_owned(), Val::Bool(true)),
            ("context".to_owned(), Val::Option(None)),
        ]);
        assert_eq!(params.unwrap(), vec![expected_query, Val::Option(None)]);
    }

    #[test]
    fn null_option_parameter_becomes_none() {
        let params = convert(
            "search",
            json!({ "query": { "text": "", "mode": "literal", "case-sensitive": false }, "limit": null }),
        );
        assert_eq!(params.unwrap()[1], Val::Option(None));
    }

    #[test]
    fn present_option_parameter_becomes_some() {
        let params = convert(
            "search",
            json!({ "query": { "text": "", "mode": "literal", "case-sensitive": false }, "limit": 7 }),
        );
        assert_eq!(params.unwrap()[1], Val::Option(Some(Box::new(Val::U32(7)))));
    }

    #[test]
    fn null_option_field_becomes_none() {
        let params = convert(
            "echo-query",
            json!({ "value": { "text": "", "mode": "literal", "case-sensitive": false, "context": null } }),
        );
        let Val::Record(fields) = &params.unwrap()[0] else { panic!("a record") };
        assert_eq!(fields[3], ("context".to_owned(), Val::Option(None)));
    }

    #[test]
    fn unknown_enum_case_names_path() {
        let error = rejection("search", json!({ "query": { "text": "a", "mode": "fuzzy", "case-sensitive": true } }));
        assert_eq!(error.path(), "query.mode");
        assert_eq!(error.to_string(), r#"query.mode: expected one of "literal", "whole-word", "prefix", got "fuzzy""#);
    }

    #[test]
    fn unknown_argument_lists_allowed_keys() {
        let error = rejection("search", json!({ "querry": {} }));
        assert_eq!(error.path(), "querry");
        assert_eq!(error.message(), r#"unknown argument, expected one of "query", "limit", and none of them is given"#);
    }

    #[test]
    fn several_unknown_arguments_all_named() {
        let error = rejection("add", json!({ "a": 1, "b": 2, "c": 3, "d": 4 }));
        assert_eq!(error.path(), "c");
        assert_eq!(error.message(), r#"unknown argument, expected one of "a", "b" (also unknown: "d")"#);
    }

    #[test]
    fn unknown_record_field_names_path() {
        let error =
            rejection("search", json!({ "query": { "text": "a", "modee": "literal", "case-sensitive": true } }));
        assert_eq!(error.path(), "query.modee");
        assert_eq!(
            error.message(),
            r#"unknown field, expected one of "text", "mode", "case-sensitive", "context" (not given: "mode", "context")"#
        );
    }

    #[test]
    fn argument_to_function_without_params_rejected() {
        let error = rejection("nothing", json!({ "x": 1 }));
        assert_eq!(error.to_string(), "x: unknown argument, the function takes no arguments");
    }

    #[test]
    fn function_without_params_takes_empty_object() {
        assert_eq!(convert("nothing", json!({})).unwrap(), Vec::<Val>::new());
    }

    #[test]
    fn missing_parameter_rejected() {
        let error = rejection("add", json!({ "a": 1 }));
        assert_eq!(error.path(), "b");
        assert_eq!(error.message(), "missing required argument, expected an integer from 0 to 4294967295");
    }

    #[test]
    fn missing_record_field_rejected() {
        let error = rejection("search", json!({ "query": { "mode": "literal", "case-sensitive": true } }));
        assert_eq!(error.path(), "query.text");
        assert_eq!(error.message(), "missing required field, expected a string");
    }

    #[test]
    fn null_for_required_field_rejected() {
        let error =
            rejection("search", json!({ "query": { "text": null, "mode": "literal", "case-sensitive": true } }));
        assert_eq!(error.to_string(), "query.text: expected a string, got null");
    }

    #[test]
    fn record_given_array_rejected() {
        let error = rejection("search", json!({ "query": [] }));
        assert_eq!(error.to_string(), "query: expected an object, got []");
    }

    #[test]
    fn integer_above_range_rejected() {
        let error = rejection("add", json!({ "a": 4_294_967_296u64, "b": 0 }));
        assert_eq!(error.to_string(), "a: expected an integer from 0 to 4294967295, got 4294967296");
    }

    #[test]
    fn negative_unsigned_integer_rejected() {
        let error = rejection("add", json!({ "a": -1, "b": 0 }));
        assert_eq!(error.path(), "a");
    }

    #[test]
    fn integer_ranges_enforced_per_type() {
        let valid = json!({ "a": -128, "b": 255, "c": -32768, "d": 65535, "e": i32::MIN, "f": u32::MAX,
            "g": i64::MIN, "h": u64::MAX, "x": 1.5, "y": -2.5 });
        assert!(convert("numbers", valid.clone()).is_ok());

        let beyond = [
            ("a", json!(-129)),
            ("a", json!(128)),
            ("b", json!(256)),
            ("c", json!(32768)),
            ("d", json!(-1)),
            ("e", json!(i64::from(i32::MAX) + 1)),
            ("f", json!(u64::from(u32::MAX) + 1)),
            ("g", json!(u64::MAX)),
            ("h", json!(-1)),
            ("h", json!(1.9e19)),
        ];
        for (name, number) in beyond {
            let mut arguments = valid.clone();
            arguments[name] = number.clone();
            let error = convert("numbers", arguments).expect_err("out of range");
            assert_eq!(error.path(), name, "{name} = {number}");
        }
    }

    #[test]
    fn fractional_number_rejected_for_integer() {
        let error = rejection("add", json!({ "a": 2.5, "b": 0 }));
        assert_eq!(error.to_string(), "a: expected an integer from 0 to 4294967295, got 2.5");
    }

    #[test]
    fn integral_float_accepted_for_integer() {
        assert_eq!(convert("add", json!({ "a": 3.0, "b": 0 })).unwrap()[0], Val::U32(3));
    }

    #[test]
    fn integer_given_string_rejected() {
        let error = rejection("add", json!({ "a": "3", "b": 0 }));
        assert_eq!(error.to_string(), r#"a: expected an integer from 0 to 4294967295, got "3""#);
    }

    #[test]
    fn f32_overflow_rejected() {
        let error = rejection("echo-float", json!({ "value": 1e39 }));
        assert_eq!(error.path(), "value");
        assert!(error.message().starts_with("expected a number from"), "{error}");
    }

    #[test]
    fn bool_given_string_rejected() {
        let error = rejection("echo-bool", json!({ "value": "true" }));
        assert_eq!(error.to_string(), r#"value: expected a boolean, got "true""#);
    }

    #[test]
    fn char_accepts_one_scalar() {
        assert_eq!(convert("echo-char", json!({ "value": "é" })).unwrap()[0], Val::Char('é'));
        assert_eq!(convert("echo-char", json!({ "value": "🦀" })).unwrap()[0], Val::Char('🦀'));
    }

    #[test]
    fn char_with_two_scalars_rejected() {
        let error = rejection("echo-char", json!({ "value": "ab" }));
        assert_eq!(error.to_string(), r#"value: expected a string of one character, got "ab""#);
    }

    #[test]
    fn empty_char_rejected() {
        assert_eq!(rejection("echo-char", json!({ "value": "" })).path(), "value");
    }

    #[test]
    fn list_item_error_names_index() {
        let error = rejection("echo-words", json!({ "value": ["a", 1] }));
        assert_eq!(error.to_string(), "value[1]: expected a string, got 1");
    }

    #[test]
    fn result_in_list_error_names_path() {
        let error = rejection("echo-outcomes", json!({ "value": [{ "ok": 1 }, { "err": null }, { "ok": 300 }] }));
        assert_eq!(error.path(), "value[2].ok");
    }

    #[test]
    fn payloadless_result_side_needs_null() {
        let error = rejection("echo-outcomes", json!({ "value": [{ "err": "x" }] }));
        assert_eq!(error.path(), "value[0].err");
        assert_eq!(error.message(), r#"expected null, because this side has no payload, got "x""#);
    }

    #[test]
    fn result_with_both_keys_rejected() {
        let error = rejection("echo-outcomes", json!({ "value": [{ "ok": 1, "err": null }] }));
        assert_eq!(error.path(), "value[0]");
        assert!(error.message().starts_with(r#"expected an object with a single key, "ok" or "err""#), "{error}");
    }

    #[test]
    fn result_converts_both_sides() {
        let params = convert("echo-outcomes", json!({ "value": [{ "ok": 1 }, { "err": null }] }));
        let expected = Val::List(vec![Val::Result(Ok(Some(Box::new(Val::U8(1))))), Val::Result(Err(None))]);
        assert_eq!(params.unwrap(), vec![expected]);
    }

    #[test]
    fn variant_string_case_converts() {
        assert_eq!(convert("describe", json!({ "shape": "none" })).unwrap()[0], Val::Variant("none".to_owned(), None));
    }

    #[test]
    fn variant_payload_case_converts() {
        let params = convert("describe", json!({ "shape": { "text": "a b" } }));
        assert_eq!(params.unwrap()[0], Val::Variant("text".to_owned(), Some(Box::new(string("a b")))));
    }

    #[test]
    fn variant_payload_error_names_case() {
        let error = rejection("describe", json!({ "shape": { "both": { "err": 5 } } }));
        assert_eq!(error.to_string(), "shape.both.err: expected a string, got 5");
    }

    #[test]
    fn payload_case_as_string_rejected() {
        let error = rejection("describe", json!({ "shape": "text" }));
        assert_eq!(
            error.to_string(),
            r#"shape: case "text" has a payload, so expected an object with the single key "text", got "text""#
        );
    }

    #[test]
    fn bare_case_as_object_rejected() {
        let error = rejection("describe", json!({ "shape": { "none": null } }));
        assert_eq!(
            error.to_string(),
            r#"shape: case "none" has no payload, so expected the string "none", got {"none":null}"#
        );
    }

    #[test]
    fn unknown_variant_case_rejected() {
        let error = rejection("describe", json!({ "shape": "circle" }));
        assert_eq!(
            error.to_string(),
            concat!(
                r#"shape: expected one of "none", or an object with a single key from "text", "point", "both", "#,
                r#"got "circle""#
            )
        );
    }

    #[test]
    fn variant_object_with_two_keys_rejected() {
        let error = rejection("describe", json!({ "shape": { "text": "a", "point": [1, 2] } }));
        assert_eq!(error.path(), "shape");
    }

    #[test]
    fn flags_convert_in_declaration_order() {
        let params = convert("echo-perms", json!({ "value": ["execute", "read"] }));
        assert_eq!(params.unwrap()[0], Val::Flags(vec!["read".to_owned(), "execute".to_owned()]));
    }

    #[test]
    fn duplicate_flag_rejected() {
        let error = rejection("echo-perms", json!({ "value": ["read", "read"] }));
        assert_eq!(error.to_string(), r#"value[1]: duplicate flag "read", expected each flag at most once"#);
    }

    #[test]
    fn unknown_flag_rejected() {
        let error = rejection("echo-perms", json!({ "value": ["read", "delete"] }));
        assert_eq!(error.to_string(), r#"value[1]: expected one of "read", "write", "execute", got "delete""#);
    }

    #[test]
    fn tuple_length_mismatch_rejected() {
        let error = rejection("echo-pair", json!({ "value": ["a"] }));
        assert_eq!(error.to_string(), r#"value: expected an array of 2 items, got ["a"]"#);
    }

    #[test]
    fn tuple_item_error_names_index() {
        let error = rejection("echo-pair", json!({ "value": ["a", "b"] }));
        assert_eq!(error.to_string(), r#"value[1]: expected a number, got "b""#);
    }

    #[test]
    fn resource_argument_rejected() {
        let arguments = json!({ "query": { "text": "a", "handle": 1 } });
        let error = crate::params_from_json(with_resources("search"), arguments.as_object().unwrap()).unwrap_err();
        assert_eq!(error.path(), "query.handle");
        assert!(error.message().contains("resource handle has no JSON form"), "{error}");
    }

    #[test]
    fn string_map_converts_from_object() {
        let params = convert_extended("echo-counts", json!({ "value": { "a": 1 } }));
        assert_eq!(params.unwrap(), vec![Val::Map(vec![(string("a"), Val::U32(1))])]);
    }

    #[test]
    fn string_map_value_error_names_key() {
        let error = convert_extended("echo-counts", json!({ "value": { "a b": -1 } })).unwrap_err();
        assert_eq!(error.path(), r#"value["a b"]"#);
    }

    #[test]
    fn integer_map_converts_from_pairs() {
        let params = convert_extended("echo-names", json!({ "value": [[1, "one"], [2, "two"]] }));
        let expected = Val::Map(vec![(Val::U32(1), string("one")), (Val::U32(2), string("two"))]);
        assert_eq!(params.unwrap(), vec![expected]);
    }

    #[test]
    fn malformed_map_pair_rejected() {
        let error = convert_extended("echo-names", json!({ "value": [[1, "one", 2]] })).unwrap_err();
        assert_eq!(error.to_string(), r#"value[0]: expected a [key, value] pair, got [1,"one",2]"#);
    }

    #[test]
    fn map_key_error_names_pair_index() {
        let error = convert_extended("echo-names", json!({ "value": [["1", "one"]] })).unwrap_err();
        assert_eq!(error.path(), "value[0][0]");
    }

    #[test]
    fn fixed_length_list_wrong_length_rejected() {
        let error = convert_extended("echo-color", json!({ "value": [1, 2] })).unwrap_err();
        assert_eq!(error.to_string(), "value: expected an array of 3 items, got [1,2]");
    }

    #[test]
    fn error_display_is_one_line() {
        let error = rejection("add", json!({ "a\nb": "x\ny", "a": 1, "b": 2 }));
        assert!(!error.to_string().contains('\n'), "{error}");
    }
}
