//! The error returned for a policy that cannot be read or is invalid, and the
//! mapping from byte offsets in the policy text to 1-based lines and columns.

use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// A policy that could not be read, parsed or validated.
///
/// It displays as one line, `FILE:LINE:COL: MESSAGE (fix: HINT)`. An error
/// without a position (only a file that cannot be read) displays as
/// `MESSAGE (fix: HINT)`, and its message names the file itself.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}{} (fix: {})", self.location_prefix(), self.message, self.fix)]
pub struct PolicyError {
    /// Display name of the policy source: the path given to
    /// [`Policy::load`](crate::Policy::load) or the origin given to
    /// [`Policy::parse`](crate::Policy::parse).
    pub origin: String,
    /// 1-based line of the offending value or key, when known.
    pub line: Option<usize>,
    /// 1-based column of the offending value or key, counted in characters,
    /// when known.
    pub column: Option<usize>,
    /// Description of the problem, naming the key and the value.
    pub message: String,
    /// Change that makes the policy load.
    pub fix: String,
    /// The I/O error behind a policy file that cannot be read. It is shared
    /// so that the error stays `Clone`.
    #[source]
    source: Option<Arc<io::Error>>,
}

impl PolicyError {
    /// Returns the display name of the policy source.
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Returns the 1-based line of the offending value or key, when known.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// Returns the 1-based column of the offending value or key, when known.
    #[must_use]
    pub fn column(&self) -> Option<usize> {
        self.column
    }

    /// Returns the description of the problem, without the position and the
    /// fix.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns the change that makes the policy load.
    #[must_use]
    pub fn fix(&self) -> &str {
        &self.fix
    }

    /// Builds the error for a policy file that cannot be read.
    pub(crate) fn read(path: &Path, error: io::Error) -> PolicyError {
        let fix = match error.kind() {
            io::ErrorKind::InvalidData => "save the policy as UTF-8 text",
            io::ErrorKind::PermissionDenied => "check the file's permissions",
            _ => "check the path",
        };
        PolicyError {
            origin: path.display().to_string(),
            line: None,
            column: None,
            message: format!("cannot read policy {}: {error}", path.display()),
            fix: fix.to_owned(),
            source: Some(Arc::new(error)),
        }
    }

    fn location_prefix(&self) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}: ", self.origin),
            (Some(line), None) => format!("{}:{line}: ", self.origin),
            _ => String::new(),
        }
    }
}

/// The text of a policy with its display name, used to turn byte spans into
/// positioned errors.
pub(crate) struct SourceText<'a> {
    origin: &'a str,
    text: &'a str,
}

impl<'a> SourceText<'a> {
    pub(crate) fn new(origin: &'a str, text: &'a str) -> SourceText<'a> {
        SourceText { origin, text }
    }

    /// Builds an error pointing at the start of `span`.
    pub(crate) fn error(&self, span: Range<usize>, message: impl Into<String>, fix: impl Into<String>) -> PolicyError {
        let (line, column) = line_and_column(self.text, span.start);
        PolicyError {
            origin: self.origin.to_owned(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
            fix: fix.into(),
            source: None,
        }
    }

    /// Returns the string in `value`, or an error naming `key` and its
    /// actual type with `example` as the fix.
    pub(crate) fn require_string<'v>(
        &self,
        value: &'v toml::Spanned<toml::Value>,
        key: &str,
        example: &str,
    ) -> Result<&'v str, PolicyError> {
        match value.get_ref() {
            toml::Value::String(text) => Ok(text),
            other => Err(self.error(
                value.span(),
                format!("{key} must be a string, found {} {other}", other.type_str()),
                format!("write it as a quoted string, for example {example}"),
            )),
        }
    }

    /// 1-based line on which `span` starts.
    pub(crate) fn line_of(&self, span: &Range<usize>) -> usize {
        line_and_column(self.text, span.start).0
    }

    /// Converts a TOML syntax or shape error (unknown key, wrong type,
    /// duplicate key) into a positioned error.
    pub(crate) fn toml_error(&self, error: &toml::de::Error) -> PolicyError {
        let message = error.message().trim_end();
        let fix = fix_for_toml_message(message);
        match error.span() {
            Some(span) => self.error(span, message, fix),
            // NOTE: every toml 0.9 error seen in this crate's tests has a span.
            // This arm keeps an error readable if one ever lacks it.
            None => PolicyError {
                origin: self.origin.to_owned(),
                line: None,
                column: None,
                message: format!("invalid policy {}: {message}", self.origin),
                fix: fix.to_owned(),
                source: None,
            },
        }
    }
}

/// Picks a fix hint for an error raised by the toml parser or by serde.
///
/// The prefixes are the fixed wording of serde's `unknown_field`,
/// `missing_field`, `invalid_type` and `invalid_value` errors and of toml's
/// duplicate-key error. An unrecognised message gets the syntax hint.
fn fix_for_toml_message(message: &str) -> &'static str {
    if message.starts_with("unknown field") {
        "remove the key or correct its spelling"
    } else if message.starts_with("missing field") {
        "add the missing key"
    } else if message.starts_with("duplicate key") {
        "keep only one of the two definitions"
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        "change the value to the expected type"
    } else {
        "correct the TOML syntax at this position"
    }
}

/// Converts a byte offset into a 1-based line and a 1-based column counted
/// in characters. An offset past the end or inside a character is moved back
/// to the nearest character boundary.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or_default();

    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_zero_is_line_one() {
        assert_eq!(line_and_column("a = 1\n", 0), (1, 1));
    }

    #[test]
    fn offset_after_newline_starts_line() {
        assert_eq!(line_and_column("a = 1\nb = 2\n", 6), (2, 1));
    }

    #[test]
    fn column_counts_characters_not_bytes() {
        // "é" is two bytes in UTF-8, so byte 7 is the sixth character.
        assert_eq!(line_and_column("x = \"é\"", 7), (1, 7));
    }

    #[test]
    fn offset_inside_character_moves_back() {
        assert_eq!(line_and_column("é", 1), (1, 1));
    }

    #[test]
    fn offset_past_end_is_clamped() {
        assert_eq!(line_and_column("ab\ncd", 99), (2, 3));
    }

    #[test]
    fn display_has_position_and_fix() {
        let source = SourceText::new("p.toml", "x = 1\ny = 2\n");
        let error = source.error(10..11, "y is wrong", "remove y");
        assert_eq!(error.to_string(), "p.toml:2:5: y is wrong (fix: remove y)");
    }

    #[test]
    fn read_error_names_file() {
        let error = PolicyError::read(Path::new("missing.toml"), io::Error::new(io::ErrorKind::NotFound, "not there"));
        assert_eq!(error.to_string(), "cannot read policy missing.toml: not there (fix: check the path)");
    }

    #[test]
    fn read_error_has_io_source() {
        let error = PolicyError::read(Path::new("missing.toml"), io::Error::new(io::ErrorKind::NotFound, "not there"));
        assert!(std::error::Error::source(&error).is_some());
    }

    #[test]
    fn read_error_has_no_position() {
        let error = PolicyError::read(Path::new("missing.toml"), io::Error::new(io::ErrorKind::NotFound, "not there"));
        assert_eq!(error.line(), None);
    }
}
