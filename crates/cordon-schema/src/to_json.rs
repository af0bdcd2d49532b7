//! Component values to JSON: a function's results as the structured result its output schema describes.
//!
//! The conversion follows the values and takes the types only as hints. The hint decides what the value alone
//! cannot: whether an empty map is an object or an array, and which record fields are options. A value that does
//! not match its type (wasmtime never lifts one, but a caller could build one) is converted by its own shape.

use cordon_runtime::Val;
use cordon_runtime::types::Type;
use serde_json::{Map, Number, Value};

use crate::Signature;

/// The maximum nesting depth converted. Anything deeper becomes `null`. Values that wasmtime lifts are no deeper
/// than their types, which the component-model validator limits to 100 levels (in wasmparser 0.254), so this bound
/// only keeps a hand-built value from exhausting the stack.
const MAX_DEPTH: usize = 128;

/// Converts the results of a call: the structured result, or the payload of an `err`.
pub(crate) fn results_to_json(signature: &Signature<'_>, results: &[Val]) -> Result<Value, Value> {
    let (Some(ty), Some(value)) = (&signature.result, results.first()) else {
        return Ok(Value::Object(Map::new()));
    };

    match (ty, value) {
        (Type::Result(result_type), Val::Result(Ok(payload))) => match payload {
            Some(payload) => Ok(structured(result_type.ok().as_ref(), payload)),
            None => Ok(Value::Object(Map::new())),
        },
        (Type::Result(result_type), Val::Result(Err(payload))) => match payload {
            Some(payload) => Err(value_to_json(result_type.err().as_ref(), payload, 0)),
            None => Err(Value::Null),
        },
        (ty, value) => Ok(structured(Some(ty), value)),
    }
}

/// Shapes a value as a structured result: a record as its own object, anything else under `value`.
fn structured(ty: Option<&Type>, value: &Val) -> Value {
    let json = value_to_json(ty, value, 0);
    if let (Some(Type::Record(_)), Value::Object(_)) = (ty, &json) {
        return json;
    }
    let mut object = Map::new();
    object.insert(crate::VALUE_KEY.to_owned(), json);
    Value::Object(object)
}

/// Converts one value, with its type when known.
fn value_to_json(ty: Option<&Type>, value: &Val, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let depth = depth + 1;

    match value {
        Val::Bool(value) => Value::Bool(*value),
        Val::S8(value) => Value::from(*value),
        Val::U8(value) => Value::from(*value),
        Val::S16(value) => Value::from(*value),
        Val::U16(value) => Value::from(*value),
        Val::S32(value) => Value::from(*value),
        Val::U32(value) => Value::from(*value),
        Val::S64(value) => Value::from(*value),
        Val::U64(value) => Value::from(*value),
        Val::Float32(value) => float32_to_json(*value),
        Val::Float64(value) => Number::from_f64(*value).map_or(Value::Null, Value::Number),
        Val::Char(value) => Value::String(value.to_string()),
        Val::String(value) => Value::String(value.clone()),
        Val::List(items) => {
            let element = match ty {
                Some(Type::List(list)) => Some(list.ty()),
                _ => None,
            };
            Value::Array(items.iter().map(|item| value_to_json(element.as_ref(), item, depth)).collect())
        }
        Val::FixedLengthList(items) => {
            let element = match ty {
                Some(Type::FixedLengthList(list)) => Some(list.ty()),
                _ => None,
            };
            Value::Array(items.iter().map(|item| value_to_json(element.as_ref(), item, depth)).collect())
        }
        Val::Tuple(items) => {
            let types: Vec<Type> = match ty {
                Some(Type::Tuple(tuple)) => tuple.types().collect(),
                _ => Vec::new(),
            };
            let converted = items.iter().enumerate().map(|(index, item)| value_to_json(types.get(index), item, depth));
            Value::Array(converted.collect())
        }
        Val::Record(fields) => record_to_json(ty, fields, depth),
        Val::Option(None) => Value::Null,
        Val::Option(Some(payload)) => {
            let inner = match ty {
                Some(Type::Option(option)) => Some(option.ty()),
                _ => None,
            };
            value_to_json(inner.as_ref(), payload, depth)
        }
        Val::Variant(name, None) => Value::String(name.clone()),
        Val::Variant(name, Some(payload)) => {
            let payload_type = match ty {
                Some(Type::Variant(variant)) => variant.cases().find(|case| case.name == name).and_then(|case| case.ty),
                _ => None,
            };
            single_key(name, value_to_json(payload_type.as_ref(), payload, depth))
        }
        Val::Enum(name) => Value::String(name.clone()),
        Val::Flags(names) => Value::Array(names.iter().map(|name| Value::String(name.clone())).collect()),
        Val::Result(result) => {
            let result_type = match ty {
                Some(Type::Result(result_type)) => Some(result_type),
                _ => None,
            };
            let (side, payload, payload_type) = match result {
                Ok(payload) => ("ok", payload, result_type.and_then(|result_type| result_type.ok())),
                Err(payload) => ("err", payload, result_type.and_then(|result_type| result_type.err())),
            };
            let payload = match payload {
                Some(payload) => value_to_json(payload_type.as_ref(), payload, depth),
                None => Value::Null,
            };
            single_key(side, payload)
        }
        Val::Map(pairs) => map_to_json(ty, pairs, depth),
        Val::Resource(_) | Val::Future(_) | Val::Stream(_) | Val::ErrorContext(_) => Value::Null,
    }
}

