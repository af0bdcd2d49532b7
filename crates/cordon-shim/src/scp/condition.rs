//! The `Condition` element of a policy statement: string operators with
//! their `ForAnyValue:` and `ForAllValues:` qualifiers and `IfExists`
//! suffix, on the keys `aws:RequestedRegion` and `ec2:InstanceType`.
//!
//! Evaluation follows the IAM rules for the request context:
//! - the operators of a block, and the keys of an operator, must all hold;
//! - a positive operator holds when a request value matches any policy value,
//!   and a negated operator when it matches none of them;
//! - without a value for the key, a plain positive operator is false, a plain
//!   negated operator is true, `ForAnyValue:` is false, `ForAllValues:` is
//!   true, and any operator with `IfExists` is true.

use std::fmt;

use serde_json::{Map, Value};

use super::ScpError;
use crate::classify::CloudRequest;
use crate::wildcard::wildcard_matches;

/// A condition key Cordon can read from a classified request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConditionKey {
    /// `aws:RequestedRegion`: the region of the request, absent for requests
    /// whose region is unknown.
    RequestedRegion,
    /// `ec2:InstanceType`: the instance types an EC2 request names, absent
    /// for requests that name none.
    InstanceType,
}

impl ConditionKey {
    /// Parses a key name, ignoring ASCII case as IAM does.
    fn parse(name: &str) -> Option<ConditionKey> {
        if name.eq_ignore_ascii_case("aws:RequestedRegion") {
            Some(ConditionKey::RequestedRegion)
        } else if name.eq_ignore_ascii_case("ec2:InstanceType") {
            Some(ConditionKey::InstanceType)
        } else {
            None
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            ConditionKey::RequestedRegion => "aws:RequestedRegion",
            ConditionKey::InstanceType => "ec2:InstanceType",
        }
    }

    /// Returns the request's values for this key, empty when the key is
    /// absent from the request.
    fn values(self, request: &CloudRequest) -> Vec<&str> {
        match self {
            ConditionKey::RequestedRegion => request.region.as_deref().into_iter().collect(),
            ConditionKey::InstanceType => request.instance_types.iter().map(String::as_str).collect(),
        }
    }
}

/// Set qualifier of an operator, which decides how several request values
/// combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Qualifier {
    /// No set qualifier. IAM treats the key as single-valued. Cordon applies
    /// the operator to each value and lets any value satisfy it, because
    /// each named instance type stands for a separate instance that IAM
    /// would check on its own.
    Single,
    /// `ForAnyValue:`: at least one request value must satisfy the operator.
    ForAnyValue,
    /// `ForAllValues:`: every request value must satisfy the operator.
    ForAllValues,
}

/// A string condition operator without qualifier or `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringOperator {
    Equals,
    NotEquals,
    EqualsIgnoreCase,
    NotEqualsIgnoreCase,
    Like,
    NotLike,
}

impl StringOperator {
    fn parse(name: &str) -> Option<StringOperator> {
        let operator = match name {
            "StringEquals" => StringOperator::Equals,
            "StringNotEquals" => StringOperator::NotEquals,
            "StringEqualsIgnoreCase" => StringOperator::EqualsIgnoreCase,
            "StringNotEqualsIgnoreCase" => StringOperator::NotEqualsIgnoreCase,
            "StringLike" => StringOperator::Like,
            "StringNotLike" => StringOperator::NotLike,
            _ => return None,
        };
        Some(operator)
    }

    /// Reports whether the operator is satisfied by a value that matches
    /// none of the policy values.
    pub(crate) fn is_negated(self) -> bool {
        matches!(self, StringOperator::NotEquals | StringOperator::NotEqualsIgnoreCase | StringOperator::NotLike)
    }

    /// Reports whether a request value matches one policy value.
    fn value_matches(self, policy_value: &str, request_value: &str) -> bool {
        match self {
            StringOperator::Equals | StringOperator::NotEquals => policy_value == request_value,
            StringOperator::EqualsIgnoreCase | StringOperator::NotEqualsIgnoreCase => {
                policy_value.to_lowercase() == request_value.to_lowercase()
            }
            StringOperator::Like | StringOperator::NotLike => wildcard_matches(policy_value, request_value, false),
        }
    }
}

/// One key of one operator in a `Condition` block, such as
/// `"ForAnyValue:StringNotLike": {"ec2:InstanceType": ["t3.micro"]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Condition {
    /// The operator as written, such as `ForAnyValue:StringNotLike`.
    pub(crate) operator_text: String,
    pub(crate) qualifier: Qualifier,
    pub(crate) operator: StringOperator,
    pub(crate) if_exists: bool,
    pub(crate) key: ConditionKey,
    /// Policy values. Numbers and booleans are kept in their JSON text form,
    /// as IAM compares them as strings.
    pub(crate) values: Vec<String>,
}

