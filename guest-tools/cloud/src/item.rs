//! Conversion between plain JSON and DynamoDB items, for the `dynamodb` guest.
//!
//! A plain JSON object such as `{"id":"r1","size":12}` becomes an item whose attributes
//! carry DynamoDB's type tags: strings become `S`, numbers `N`, booleans `BOOL`, `null`
//! becomes `NULL`, arrays `L` and objects `M`. The reverse direction also accepts the set
//! types (`SS`, `NS`, `BS`), which become arrays, and binary values (`B`), which become
//! base64 strings, so an item that another program wrote still prints.

use std::collections::HashMap;
use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Number, Value};

/// A DynamoDB item: attribute names and their typed values.
pub type Item = HashMap<String, AttributeValue>;

/// Error for JSON text that does not describe an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidItem(String);

impl fmt::Display for InvalidItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidItem {}

/// Error for an attribute type that this SDK version does not know, which a newer
/// service can return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAttributeType {
    /// Name of the attribute, with the path of its enclosing maps, such as `meta.flags`.
    pub attribute: String,
}

impl fmt::Display for UnknownAttributeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "attribute {} has a type this client does not know", self.attribute)
    }
}

impl std::error::Error for UnknownAttributeType {}

/// Parses `text` as a JSON object and converts it to an item.
///
/// # Errors
///
/// Returns [`InvalidItem`] when `text` is not valid JSON or not an object.
pub fn parse_item(text: &str) -> Result<Item, InvalidItem> {
    let value: Value = serde_json::from_str(text).map_err(|err| InvalidItem(format!("invalid JSON: {err}")))?;
    let Value::Object(object) = value else {
        return Err(InvalidItem(
            "expected a JSON object such as {\"id\":\"r1\"}".to_string(),
        ));
    };
    Ok(object
        .into_iter()
        .map(|(name, value)| (name, to_attribute(value)))
        .collect())
}

/// Converts a JSON value to the attribute value of the matching DynamoDB type.
pub fn to_attribute(value: Value) -> AttributeValue {
    match value {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(flag) => AttributeValue::Bool(flag),
        // With serde_json's `arbitrary_precision` feature the number keeps the digits of
        // the input, so a 38-digit DynamoDB number survives unrounded.
        Value::Number(number) => AttributeValue::N(number.to_string()),
        Value::String(text) => AttributeValue::S(text),
        Value::Array(values) => AttributeValue::L(values.into_iter().map(to_attribute).collect()),
        Value::Object(object) => AttributeValue::M(
            object
                .into_iter()
                .map(|(name, value)| (name, to_attribute(value)))
                .collect(),
        ),
    }
}

/// Converts an item to a JSON object with its attributes in name order.
///
/// # Errors
///
/// Returns [`UnknownAttributeType`] for an attribute of a type this SDK version does not
/// know.
pub fn item_to_json(item: &Item) -> Result<Value, UnknownAttributeType> {
    map_to_json(item, "")
}

fn map_to_json(item: &Item, path: &str) -> Result<Value, UnknownAttributeType> {
    let mut object = Map::new();
    for (name, value) in item {
        let attribute = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        object.insert(name.clone(), attribute_to_json(value, &attribute)?);
    }
    Ok(Value::Object(object))
}

fn attribute_to_json(value: &AttributeValue, attribute: &str) -> Result<Value, UnknownAttributeType> {
    let json = match value {
        AttributeValue::S(text) => Value::String(text.clone()),
        AttributeValue::N(number) => number_to_json(number),
        AttributeValue::Bool(flag) => Value::Bool(*flag),
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::B(blob) => Value::String(BASE64.encode(blob.as_ref())),
        AttributeValue::L(values) => Value::Array(
            values
                .iter()
                .map(|value| attribute_to_json(value, attribute))
                .collect::<Result<_, _>>()?,
        ),
        AttributeValue::M(map) => map_to_json(map, attribute)?,
        AttributeValue::Ss(texts) => Value::Array(texts.iter().cloned().map(Value::String).collect()),
        AttributeValue::Ns(numbers) => Value::Array(numbers.iter().map(|number| number_to_json(number)).collect()),
        AttributeValue::Bs(blobs) => Value::Array(
            blobs
                .iter()
                .map(|blob| Value::String(BASE64.encode(blob.as_ref())))
                .collect(),
        ),
        _ => {
            return Err(UnknownAttributeType {
                attribute: attribute.to_string(),
            });
        }
    };
    Ok(json)
}

/// Turns the text of an `N` value into a JSON number, or into a string when the text is
/// not a JSON number, so no value is lost.
fn number_to_json(text: &str) -> Value {
    match text.parse::<Number>() {
        Ok(number) => Value::Number(number),
        Err(_) => Value::String(text.to_string()),
    }
}

