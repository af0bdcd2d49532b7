//! A serde wrapper that accepts only a TOML table for a struct.
//!
//! Serde's derived struct visitors also accept an array and fill the fields
//! by position, so without this wrapper `[[scratch]]` or
//! `fs = [[".", "/w", "read-only"]]` would load as if written as tables.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A value that a policy must write as a TOML table.
pub(crate) trait TableShape {
    /// Description of the table for "expected ..." in a type error, such as
    /// "a [limits] table".
    const EXPECTING: &'static str;
}

/// A `T` read from a TOML table, never from an array or a scalar.
#[derive(Debug)]
pub(crate) struct TableOnly<T>(pub(crate) T);

impl<'de, T> Deserialize<'de> for TableOnly<T>
where
    T: Deserialize<'de> + TableShape,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TableVisitor(PhantomData))
    }
}

struct TableVisitor<T>(PhantomData<T>);

impl<'de, T> Visitor<'de> for TableVisitor<T>
where
    T: Deserialize<'de> + TableShape,
{
    type Value = TableOnly<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(T::EXPECTING)
    }

    // NOTE: toml 0.9 hands a datetime to visitors as a one-entry map, so a
    // datetime where a table belongs is reported as an unknown field named
    // `$__toml_private_datetime` rather than as a type error.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(TableOnly)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::Policy;

    fn message_of(text: &str) -> String {
        match Policy::parse(text, "p.toml", Path::new(".")) {
            Ok(policy) => panic!("expected an error, got {policy:?}"),
            Err(error) => error.message,
        }
    }

    #[test]
    fn scratch_array_rejected() {
        assert_eq!(
            message_of("[[scratch]]\nguest = \"/s\"\n"),
            "invalid type: sequence, expected a [scratch] table with a guest path"
        );
    }

    #[test]
    fn positional_mount_rejected() {
        assert!(message_of("fs = [[\".\", \"/w\", \"read-only\"]]\n").starts_with("invalid type: sequence"));
    }

    #[test]
    fn limits_array_rejected() {
        assert!(message_of("limits = [1]\n").contains("expected a [limits] table"));
    }

    #[test]
    fn fs_table_needs_double_brackets() {
        assert_eq!(message_of("[fs]\nhost = \".\"\n"), "invalid type: map, expected an array of [[fs]] tables");
    }

    #[test]
    fn env_scalar_rejected() {
        assert!(message_of("env = 5\n").contains("expected an [env] table"));
    }
}
