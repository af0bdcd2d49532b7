//! One statement of a service control policy: its parsing and whether it
//! applies to a classified request.

use serde_json::{Map, Value};

use super::ScpError;
use super::condition::{Condition, parse_conditions};
use crate::action_pattern::ActionPattern;
use crate::classify::CloudRequest;
use crate::wildcard::wildcard_matches;

/// Elements a statement may contain. `Principal` and `NotPrincipal` are
/// rejected separately because service control policies do not allow them.
const STATEMENT_ELEMENTS: [&str; 7] = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    Allow,
    Deny,
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ActionMatch {
    Action(Vec<ActionPattern>),
    NotAction(Vec<ActionPattern>),
}

/// `Resource` or `NotResource`, as ARN patterns with wildcards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ResourceMatch {
    Resource(Vec<String>),
    NotResource(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement {
    /// The `Sid`, or `statement N` (counted from 1) for a statement without
    /// one. Messages and decisions name the statement by this label.
    pub(crate) label: String,
    pub(crate) effect: Effect,
    pub(crate) actions: ActionMatch,
    pub(crate) resources: ResourceMatch,
    /// Conditions of a Deny statement. Allow statements are never evaluated,
    /// so their conditions are checked only for being a JSON object.
    pub(crate) conditions: Vec<Condition>,
}

impl Statement {
    /// Parses the statement at `index` (counted from 0) of the `Statement`
    /// element.
    pub(crate) fn parse(index: usize, value: &Value) -> Result<Statement, ScpError> {
        let fallback_label = format!("statement {}", index + 1);
        let Some(object) = value.as_object() else {
            return Err(ScpError::WrongType {
                statement: fallback_label,
                element: "Statement".to_owned(),
                expected: "a JSON object",
            });
        };

        let label = match object.get("Sid") {
            None => fallback_label,
            Some(Value::String(sid)) if !sid.is_empty() => sid.clone(),
            Some(Value::String(_)) => fallback_label,
            Some(_) => {
                return Err(ScpError::WrongType {
                    statement: fallback_label,
                    element: "Sid".to_owned(),
                    expected: "a string",
                });
            }
        };
        check_elements(&label, object)?;

        let effect = parse_effect(&label, object)?;
        let actions = match pick(&label, object, "Action", "NotAction")? {
            ("Action", value) => ActionMatch::Action(action_patterns(&label, "Action", value)?),
            (_, value) => ActionMatch::NotAction(action_patterns(&label, "NotAction", value)?),
        };
        let resources = match pick(&label, object, "Resource", "NotResource")? {
            ("Resource", value) => ResourceMatch::Resource(strings(&label, "Resource", value)?),
            (_, value) => ResourceMatch::NotResource(strings(&label, "NotResource", value)?),
        };
        let conditions = match (object.get("Condition"), effect) {
            (None, _) => Vec::new(),
            (Some(condition), Effect::Deny) => parse_conditions(&label, condition)?,
            (Some(condition), Effect::Allow) if condition.is_object() => Vec::new(),
            (Some(_), Effect::Allow) => {
                return Err(ScpError::WrongType {
                    statement: label,
                    element: "Condition".to_owned(),
                    expected: "a JSON object",
                });
            }
        };

        Ok(Statement { label, effect, actions, resources, conditions })
    }

    /// Returns an explanation when this Deny statement denies the request:
    /// one of its IAM actions matches, the resource matches and every
    /// condition holds. Allow statements never deny.
    pub(crate) fn denial(&self, request: &CloudRequest) -> Option<String> {
        if self.effect != Effect::Deny {
            return None;
        }
        let action_reason = request.iam_actions.iter().find_map(|action| self.action_reason(action))?;
        if !self.resource_matches(request.resource.as_deref()) {
            return None;
        }

        let mut reasons = vec![action_reason];
        for condition in &self.conditions {
            reasons.push(condition.evaluate(request)?);
        }
        Some(reasons.join(", and "))
    }

    fn action_reason(&self, action: &str) -> Option<String> {
        match &self.actions {
            ActionMatch::Action(patterns) => patterns
                .iter()
                .find(|pattern| pattern.matches(action))
                .map(|pattern| format!("{action} matches Action {pattern}")),
            ActionMatch::NotAction(patterns) => {
                let excluded = patterns.iter().any(|pattern| pattern.matches(action));
                (!excluded).then(|| format!("{action} is outside NotAction"))
            }
        }
    }

    /// Matches the request's resource ARN case-sensitively, as IAM matches
    /// ARNs. A request without a known resource is matched as the text `*`,
    /// the resource IAM uses for actions without resource-level permissions,
    /// so `Resource: "*"` covers it and a specific ARN pattern does not.
    fn resource_matches(&self, resource: Option<&str>) -> bool {
        let resource = resource.unwrap_or("*");
        match &self.resources {
            ResourceMatch::Resource(patterns) => {
                patterns.iter().any(|pattern| wildcard_matches(pattern, resource, false))
            }
            ResourceMatch::NotResource(patterns) => {
                !patterns.iter().any(|pattern| wildcard_matches(pattern, resource, false))
            }
        }
    }
}

fn check_elements(label: &str, object: &Map<String, Value>) -> Result<(), ScpError> {
    for key in object.keys() {
        if key == "Principal" || key == "NotPrincipal" {
            return Err(ScpError::PrincipalNotAllowed { statement: label.to_owned(), element: key.clone() });
        }
        if !STATEMENT_ELEMENTS.contains(&key.as_str()) {
            return Err(ScpError::UnknownElement { statement: Some(label.to_owned()), element: key.clone() });
        }
    }
    Ok(())
}

fn parse_effect(label: &str, object: &Map<String, Value>) -> Result<Effect, ScpError> {
    match object.get("Effect") {
        None => Err(ScpError::MissingElement { statement: label.to_owned(), element: "Effect" }),
        Some(Value::String(effect)) if effect == "Deny" => Ok(Effect::Deny),
        Some(Value::String(effect)) if effect == "Allow" => Ok(Effect::Allow),
        Some(other) => Err(ScpError::InvalidEffect { statement: label.to_owned(), effect: other.to_string() }),
    }
}

/// Returns whichever of two exclusive elements the statement has.
fn pick<'a>(
    label: &str,
    object: &'a Map<String, Value>,
    first: &'static str,
    second: &'static str,
) -> Result<(&'static str, &'a Value), ScpError> {
    match (object.get(first), object.get(second)) {
        (Some(value), None) => Ok((first, value)),
        (None, Some(value)) => Ok((second, value)),
        (Some(_), Some(_)) => Err(ScpError::ConflictingElements { statement: label.to_owned(), first, second }),
        (None, None) => Err(ScpError::MissingElement { statement: label.to_owned(), element: first }),
    }
}