impl Condition {
    /// Reports whether the condition holds for a request that has no value
    /// for its key.
    pub(crate) fn holds_without_value(&self) -> bool {
        if self.if_exists {
            return true;
        }
        match self.qualifier {
            Qualifier::Single => self.operator.is_negated(),
            Qualifier::ForAnyValue => false,
            Qualifier::ForAllValues => true,
        }
    }

    /// Evaluates the condition, returning an explanation when it holds.
    pub(crate) fn evaluate(&self, request: &CloudRequest) -> Option<String> {
        let request_values = self.key.values(request);
        if request_values.is_empty() {
            return self
                .holds_without_value()
                .then(|| format!("{self} holds because the request has no {} value", self.key.name()));
        }

        let satisfying: Vec<&str> = request_values.iter().copied().filter(|value| self.satisfied_by(value)).collect();
        let holds = match self.qualifier {
            Qualifier::Single | Qualifier::ForAnyValue => !satisfying.is_empty(),
            Qualifier::ForAllValues => satisfying.len() == request_values.len(),
        };
        holds.then(|| format!("{self} holds for {}", satisfying.join(", ")))
    }

    /// Reports whether one request value satisfies the operator against the
    /// policy values: any match for a positive operator, no match for a
    /// negated one.
    fn satisfied_by(&self, request_value: &str) -> bool {
        let any_match = self.values.iter().any(|policy_value| self.operator.value_matches(policy_value, request_value));
        any_match != self.operator.is_negated()
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} on {}", self.operator_text, self.key.name())
    }
}

/// Parses the `Condition` element of the statement labelled `statement`.
pub(crate) fn parse_conditions(statement: &str, element: &Value) -> Result<Vec<Condition>, ScpError> {
    let block = as_object(statement, "Condition", element)?;
    let mut conditions = Vec::new();

    for (operator_text, keys) in block {
        let (qualifier, operator, if_exists) = parse_operator(operator_text).ok_or_else(|| {
            ScpError::UnsupportedOperator { statement: statement.to_owned(), operator: operator_text.clone() }
        })?;
        let element_name = format!("Condition.{operator_text}");
        let keys = as_object(statement, &element_name, keys)?;
        if keys.is_empty() {
            return Err(ScpError::EmptyElement { statement: statement.to_owned(), element: element_name });
        }

        for (key_name, values) in keys {
            let key = ConditionKey::parse(key_name).ok_or_else(|| ScpError::UnsupportedConditionKey {
                statement: statement.to_owned(),
                key: key_name.clone(),
            })?;
            let values = condition_values(statement, &format!("{element_name}.{key_name}"), values)?;
            conditions.push(Condition {
                operator_text: operator_text.clone(),
                qualifier,
                operator,
                if_exists,
                key,
                values,
            });
        }
    }

    Ok(conditions)
}

/// Splits `ForAnyValue:StringNotLikeIfExists` into its qualifier, operator
/// and `IfExists` flag. Operator names are case-sensitive, as in IAM.
fn parse_operator(text: &str) -> Option<(Qualifier, StringOperator, bool)> {
    let (qualifier, rest) = if let Some(rest) = text.strip_prefix("ForAnyValue:") {
        (Qualifier::ForAnyValue, rest)
    } else if let Some(rest) = text.strip_prefix("ForAllValues:") {
        (Qualifier::ForAllValues, rest)
    } else {
        (Qualifier::Single, text)
    };
    let (name, if_exists) = match rest.strip_suffix("IfExists") {
        Some(name) => (name, true),
        None => (rest, false),
    };
    let operator = StringOperator::parse(name)?;
    Some((qualifier, operator, if_exists))
}

/// Reads a condition value: a string, number or boolean, or a non-empty
/// array of them.
fn condition_values(statement: &str, element: &str, value: &Value) -> Result<Vec<String>, ScpError> {
    let wrong_type = || ScpError::WrongType {
        statement: statement.to_owned(),
        element: element.to_owned(),
        expected: "a string, number or boolean, or an array of them",
    };
    let scalar = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    };

    match value {
        Value::Array(items) if items.is_empty() => {
            Err(ScpError::EmptyElement { statement: statement.to_owned(), element: element.to_owned() })
        }
        Value::Array(items) => items.iter().map(|item| scalar(item).ok_or_else(wrong_type)).collect(),
        other => Ok(vec![scalar(other).ok_or_else(wrong_type)?]),
    }
}

