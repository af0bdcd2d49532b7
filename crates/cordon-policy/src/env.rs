//! The `[env]` table: the exact environment variables a tool sees. Nothing is
//! inherited from the host, so a secret in the caller's environment cannot
//! reach a tool unless a policy names it.

use std::collections::BTreeMap;

use toml::{Spanned, Value};

use crate::error::{PolicyError, SourceText};
use crate::table_only::TableShape;

/// The `[env]` table as written, with the span of each key and value.
pub(crate) type RawEnv = BTreeMap<Spanned<String>, Spanned<Value>>;

impl TableShape for RawEnv {
    const EXPECTING: &'static str = "an [env] table of NAME = \"value\" lines";
}

/// Checks every variable and returns them sorted by name.
///
/// A name may not be empty or contain `=` or NUL, and a value may not
/// contain NUL, because the C-style `NAME=value` strings that WASI passes to
/// the guest could not represent them.
pub(crate) fn validate_env(source: &SourceText<'_>, raw: &RawEnv) -> Result<Vec<(String, String)>, PolicyError> {
    let mut variables = Vec::with_capacity(raw.len());
    for (name, value) in raw {
        check_name(source, name)?;
        let text = read_value(source, name.get_ref(), value)?;
        variables.push((name.get_ref().clone(), text.to_owned()));
    }
    // TOML rejects duplicate keys, so sorting by name alone is a total order.
    variables.sort_by(|left, right| left.0.cmp(&right.0));
    Ok(variables)
}

fn check_name(source: &SourceText<'_>, name: &Spanned<String>) -> Result<(), PolicyError> {
    let text = name.get_ref();
    let problem = if text.is_empty() {
        Some(("environment variable name is empty".to_owned(), "give the variable a name or remove the line"))
    } else if text.contains('=') {
        Some((format!("environment variable name {text:?} contains \"=\""), "remove the \"=\" from the name"))
    } else if text.contains('\0') {
        Some((
            format!("environment variable name {text:?} contains a NUL character"),
            "remove the NUL character from the name",
        ))
    } else {
        None
    };
    match problem {
        Some((message, fix)) => Err(source.error(name.span(), message, fix)),
        None => Ok(()),
    }
}

fn read_value<'v>(source: &SourceText<'_>, name: &str, value: &'v Spanned<Value>) -> Result<&'v str, PolicyError> {
    let text = match value.get_ref() {
        Value::String(text) => text,
        other => {
            return Err(source.error(
                value.span(),
                format!("environment variable {name} must be a string, found {} {other}", other.type_str()),
                format!("quote the value, for example {name} = \"{}\"", unquoted(other)),
            ));
        }
    };
    if text.contains('\0') {
        return Err(source.error(
            value.span(),
            format!("value of environment variable {name} contains a NUL character"),
            "remove the NUL character from the value",
        ));
    }
    Ok(text)
}

/// Formats a scalar as it would read inside quotes, such as `1` or `true`. Arrays and
/// tables fall back to "value", since quoting them makes no sense.
fn unquoted(value: &Value) -> String {
    match value {
        Value::Integer(_) | Value::Float(_) | Value::Boolean(_) | Value::Datetime(_) => value.to_string(),
        _ => "value".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Policy, PolicyError};

    fn env_of(text: &str) -> Result<Vec<(String, String)>, PolicyError> {
        Policy::parse(text, "p.toml", std::path::Path::new(".")).map(|policy| policy.env)
    }

    fn error_of(text: &str) -> PolicyError {
        match env_of(text) {
            Ok(env) => panic!("expected an error, got {env:?}"),
            Err(error) => error,
        }
    }

    fn pair(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }

    #[test]
    fn variables_sorted_by_name() {
        let env = env_of("[env]\nZED = \"z\"\nLANG = \"C.UTF-8\"\nA = \"\"\n").ok();
        assert_eq!(env, Some(vec![pair("A", ""), pair("LANG", "C.UTF-8"), pair("ZED", "z")]));
    }

    #[test]
    fn empty_table_gives_no_variables() {
        assert_eq!(env_of("[env]\n").ok(), Some(Vec::new()));
    }

    #[test]
    fn name_with_equals_rejected() {
        let error = error_of("[env]\n\"A=B\" = \"x\"\n");
        assert_eq!(
            error.to_string(),
            "p.toml:2:1: environment variable name \"A=B\" contains \"=\" \
             (fix: remove the \"=\" from the name)"
        );
    }

    #[test]
    fn empty_name_rejected() {
        assert_eq!(error_of("[env]\n\"\" = \"x\"\n").message, "environment variable name is empty");
    }

    #[test]
    fn name_with_nul_rejected() {
        let error = error_of("[env]\n\"A\\u0000B\" = \"x\"\n");
        assert!(error.message.contains("contains a NUL character"));
    }

    #[test]
    fn value_with_nul_rejected() {
        let error = error_of("[env]\nA = \"x\\u0000y\"\n");
        assert_eq!(error.message, "value of environment variable A contains a NUL character");
    }

    #[test]
    fn integer_value_rejected() {
        let error = error_of("[env]\nDEBUG = 1\n");
        assert_eq!(
            error.to_string(),
            "p.toml:2:9: environment variable DEBUG must be a string, found integer 1 \
             (fix: quote the value, for example DEBUG = \"1\")"
        );
    }

    #[test]
    fn array_value_rejected() {
        let error = error_of("[env]\nPATHS = [\"a\"]\n");
        assert!(error.message.contains("must be a string, found array"));
    }

    #[test]
    fn duplicate_name_rejected() {
        let error = error_of("[env]\nA = \"1\"\nA = \"2\"\n");
        assert_eq!(error.line, Some(3));
    }
}