fn action_patterns(label: &str, element: &str, value: &Value) -> Result<Vec<ActionPattern>, ScpError> {
    strings(label, element, value)?
        .iter()
        .map(|text| {
            ActionPattern::parse(text).map_err(|source| ScpError::InvalidAction { statement: label.to_owned(), source })
        })
        .collect()
}

/// Reads a string or a non-empty array of non-empty strings.
fn strings(label: &str, element: &str, value: &Value) -> Result<Vec<String>, ScpError> {
    let wrong_type = || ScpError::WrongType {
        statement: label.to_owned(),
        element: element.to_owned(),
        expected: "a string or an array of strings",
    };
    let empty = || ScpError::EmptyElement { statement: label.to_owned(), element: element.to_owned() };

    let texts: Vec<String> = match value {
        Value::String(text) => vec![text.clone()],
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(wrong_type))
            .collect::<Result<_, _>>()?,
        _ => return Err(wrong_type()),
    };
    if texts.is_empty() || texts.iter().any(String::is_empty) {
        return Err(empty());
    }
    Ok(texts)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn statement(value: Value) -> Statement {
        match Statement::parse(0, &value) {
            Ok(statement) => statement,
            Err(error) => panic!("{value} should parse: {error}"),
        }
    }

    fn request(action: &str, resource: Option<&str>) -> CloudRequest {
        let service = action.split(':').next().unwrap_or_default().to_owned();
        CloudRequest {
            service,
            action: action.to_owned(),
            iam_actions: vec![action.to_owned()],
            region: Some("us-east-1".to_owned()),
            resource: resource.map(str::to_owned),
            instance_types: Vec::new(),
        }
    }

    #[test]
    fn action_list_matches_any() {
        let deny = statement(json!({"Effect": "Deny", "Action": ["s3:Delete*", "sqs:DeleteQueue"], "Resource": "*"}));
        assert!(deny.denial(&request("s3:DeleteObject", Some("arn:aws:s3:::b/k"))).is_some());
        assert!(deny.denial(&request("sqs:DeleteQueue", None)).is_some());
        assert!(deny.denial(&request("s3:GetObject", None)).is_none());
    }

    #[test]
    fn not_action_matches_the_rest() {
        let deny = statement(json!({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}));
        assert!(deny.denial(&request("s3:GetObject", None)).is_some());
        assert!(deny.denial(&request("iam:CreateUser", None)).is_none());
    }

    #[test]
    fn any_iam_action_can_match() {
        let deny = statement(json!({"Effect": "Deny", "Action": "s3:ListBucket", "Resource": "*"}));
        let mut list = request("s3:ListObjectsV2", Some("arn:aws:s3:::b"));
        list.iam_actions = vec!["s3:ListBucket".to_owned()];
        assert!(deny.denial(&list).is_some());
    }

    #[test]
    fn resource_patterns_match_arns() {
        let deny = statement(json!({"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret/*"}));
        assert!(deny.denial(&request("s3:GetObject", Some("arn:aws:s3:::secret/a"))).is_some());
        assert!(deny.denial(&request("s3:GetObject", Some("arn:aws:s3:::public/a"))).is_none());
        assert!(deny.denial(&request("s3:GetObject", Some("arn:aws:s3:::SECRET/a"))).is_none());
        assert!(deny.denial(&request("s3:ListBuckets", None)).is_none());
    }

    #[test]
    fn not_resource_excludes_arns() {
        let deny = statement(
            json!({"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::public", "arn:aws:s3:::public/*"]}),
        );
        assert!(deny.denial(&request("s3:GetObject", Some("arn:aws:s3:::other/a"))).is_some());
        assert!(deny.denial(&request("s3:GetObject", Some("arn:aws:s3:::public/a"))).is_none());
        assert!(deny.denial(&request("s3:ListBuckets", None)).is_some());
    }

    #[test]
    fn allow_statement_never_denies() {
        let allow = statement(
            json!({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
        );
        assert!(allow.denial(&request("s3:GetObject", None)).is_none());
    }

    #[test]
    fn label_prefers_sid() {
        assert_eq!(
            statement(json!({"Sid": "NoDeletes", "Effect": "Deny", "Action": "*", "Resource": "*"})).label,
            "NoDeletes"
        );
        assert_eq!(statement(json!({"Effect": "Deny", "Action": "*", "Resource": "*"})).label, "statement 1");
    }

    #[test]
    fn denial_explains_match() {
        let deny = statement(json!({"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}));
        let reason = deny.denial(&request("s3:DeleteBucket", Some("arn:aws:s3:::b")));
        assert_eq!(reason.as_deref(), Some("s3:DeleteBucket matches Action s3:Delete*"));
    }

    #[test]
    fn invalid_statements_are_rejected() {
        let cases = [
            (json!("Deny"), "WrongType"),
            (json!({"Action": "*", "Resource": "*"}), "MissingElement"),
            (json!({"Effect": "deny", "Action": "*", "Resource": "*"}), "InvalidEffect"),
            (json!({"Effect": true, "Action": "*", "Resource": "*"}), "InvalidEffect"),
            (json!({"Effect": "Deny", "Resource": "*"}), "MissingElement"),
            (json!({"Effect": "Deny", "Action": "*"}), "MissingElement"),
            (json!({"Effect": "Deny", "Action": "*", "NotAction": "s3:*", "Resource": "*"}), "ConflictingElements"),
            (json!({"Effect": "Deny", "Action": "*", "Resource": "*", "NotResource": "x"}), "ConflictingElements"),
            (json!({"Effect": "Deny", "Action": [], "Resource": "*"}), "EmptyElement"),
            (json!({"Effect": "Deny", "Action": [""], "Resource": "*"}), "EmptyElement"),
            (json!({"Effect": "Deny", "Action": 5, "Resource": "*"}), "WrongType"),
            (json!({"Effect": "Deny", "Action": ["s3:*", 5], "Resource": "*"}), "WrongType"),
            (json!({"Effect": "Deny", "Action": "GetObject", "Resource": "*"}), "InvalidAction"),
            (json!({"Effect": "Deny", "Action": "*", "Resource": "*", "Principal": "*"}), "PrincipalNotAllowed"),
            (json!({"Effect": "Deny", "Action": "*", "Resource": "*", "Extra": 1}), "UnknownElement"),
            (json!({"Sid": 5, "Effect": "Deny", "Action": "*", "Resource": "*"}), "WrongType"),
            (json!({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": []}), "WrongType"),
        ];
        for (value, expected) in cases {
            let error = match Statement::parse(0, &value) {
                Ok(statement) => panic!("{value} should be rejected, got {statement:?}"),
                Err(error) => error,
            };
            let variant = format!("{error:?}");
            assert!(variant.starts_with(expected), "{value} gave {variant}, expected {expected}");
        }
    }
}
