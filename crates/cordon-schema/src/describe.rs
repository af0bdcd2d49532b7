//! Short descriptions for argument errors: what a type expects, in JSON terms, and an excerpt of what was given.

use std::io;

use cordon_runtime::types::Type;
use serde_json::Value;

use crate::path::quote_all;

/// The maximum length of the excerpt of a given value that a message shows, in bytes. Arguments can be large, and a message has
/// to stay one readable line.
const MAX_EXCERPT_BYTES: usize = 80;

/// Describes the JSON a type expects, as it follows "expected" in a message.
pub(crate) fn expected(ty: &Type) -> String {
    match ty {
        Type::Bool => "a boolean".to_owned(),
        Type::S8 => integer_range(i8::MIN, i8::MAX),
        Type::U8 => integer_range(u8::MIN, u8::MAX),
        Type::S16 => integer_range(i16::MIN, i16::MAX),
        Type::U16 => integer_range(u16::MIN, u16::MAX),
        Type::S32 => integer_range(i32::MIN, i32::MAX),
        Type::U32 => integer_range(u32::MIN, u32::MAX),
        Type::S64 => integer_range(i64::MIN, i64::MAX),
        Type::U64 => integer_range(u64::MIN, u64::MAX),
        Type::Float32 => format!("a number from {} to {}", f32::MIN, f32::MAX),
        Type::Float64 => "a number".to_owned(),
        Type::Char => "a string of one character".to_owned(),
        Type::String => "a string".to_owned(),
        Type::List(_) => "an array".to_owned(),
        Type::FixedLengthList(list) => format!("an array of {} items", list.len()),
        Type::Tuple(tuple) => format!("an array of {} items", tuple.types().len()),
        Type::Record(_) => "an object".to_owned(),
        Type::Option(option) => format!("{} or null", expected(&option.ty())),
        Type::Enum(enumeration) => format!("one of {}", quote_all(enumeration.names())),
        Type::Flags(flags) => format!("an array of distinct strings from {}", quote_all(flags.names())),
        Type::Variant(variant) => {
            let bare: Vec<&str> = variant.cases().filter(|case| case.ty.is_none()).map(|case| case.name).collect();
            let with_payload: Vec<&str> =
                variant.cases().filter(|case| case.ty.is_some()).map(|case| case.name).collect();
            match (bare.is_empty(), with_payload.is_empty()) {
                (false, true) => format!("one of {}", quote_all(bare)),
                (true, false) => format!("an object with a single key from {}", quote_all(with_payload)),
                _ => format!(
                    "one of {}, or an object with a single key from {}",
                    quote_all(bare),
                    quote_all(with_payload)
                ),
            }
        }
        Type::Result(_) => r#"an object with a single key, "ok" or "err""#.to_owned(),
        Type::Map(map) if matches!(map.key(), Type::String) => "an object".to_owned(),
        Type::Map(_) => "an array of [key, value] pairs".to_owned(),
        Type::Own(_) | Type::Borrow(_) | Type::Future(_) | Type::Stream(_) | Type::ErrorContext => {
            "a type with a JSON form".to_owned()
        }
    }
}

fn integer_range(minimum: impl std::fmt::Display, maximum: impl std::fmt::Display) -> String {
    format!("an integer from {minimum} to {maximum}")
}

/// Renders a given value as compact JSON, cut to [`MAX_EXCERPT_BYTES`]. Serialization stops once the limit is
/// passed, so a huge argument costs no more than a small one.
pub(crate) fn excerpt(json: &Value) -> String {
    let mut buffer = BoundedBuffer { bytes: Vec::new(), limit: MAX_EXCERPT_BYTES + 1 };
    // An error here only means the buffer is full, and the bytes written so far are what is wanted.
    let _ = serde_json::to_writer(&mut buffer, json);

    let mut bytes = buffer.bytes;
    let cut = bytes.len() > MAX_EXCERPT_BYTES;
    bytes.truncate(MAX_EXCERPT_BYTES);
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        // The cut fell inside a multi-byte character, so drop its partial bytes.
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let mut bytes = error.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).unwrap_or_default()
        }
    };
    if cut { format!("{text}…") } else { text }
}

/// A writer that keeps at most `limit` bytes and then fails, to end serialization early.
struct BoundedBuffer {
    bytes: Vec<u8>,
    limit: usize,
}

impl io::Write for BoundedBuffer {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        let room = self.limit.saturating_sub(self.bytes.len());
        if room == 0 {
            return Err(io::Error::other("excerpt is full"));
        }
        let accepted = room.min(buffer.len());
        self.bytes.extend_from_slice(&buffer[..accepted]);
        Ok(accepted)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_value_excerpt_is_whole() {
        assert_eq!(excerpt(&serde_json::json!({ "a": [1, "x"] })), r#"{"a":[1,"x"]}"#);
    }

    #[test]
    fn long_value_excerpt_is_cut() {
        let long = Value::String("y".repeat(10_000));
        let rendered = excerpt(&long);
        assert_eq!(rendered.len(), MAX_EXCERPT_BYTES + '…'.len_utf8());
        assert!(rendered.ends_with('…'));
    }

    #[test]
    fn excerpt_cut_keeps_utf8_whole() {
        // A quote, then three-byte characters: the limit falls inside one of them.
        let long = Value::String("€".repeat(100));
        let rendered = excerpt(&long);
        let without_mark = rendered.trim_end_matches('…');
        assert_eq!(without_mark.len(), 1 + 3 * ((MAX_EXCERPT_BYTES - 1) / 3));
    }

    #[test]
    fn excerpt_escapes_line_breaks() {
        assert_eq!(excerpt(&Value::String("a\nb".to_owned())), r#""a\nb""#);
    }
}