/// A `KeyConditionExpression` with its placeholder names and values.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCondition {
    /// Expression such as `#k0 = :v0 AND #k1 = :v1`.
    pub expression: String,
    /// `ExpressionAttributeNames`, from placeholder (`#k0`) to attribute name.
    pub names: HashMap<String, String>,
    /// `ExpressionAttributeValues`, from placeholder (`:v0`) to value.
    pub values: Item,
}

/// Builds an equality condition on each attribute of the JSON object in `text`, such as
/// `{"id":"r1"}` for the partition key alone or `{"id":"r1","at":5}` for the partition
/// and sort keys.
///
/// Placeholders stand for the names and values, so an attribute name that is a DynamoDB
/// reserved word, such as `size`, works too.
///
/// # Errors
///
/// Returns [`InvalidItem`] when `text` is not a JSON object or the object is empty.
pub fn parse_key_condition(text: &str) -> Result<KeyCondition, InvalidItem> {
    let item = parse_item(text)?;
    if item.is_empty() {
        return Err(InvalidItem(
            "expected at least the partition key, such as {\"id\":\"r1\"}".to_string(),
        ));
    }
    let mut attributes: Vec<_> = item.into_iter().collect();
    attributes.sort_by(|a, b| a.0.cmp(&b.0));

    let mut clauses = Vec::new();
    let mut condition = KeyCondition {
        expression: String::new(),
        names: HashMap::new(),
        values: HashMap::new(),
    };
    for (index, (name, value)) in attributes.into_iter().enumerate() {
        let name_placeholder = format!("#k{index}");
        let value_placeholder = format!(":v{index}");
        clauses.push(format!("{name_placeholder} = {value_placeholder}"));
        condition.names.insert(name_placeholder, name);
        condition.values.insert(value_placeholder, value);
    }
    condition.expression = clauses.join(" AND ");
    Ok(condition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_item_maps_json_types() {
        let item =
            parse_item(r#"{"id":"r1","size":12,"ok":true,"none":null,"tags":["a",1],"meta":{"x":"y"}}"#).unwrap();
        assert_eq!(item["id"], AttributeValue::S("r1".into()));
        assert_eq!(item["size"], AttributeValue::N("12".into()));
        assert_eq!(item["ok"], AttributeValue::Bool(true));
        assert_eq!(item["none"], AttributeValue::Null(true));
        assert_eq!(
            item["tags"],
            AttributeValue::L(vec![AttributeValue::S("a".into()), AttributeValue::N("1".into())])
        );
        assert_eq!(
            item["meta"],
            AttributeValue::M(HashMap::from([("x".into(), AttributeValue::S("y".into()))]))
        );
    }

    #[test]
    fn parse_item_keeps_number_digits() {
        let item = parse_item(r#"{"n":12345678901234567890123456789012345678,"f":0.1}"#).unwrap();
        assert_eq!(
            item["n"],
            AttributeValue::N("12345678901234567890123456789012345678".into())
        );
        assert_eq!(item["f"], AttributeValue::N("0.1".into()));
    }

    #[test]
    fn parse_item_rejects_non_object() {
        assert!(parse_item("[1]").is_err());
        assert!(parse_item("{").is_err());
    }

    #[test]
    fn item_round_trips_through_json() {
        let text = r#"{"id":"r1","meta":{"deep":[1,"two",null]},"ok":false,"size":12}"#;
        let json = item_to_json(&parse_item(text).unwrap()).unwrap();
        assert_eq!(json.to_string(), text);
    }

    #[test]
    fn item_to_json_converts_sets_and_binary() {
        let item = Item::from([
            ("ss".into(), AttributeValue::Ss(vec!["a".into()])),
            ("ns".into(), AttributeValue::Ns(vec!["1.5".into()])),
            (
                "b".into(),
                AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(b"hi".to_vec())),
            ),
        ]);
        let json = item_to_json(&item).unwrap();
        assert_eq!(json.to_string(), r#"{"b":"aGk=","ns":[1.5],"ss":["a"]}"#);
    }

    #[test]
    fn key_condition_uses_placeholders() {
        let condition = parse_key_condition(r#"{"size":3,"id":"r1"}"#).unwrap();
        assert_eq!(condition.expression, "#k0 = :v0 AND #k1 = :v1");
        assert_eq!(condition.names["#k0"], "id");
        assert_eq!(condition.names["#k1"], "size");
        assert_eq!(condition.values[":v0"], AttributeValue::S("r1".into()));
        assert_eq!(condition.values[":v1"], AttributeValue::N("3".into()));
    }

    #[test]
    fn key_condition_rejects_empty_object() {
        assert!(parse_key_condition("{}").is_err());
    }
}
