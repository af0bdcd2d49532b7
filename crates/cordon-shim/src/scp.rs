//! AWS service control policies (SCPs) as a rule set for cloud requests.
//!
//! A policy is an IAM JSON document. Cordon enforces its Deny statements as
//! IAM evaluates them against the classified request. Allow statements are
//! accepted and ignored, as if the AWS-managed `FullAWSAccess` policy were
//! attached alongside, because the other rules already decide what is
//! allowed.
//!
//! Conditions may use the string operators (`StringEquals`,
//! `StringNotEquals`, `StringEqualsIgnoreCase`, `StringNotEqualsIgnoreCase`,
//! `StringLike`, `StringNotLike`), each with an optional `ForAnyValue:` or
//! `ForAllValues:` prefix and `IfExists` suffix, on the keys
//! `aws:RequestedRegion` and `ec2:InstanceType`. Any other operator or key
//! in a Deny statement makes [`ServiceControlPolicy::parse`] fail, naming
//! it. Cordon cannot evaluate such a condition, and treating it as never
//! true would silently drop the denial.

mod condition;
mod statement;
mod warnings;

use serde_json::Value;

use crate::action_pattern::ActionPatternError;
use crate::classify::CloudRequest;

use statement::Statement;

/// Policy language versions IAM accepts.
const VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];

/// A parsed service control policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceControlPolicy {
    version: Option<String>,
    statements: Vec<Statement>,
}

/// A service control policy that cannot be parsed or uses something Cordon
/// cannot evaluate. `statement` is the statement's `Sid`, or `statement N`
/// counted from 1 when it has none.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScpError {
    /// The document is not valid JSON.
    #[error("invalid JSON in service control policy: {message}")]
    Json {
        /// The parser's message, with line and column.
        message: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// An element has the wrong JSON type.
    #[error("invalid service control policy: {element} in {statement} must be {expected}")]
    WrongType {
        /// The statement, or `policy` for a top-level element.
        statement: String,
        /// The element, such as `Action` or `Condition.StringEquals`.
        element: String,
        /// The JSON type the element needs.
        expected: &'static str,
    },
    /// An element is not part of the IAM policy grammar.
    #[error(
        "invalid service control policy: unknown element {element:?}{} \
         (fix: check its spelling, because element names are case-sensitive)",
        statement.as_ref().map(|statement| format!(" in {statement}")).unwrap_or_default()
    )]
    UnknownElement {
        /// The statement, or `None` at the top level.
        statement: Option<String>,
        /// The element as written.
        element: String,
    },
    /// A required element is missing.
    #[error("invalid service control policy: {statement} has no {element}")]
    MissingElement {
        /// The statement, or `policy` for the top-level `Statement`.
        statement: String,
        /// The missing element; for an exclusive pair, the first of them.
        element: &'static str,
    },
    /// An element is empty: an empty array, string or condition block.
    #[error("invalid service control policy: {element} in {statement} is empty")]
    EmptyElement {
        /// The statement, or `policy` for the top-level `Statement`.
        statement: String,
        /// The empty element.
        element: String,
    },
    /// Both elements of an exclusive pair are present.
    #[error("invalid service control policy: {statement} has both {first} and {second} (fix: keep one of them)")]
    ConflictingElements {
        /// The statement.
        statement: String,
        /// The first element, such as `Action`.
        first: &'static str,
        /// The second element, such as `NotAction`.
        second: &'static str,
    },
    /// `Principal` or `NotPrincipal`, which service control policies do not
    /// allow.
    #[error(
        "invalid service control policy: {statement} has {element}, which service control policies do not allow \
         (fix: remove it)"
    )]
    PrincipalNotAllowed {
        /// The statement.
        statement: String,
        /// `Principal` or `NotPrincipal`.
        element: String,
    },
    /// `Version` is not a version of the IAM policy language.
    #[error("unsupported policy Version {version} (fix: use \"2012-10-17\")")]
    UnsupportedVersion {
        /// The version as written, in JSON form.
        version: String,
    },
    /// `Effect` is neither `Allow` nor `Deny`.
    #[error("invalid Effect {effect} in {statement} (fix: use \"Allow\" or \"Deny\")")]
    InvalidEffect {
        /// The statement.
        statement: String,
        /// The effect as written, in JSON form.
        effect: String,
    },
    /// An `Action` or `NotAction` entry is not a valid action pattern.
    #[error("invalid action in {statement}: {source}")]
    InvalidAction {
        /// The statement.
        statement: String,
        /// The action pattern error.
        #[source]
        source: ActionPatternError,
    },
    /// A condition operator that Cordon does not evaluate.
    #[error(
        "unsupported condition operator {operator:?} in {statement}. Cordon evaluates StringEquals, StringNotEquals, \
         StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike and StringNotLike, each optionally prefixed \
         with ForAnyValue: or ForAllValues: and suffixed with IfExists"
    )]
    UnsupportedOperator {
        /// The statement.
        statement: String,
        /// The operator as written.
        operator: String,
    },
    /// A condition key that Cordon cannot read from a request.
    #[error(
        "unsupported condition key {key:?} in {statement}, because Cordon can read only aws:RequestedRegion and \
         ec2:InstanceType from a request (fix: remove the condition or its statement from the policy Cordon loads)"
    )]
    UnsupportedConditionKey {
        /// The statement.
        statement: String,
        /// The key as written.
        key: String,
    },
}

