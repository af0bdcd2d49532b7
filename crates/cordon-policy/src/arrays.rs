//! Arrays of strings in a policy (`hosts`, `deny-actions`,
//! `allowed-regions`), read with the span of each element so that an invalid
//! element gets its own line and column.
//!
//! `toml::Value::Array` drops the spans of its elements, which is why these
//! keys are not read as a plain `Spanned<Value>`.

use std::fmt;
use std::ops::Range;

use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::{Spanned, Value};

use crate::error::{PolicyError, SourceText};

/// An array as written, each element with its span.
#[derive(Debug)]
pub(crate) struct SpannedArray(Vec<Spanned<Value>>);

impl<'de> Deserialize<'de> for SpannedArray {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(SpannedArrayVisitor)
    }
}

struct SpannedArrayVisitor;

impl<'de> Visitor<'de> for SpannedArrayVisitor {
    type Value = SpannedArray;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an array of strings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut elements: A) -> Result<SpannedArray, A::Error> {
        let mut values = Vec::new();
        while let Some(element) = elements.next_element()? {
            values.push(element);
        }
        Ok(SpannedArray(values))
    }
}

/// A string element of an array with the span of its value.
pub(crate) struct SpannedString<'a> {
    pub(crate) text: &'a str,
    pub(crate) span: Range<usize>,
}

/// Returns the elements of the array under `key`, or an error at the first
/// element that is not a string. `example` is a whole `key = [...]` line for
/// the fix.
pub(crate) fn read_strings<'a>(
    source: &SourceText<'_>,
    key: &str,
    array: &'a SpannedArray,
    example: &str,
) -> Result<Vec<SpannedString<'a>>, PolicyError> {
    let mut strings = Vec::with_capacity(array.0.len());
    for (index, element) in array.0.iter().enumerate() {
        let Value::String(text) = element.get_ref() else {
            return Err(source.error(
                element.span(),
                format!(
                    "{key} entry {} must be a string, found {} {}",
                    index + 1,
                    element.get_ref().type_str(),
                    element.get_ref()
                ),
                format!("write each entry as a quoted string, for example {example}"),
            ));
        };
        strings.push(SpannedString { text, span: element.span() });
    }
    Ok(strings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Document {
        items: Spanned<SpannedArray>,
    }

    fn strings_of(text: &str) -> Result<Vec<(String, usize)>, PolicyError> {
        let source = SourceText::new("a.toml", text);
        let document: Document = toml::from_str(text).map_err(|error| source.toml_error(&error))?;
        let strings = read_strings(&source, "items", document.items.get_ref(), "items = [\"a\"]")?;
        Ok(strings.into_iter().map(|string| (string.text.to_owned(), string.span.start)).collect())
    }

    fn error_of(text: &str) -> PolicyError {
        match strings_of(text) {
            Ok(strings) => panic!("expected an error, got {strings:?}"),
            Err(error) => error,
        }
    }

    #[test]
    fn strings_keep_element_spans() {
        let strings = strings_of("items = [\"a\", \"bc\"]\n").ok();
        assert_eq!(strings, Some(vec![("a".to_owned(), 9), ("bc".to_owned(), 14)]));
    }

    #[test]
    fn empty_array_gives_nothing() {
        assert_eq!(strings_of("items = []\n").ok(), Some(Vec::new()));
    }

    #[test]
    fn integer_element_positioned() {
        let error = error_of("items = [\"a\",\n  5]\n");
        assert_eq!(
            error.to_string(),
            "a.toml:2:3: items entry 2 must be a string, found integer 5 \
             (fix: write each entry as a quoted string, for example items = [\"a\"])"
        );
    }

    #[test]
    fn string_instead_of_array_rejected() {
        let error = error_of("items = \"a\"\n");
        assert_eq!(error.message, "invalid type: string \"a\", expected an array of strings");
    }

    #[test]
    fn table_instead_of_array_positioned() {
        let error = error_of("\nitems = { a = 1 }\n");
        assert_eq!((error.line, error.column), (Some(2), Some(9)));
    }
}