/// Converts a record to an object, leaving out the fields whose value is `none`.
fn record_to_json(ty: Option<&Type>, fields: &[(String, Val)], depth: usize) -> Value {
    let record = match ty {
        Some(Type::Record(record)) => Some(record),
        _ => None,
    };
    let field_types: Vec<_> = record.map(|record| record.fields().collect()).unwrap_or_default();

    let mut object = Map::new();
    for (index, (name, value)) in fields.iter().enumerate() {
        if matches!(value, Val::Option(None)) {
            continue;
        }
        // wasmtime lifts a record's fields in declaration order, so the field at the same index is the one to try
        // first, and searching is left to values built by hand.
        let same_index = field_types.get(index).filter(|field| field.name == name);
        let field = same_index.or_else(|| field_types.iter().find(|field| field.name == name));
        let field_type = field.map(|field| &field.ty);
        object.insert(name.clone(), value_to_json(field_type, value, depth));
    }
    Value::Object(object)
}

/// Converts a map: an object when its keys are strings, otherwise an array of `[key, value]` pairs. Of duplicate
/// string keys the last wins, as wasmtime 48 documents for `Val::Map`.
fn map_to_json(ty: Option<&Type>, pairs: &[(Val, Val)], depth: usize) -> Value {
    let (key_type, value_type) = match ty {
        Some(Type::Map(map)) => (Some(map.key()), Some(map.value())),
        _ => (None, None),
    };
    let keys_are_strings = pairs.iter().all(|(key, _)| matches!(key, Val::String(_)));
    let as_object = match &key_type {
        Some(key_type) => matches!(key_type, Type::String) && keys_are_strings,
        None => keys_are_strings,
    };

    if as_object {
        let mut object = Map::new();
        for (key, value) in pairs {
            if let Val::String(key) = key {
                object.insert(key.clone(), value_to_json(value_type.as_ref(), value, depth));
            }
        }
        return Value::Object(object);
    }
    let converted = pairs.iter().map(|(key, value)| {
        Value::Array(vec![
            value_to_json(key_type.as_ref(), key, depth),
            value_to_json(value_type.as_ref(), value, depth),
        ])
    });
    Value::Array(converted.collect())
}