fn as_object<'a>(statement: &str, element: &str, value: &'a Value) -> Result<&'a Map<String, Value>, ScpError> {
    value.as_object().ok_or_else(|| ScpError::WrongType {
        statement: statement.to_owned(),
        element: element.to_owned(),
        expected: "a JSON object",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(region: Option<&str>, instance_types: &[&str]) -> CloudRequest {
        CloudRequest {
            service: "ec2".to_owned(),
            action: "ec2:RunInstances".to_owned(),
            iam_actions: vec!["ec2:RunInstances".to_owned()],
            region: region.map(str::to_owned),
            resource: None,
            instance_types: instance_types.iter().map(|&text| text.to_owned()).collect(),
        }
    }

    fn condition(operator: &str, key: &str, values: &[&str]) -> Condition {
        let block = serde_json::json!({ operator: { key: values } });
        match parse_conditions("test", &block) {
            Ok(mut conditions) if conditions.len() == 1 => conditions.remove(0),
            other => panic!("{operator} on {key} should parse to one condition: {other:?}"),
        }
    }

    fn holds(condition: &Condition, request: &CloudRequest) -> bool {
        condition.evaluate(request).is_some()
    }

    #[test]
    fn string_equals_matches_any_value() {
        let region = condition("StringEquals", "aws:RequestedRegion", &["us-east-1", "us-west-2"]);
        assert!(holds(&region, &request(Some("us-west-2"), &[])));
        assert!(!holds(&region, &request(Some("eu-west-1"), &[])));
        assert!(!holds(&region, &request(Some("US-WEST-2"), &[])));
    }

    #[test]
    fn string_not_equals_is_nor() {
        let region = condition("StringNotEquals", "aws:RequestedRegion", &["us-east-1", "us-west-2"]);
        assert!(holds(&region, &request(Some("eu-west-1"), &[])));
        assert!(!holds(&region, &request(Some("us-east-1"), &[])));
        assert!(!holds(&region, &request(Some("us-west-2"), &[])));
    }

    #[test]
    fn ignore_case_operators() {
        let region = condition("StringEqualsIgnoreCase", "aws:RequestedRegion", &["US-EAST-1"]);
        assert!(holds(&region, &request(Some("us-east-1"), &[])));
        let not_region = condition("StringNotEqualsIgnoreCase", "aws:RequestedRegion", &["US-EAST-1"]);
        assert!(!holds(&not_region, &request(Some("us-east-1"), &[])));
    }

    #[test]
    fn string_like_uses_wildcards() {
        let types = condition("StringLike", "ec2:InstanceType", &["t3.*"]);
        assert!(holds(&types, &request(None, &["t3.large"])));
        assert!(!holds(&types, &request(None, &["m5.large"])));
        assert!(!holds(&types, &request(None, &["T3.large"])));
    }

    #[test]
    fn missing_key_plain_positive_is_false() {
        let region = condition("StringEquals", "aws:RequestedRegion", &["us-east-1"]);
        assert!(!holds(&region, &request(None, &[])));
        let types = condition("StringLike", "ec2:InstanceType", &["*"]);
        assert!(!holds(&types, &request(None, &[])));
    }

    #[test]
    fn missing_key_plain_negated_is_true() {
        let region = condition("StringNotEquals", "aws:RequestedRegion", &["us-east-1"]);
        assert!(holds(&region, &request(None, &[])));
        let types = condition("StringNotLike", "ec2:InstanceType", &["t3.*"]);
        assert!(holds(&types, &request(None, &[])));
    }

    #[test]
    fn for_any_value_empty_is_false() {
        let positive = condition("ForAnyValue:StringLike", "ec2:InstanceType", &["*"]);
        assert!(!holds(&positive, &request(None, &[])));
        let negated = condition("ForAnyValue:StringNotLike", "ec2:InstanceType", &["t3.micro"]);
        assert!(!holds(&negated, &request(None, &[])));
    }

    #[test]
    fn for_all_values_empty_is_true() {
        let positive = condition("ForAllValues:StringEquals", "ec2:InstanceType", &["t3.micro"]);
        assert!(holds(&positive, &request(None, &[])));
        let negated = condition("ForAllValues:StringNotLike", "ec2:InstanceType", &["t3.*"]);
        assert!(holds(&negated, &request(None, &[])));
    }

    #[test]
    fn for_any_value_negated_per_value() {
        let cheap = condition("ForAnyValue:StringNotLike", "ec2:InstanceType", &["t3.micro", "t3.small"]);
        assert!(holds(&cheap, &request(None, &["t3.large"])));
        assert!(holds(&cheap, &request(None, &["t3.micro", "m5.large"])));
        assert!(!holds(&cheap, &request(None, &["t3.micro"])));
        assert!(!holds(&cheap, &request(None, &["t3.micro", "t3.small"])));
    }

    #[test]
    fn for_all_values_needs_every_value() {
        let cheap = condition("ForAllValues:StringLike", "ec2:InstanceType", &["t3.*"]);
        assert!(holds(&cheap, &request(None, &["t3.micro", "t3.large"])));
        assert!(!holds(&cheap, &request(None, &["t3.micro", "m5.large"])));
        let not_cheap = condition("ForAllValues:StringNotLike", "ec2:InstanceType", &["t3.*"]);
        assert!(holds(&not_cheap, &request(None, &["m5.large", "c5.large"])));
        assert!(!holds(&not_cheap, &request(None, &["m5.large", "t3.micro"])));
    }

    #[test]
    fn plain_operator_any_value_satisfies() {
        let expensive = condition("StringNotLike", "ec2:InstanceType", &["t3.*"]);
        assert!(holds(&expensive, &request(None, &["t3.micro", "p4d.24xlarge"])));
        assert!(!holds(&expensive, &request(None, &["t3.micro", "t3.nano"])));
    }

    #[test]
    fn if_exists_holds_without_value() {
        let positive = condition("StringEqualsIfExists", "aws:RequestedRegion", &["us-east-1"]);
        assert!(holds(&positive, &request(None, &[])));
        assert!(!holds(&positive, &request(Some("eu-west-1"), &[])));
        let any = condition("ForAnyValue:StringLikeIfExists", "ec2:InstanceType", &["t3.*"]);
        assert!(holds(&any, &request(None, &[])));
        assert!(!holds(&any, &request(None, &["m5.large"])));
    }

    #[test]
    fn key_names_ignore_case() {
        let region = condition("StringEquals", "AWS:requestedregion", &["us-east-1"]);
        assert_eq!(region.key, ConditionKey::RequestedRegion);
    }

    #[test]
    fn explanation_names_values() {
        let cheap = condition("ForAnyValue:StringNotLike", "ec2:InstanceType", &["t3.micro"]);
        let explanation = cheap.evaluate(&request(None, &["t3.micro", "m5.large"]));
        assert_eq!(explanation.as_deref(), Some("ForAnyValue:StringNotLike on ec2:InstanceType holds for m5.large"));

        let region = condition("StringNotEquals", "aws:RequestedRegion", &["us-east-1"]);
        let explanation = region.evaluate(&request(None, &[]));
        assert_eq!(
            explanation.as_deref(),
            Some("StringNotEquals on aws:RequestedRegion holds because the request has no aws:RequestedRegion value")
        );
    }

    #[test]
    fn scalar_values_become_strings() {
        let block = serde_json::json!({ "StringEquals": { "aws:RequestedRegion": [1, true, "x"] } });
        let conditions = parse_conditions("test", &block).unwrap_or_default();
        assert_eq!(
            conditions.first().map(|condition| condition.values.clone()),
            Some(vec!["1".to_owned(), "true".to_owned(), "x".to_owned()])
        );
    }

    #[test]
    fn unsupported_operator_is_rejected() {
        for operator in [
            "NumericEquals",
            "Bool",
            "ArnLike",
            "stringequals",
            "ForSomeValues:StringEquals",
            "StringEqualsIfExistsIfExists",
        ] {
            let block = serde_json::json!({ operator: { "aws:RequestedRegion": "x" } });
            let error = parse_conditions("test", &block);
            assert!(matches!(error, Err(ScpError::UnsupportedOperator { .. })), "{operator} gave {error:?}");
        }
    }

    #[test]
    fn unsupported_key_is_rejected() {
        let block = serde_json::json!({ "StringEquals": { "aws:PrincipalTag/team": "x" } });
        let error = parse_conditions("test", &block);
        let expected =
            ScpError::UnsupportedConditionKey { statement: "test".to_owned(), key: "aws:PrincipalTag/team".to_owned() };
        assert_eq!(error, Err(expected));
    }

    #[test]
    fn malformed_blocks_are_rejected() {
        let cases = [
            serde_json::json!("StringEquals"),
            serde_json::json!({ "StringEquals": "x" }),
            serde_json::json!({ "StringEquals": {} }),
            serde_json::json!({ "StringEquals": { "aws:RequestedRegion": [] } }),
            serde_json::json!({ "StringEquals": { "aws:RequestedRegion": null } }),
            serde_json::json!({ "StringEquals": { "aws:RequestedRegion": [{}] } }),
        ];
        for block in cases {
            let error = parse_conditions("test", &block);
            let expected = matches!(error, Err(ScpError::WrongType { .. } | ScpError::EmptyElement { .. }));
            assert!(expected, "{block} gave {error:?}");
        }
    }
}