impl ServiceControlPolicy {
    /// Parses a service control policy from its IAM JSON text.
    ///
    /// `Statement` may be one object or an array of them. `Action`,
    /// `NotAction`, `Resource` and `NotResource` may be a string or an array
    /// of strings. Element names, `Effect` values and operator names are
    /// case-sensitive, and condition key names are not, as in IAM.
    ///
    /// # Errors
    ///
    /// Returns an [`ScpError`] for invalid JSON and for an element of the
    /// wrong type, or one that is unknown, missing, empty or conflicting. It
    /// also rejects `Principal`, an unknown `Version` or `Effect`, an invalid
    /// action pattern, and a condition operator or key in a Deny statement
    /// that Cordon cannot evaluate.
    ///
    /// ```
    /// use cordon_shim::ServiceControlPolicy;
    ///
    /// let policy = ServiceControlPolicy::parse(r#"{
    ///     "Version": "2012-10-17",
    ///     "Statement": {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}
    /// }"#)?;
    /// assert!(policy.warnings().is_empty());
    /// # Ok::<(), cordon_shim::ScpError>(())
    /// ```
    pub fn parse(json: &str) -> Result<ServiceControlPolicy, ScpError> {
        let document: Value = serde_json::from_str(json).map_err(|error| ScpError::Json {
            message: error.to_string(),
            line: error.line(),
            column: error.column(),
        })?;
        let Some(document) = document.as_object() else {
            return Err(ScpError::WrongType {
                statement: "policy".to_owned(),
                element: "the document".to_owned(),
                expected: "a JSON object",
            });
        };

        for key in document.keys() {
            if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
                return Err(ScpError::UnknownElement { statement: None, element: key.clone() });
            }
        }

        let version = match document.get("Version") {
            None => None,
            Some(Value::String(version)) if VERSIONS.contains(&version.as_str()) => Some(version.clone()),
            Some(other) => {
                return Err(ScpError::UnsupportedVersion { version: other.to_string() });
            }
        };
        if document.get("Id").is_some_and(|id| !id.is_string()) {
            return Err(ScpError::WrongType {
                statement: "policy".to_owned(),
                element: "Id".to_owned(),
                expected: "a string",
            });
        }

        let statement_values: Vec<&Value> = match document.get("Statement") {
            None => {
                return Err(ScpError::MissingElement { statement: "policy".to_owned(), element: "Statement" });
            }
            Some(Value::Array(items)) => items.iter().collect(),
            Some(single) => vec![single],
        };
        if statement_values.is_empty() {
            return Err(ScpError::EmptyElement { statement: "policy".to_owned(), element: "Statement".to_owned() });
        }
        let statements = statement_values
            .into_iter()
            .enumerate()
            .map(|(index, value)| Statement::parse(index, value))
            .collect::<Result<Vec<_>, _>>()?;

        Ok(ServiceControlPolicy { version, statements })
    }

    /// Evaluates the policy's Deny statements in document order and returns
    /// the label of the first that denies the request and an explanation,
    /// or `None` when none does.
    ///
    /// The label is the statement's `Sid`, or `statement N` (counted from 1)
    /// for a statement without one. A statement denies when one of the
    /// request's IAM actions matches `Action` (or falls outside
    /// `NotAction`), its resource matches `Resource` (or falls outside
    /// `NotResource`) and every condition holds. A request without a known
    /// resource is matched as `*`.
    #[must_use]
    pub fn evaluate(&self, request: &CloudRequest) -> Option<(String, String)> {
        self.statements
            .iter()
            .find_map(|statement| statement.denial(request).map(|reason| (statement.label.clone(), reason)))
    }

    /// Lists what a reader of the policy should know about how Cordon
    /// enforces it, one message each. The messages cover a missing
    /// `Version`, ignored Allow statements, duplicate `Sid`s and policy
    /// variables compared as text. They also cover set qualifiers on the
    /// single-valued `aws:RequestedRegion`, and conditions on
    /// `ec2:InstanceType` that some of a statement's actions can never
    /// satisfy or always satisfy.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        warnings::collect(self.version.as_deref(), &self.statements)
    }
}

#[cfg(test)]
mod tests;