/// Converts an f32 through its shortest decimal form, so that `0.1f32` becomes `0.1` rather than the
/// `0.10000000149011612` a plain widening to f64 would give. NaN and the infinities become `null`.
fn float32_to_json(value: f32) -> Value {
    let widened: f64 = value.to_string().parse().unwrap_or(f64::NAN);
    Number::from_f64(widened).map_or(Value::Null, Value::Number)
}

fn single_key(key: &str, value: Value) -> Value {
    let mut object = Map::new();
    object.insert(key.to_owned(), value);
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::test_components::{extended, typed};

    /// Converts `value` as the argument of an echo function, then back as its result.
    fn round_trip(name: &str, value: Value) -> Result<Value, Value> {
        let arguments = json!({ "value": value });
        let params =
            crate::params_from_json(typed(name), arguments.as_object().unwrap()).expect("the argument converts");
        crate::results_to_json(typed(name), &params)
    }

    fn round_trip_extended(name: &str, value: Value) -> Result<Value, Value> {
        let signature = extended(name);
        let arguments = json!({ "value": value });
        let params = crate::from_json::params_from_json(&signature, arguments.as_object().unwrap())
            .expect("the argument converts");
        results_to_json(&signature, &params)
    }

    fn wrapped(value: Value) -> Result<Value, Value> {
        Ok(json!({ "value": value }))
    }

    #[test]
    fn record_round_trips_as_itself() {
        let query = json!({ "text": "fuel", "mode": "whole-word", "case-sensitive": true, "context": 3 });
        assert_eq!(round_trip("echo-query", query.clone()), Ok(query));
    }

    #[test]
    fn none_field_omitted_from_output() {
        let query = json!({ "text": "fuel", "mode": "literal", "case-sensitive": false, "context": null });
        let expected = json!({ "text": "fuel", "mode": "literal", "case-sensitive": false });
        assert_eq!(round_trip("echo-query", query), Ok(expected));
    }

    #[test]
    fn variant_cases_round_trip() {
        let cases = [
            json!("none"),
            json!({ "text": "a b" }),
            json!({ "point": [1, -2] }),
            json!({ "both": { "ok": 7 } }),
            json!({ "both": { "err": "bad" } }),
        ];
        for case in cases {
            assert_eq!(round_trip("echo-shape", case.clone()), wrapped(case));
        }
    }

    #[test]
    fn flags_round_trip() {
        assert_eq!(round_trip("echo-perms", json!(["read", "execute"])), wrapped(json!(["read", "execute"])));
    }

    #[test]
    fn tuple_round_trips() {
        assert_eq!(round_trip("echo-pair", json!(["x", 1.5])), wrapped(json!(["x", 1.5])));
    }

    #[test]
    fn option_round_trips_value_and_null() {
        assert_eq!(round_trip("echo-maybe", json!(-5)), wrapped(json!(-5)));
        assert_eq!(round_trip("echo-maybe", Value::Null), wrapped(Value::Null));
    }

    #[test]
    fn results_in_list_round_trip() {
        let outcomes = json!([{ "ok": 1 }, { "err": null }]);
        assert_eq!(round_trip("echo-outcomes", outcomes.clone()), wrapped(outcomes));
    }

    #[test]
    fn scalars_round_trip() {
        let cases = [
            ("echo-mode", json!("whole-word")),
            ("echo-words", json!(["a", "b c"])),
            ("echo-char", json!("é")),
            ("echo-big", json!(u64::MAX)),
            ("echo-bool", json!(true)),
        ];
        for (name, value) in cases {
            assert_eq!(round_trip(name, value.clone()), wrapped(value), "{name}");
        }
    }

    #[test]
    fn f32_keeps_shortest_decimal() {
        assert_eq!(round_trip("echo-float", json!(0.1)), wrapped(json!(0.1)));
    }

    #[test]
    fn string_map_round_trips_as_object() {
        let counts = json!({ "a": 1, "b": 2 });
        assert_eq!(round_trip_extended("echo-counts", counts.clone()), wrapped(counts));
    }

    #[test]
    fn empty_string_map_is_object() {
        assert_eq!(round_trip_extended("echo-counts", json!({})), wrapped(json!({})));
    }

    #[test]
    fn integer_map_round_trips_as_pairs() {
        let names = json!([[1, "one"], [2, "two"]]);
        assert_eq!(round_trip_extended("echo-names", names.clone()), wrapped(names));
    }

    #[test]
    fn fixed_length_list_round_trips() {
        assert_eq!(round_trip_extended("echo-color", json!([255, 128, 0])), wrapped(json!([255, 128, 0])));
    }

    #[test]
    fn nan_float_becomes_null() {
        assert_eq!(crate::results_to_json(typed("echo-float"), &[Val::Float32(f32::NAN)]), wrapped(Value::Null));
    }

    #[test]
    fn infinite_float_becomes_null() {
        let result = crate::results_to_json(typed("echo-float"), &[Val::Float32(f32::INFINITY)]);
        assert_eq!(result, wrapped(Value::Null));
    }

    #[test]
    fn ok_result_gives_structured_value() {
        let returned = Val::Result(Ok(Some(Box::new(Val::U32(3)))));
        assert_eq!(crate::results_to_json(typed("count"), &[returned]), wrapped(json!(3)));
    }

    #[test]
    fn record_ok_result_is_record() {
        let query = Val::Record(vec![
            ("text".to_owned(), Val::String("fuel".to_owned())),
            ("mode".to_owned(), Val::Enum("prefix".to_owned())),
            ("case-sensitive".to_owned(), Val::Bool(false)),
            ("context".to_owned(), Val::Option(None)),
        ]);
        let returned = Val::Result(Ok(Some(Box::new(query))));
        let expected = json!({ "text": "fuel", "mode": "prefix", "case-sensitive": false });
        assert_eq!(crate::results_to_json(typed("open"), &[returned]), Ok(expected));
    }

    #[test]
    fn err_result_gives_error_payload() {
        let returned = Val::Result(Err(Some(Box::new(Val::String("no such file".to_owned())))));
        assert_eq!(crate::results_to_json(typed("count"), &[returned]), Err(json!("no such file")));
    }

    #[test]
    fn err_without_payload_gives_null() {
        let returned = Val::Result(Err(None));
        assert_eq!(crate::results_to_json(typed("count"), &[returned]), Err(Value::Null));
    }

    #[test]
    fn payloadless_ok_gives_empty_object() {
        let returned = Val::Result(Ok(None));
        assert_eq!(crate::results_to_json(typed("touch"), &[returned]), Ok(json!({})));
    }

    #[test]
    fn function_without_result_gives_empty_object() {
        assert_eq!(crate::results_to_json(typed("nothing"), &[]), Ok(json!({})));
    }

    #[test]
    fn missing_results_give_empty_object() {
        assert_eq!(crate::results_to_json(typed("add"), &[]), Ok(json!({})));
    }

    #[test]
    fn mismatched_value_converts_by_shape() {
        let returned = Val::Record(vec![("n".to_owned(), Val::Option(Some(Box::new(Val::S8(-1)))))]);
        assert_eq!(crate::results_to_json(typed("add"), &[returned]), wrapped(json!({ "n": -1 })));
    }

    #[test]
    fn deep_hand_built_value_is_cut() {
        let mut value = Val::Bool(true);
        for _ in 0..1000 {
            value = Val::List(vec![value]);
        }
        let Ok(Value::Object(result)) = crate::results_to_json(typed("echo-words"), &[value]) else {
            panic!("a structured result");
        };

        let mut depth = 0;
        let mut current = &result["value"];
        while let Value::Array(items) = current {
            depth += 1;
            current = &items[0];
        }
        assert_eq!(depth, MAX_DEPTH + 1);
        assert_eq!(current, &Value::Null);
    }
}
