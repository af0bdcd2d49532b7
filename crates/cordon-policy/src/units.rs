//! Byte sizes written with a unit ("64 MiB", "1 MB", "512 B"), parsed into
//! bytes and formatted back for display.

/// One kibibyte, 1024 bytes.
pub const KIB: u64 = 1024;
/// One mebibyte, 1024 KiB.
pub const MIB: u64 = 1024 * KIB;
/// One gibibyte, 1024 MiB.
pub const GIB: u64 = 1024 * MIB;

/// Units accepted by [`parse_byte_size`], with their size in bytes.
///
/// Units are case-sensitive because "Mb" and "mb" conventionally mean
/// megabits, so guessing would silently change a limit eightfold.
const UNITS: [(&str, u64); 7] =
    [("B", 1), ("KB", 1000), ("KiB", KIB), ("MB", 1000 * 1000), ("MiB", MIB), ("GB", 1000 * 1000 * 1000), ("GiB", GIB)];

/// Maximum number of decimal places that can still give a whole number of bytes,
/// because a unit is at most 2^30 bytes.
const MAX_FRACTION_DIGITS: u32 = 30;

/// Parses a byte size such as `"64 MiB"`, `"1.5GB"`, `"512 B"` or `"1024"`.
///
/// The number is a decimal integer or fraction, optionally followed by
/// spaces and one of the units B, KB, KiB, MB, MiB, GB or GiB. A number
/// without a unit is bytes. A fraction must come to a whole number of bytes.
///
/// # Errors
///
/// Returns a message naming the problem when the text is empty, has no
/// number, has an unknown unit, is not a whole number of bytes, or is larger
/// than `u64::MAX` bytes.
pub fn parse_byte_size(text: &str) -> Result<u64, String> {
    parse_size(text).map_err(|error| match error {
        SizeError::UnknownUnit { .. } => {
            format!("{error} (accepted units: B, KB, KiB, MB, MiB, GB, GiB)")
        }
        _ => error.to_string(),
    })
}

/// Formats a byte count with the largest unit that divides it exactly, such
/// as "64 MiB", "1 MB" or "1000 B", so that the text parses back to the same
/// count.
#[must_use]
pub fn format_byte_size(bytes: u64) -> String {
    const DISPLAY_ORDER: [(&str, u64); 6] =
        [("GiB", GIB), ("MiB", MIB), ("KiB", KIB), ("GB", 1000 * 1000 * 1000), ("MB", 1000 * 1000), ("KB", 1000)];
    for (unit, size) in DISPLAY_ORDER {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{} {unit}", bytes / size);
        }
    }
    format!("{bytes} B")
}

/// Reason a byte size could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SizeError {
    #[error("the size is empty")]
    Empty,
    #[error("it does not start with a number")]
    MissingNumber,
    #[error("unknown unit \"{unit}\"")]
    UnknownUnit { number: String, unit: String },
    #[error("it is not a whole number of bytes")]
    NotWholeBytes,
    #[error("it is larger than {} bytes", u64::MAX)]
    TooLarge,
}

/// Parses a byte size, keeping the cause of a failure as a value so that
/// callers can pick a fix for it.
pub(crate) fn parse_size(text: &str) -> Result<u64, SizeError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SizeError::Empty);
    }

    let number_end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at_checked(number_end).unwrap_or((text, ""));
    let unit = unit.trim_start();

    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let has_point = number.contains('.');
    if whole.is_empty() || (has_point && fraction.is_empty()) || fraction.contains('.') {
        return Err(SizeError::MissingNumber);
    }

    let multiplier = if unit.is_empty() {
        1
    } else {
        UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, size)| *size)
            .ok_or_else(|| SizeError::UnknownUnit { number: number.to_owned(), unit: unit.to_owned() })?
    };

    scale_to_bytes(whole, fraction.trim_end_matches('0'), multiplier)
}

/// Computes `whole.fraction × multiplier` exactly, in integers.
fn scale_to_bytes(whole: &str, fraction: &str, multiplier: u64) -> Result<u64, SizeError> {
    let fraction_digits = u32::try_from(fraction.len()).unwrap_or(u32::MAX);
    if fraction_digits > MAX_FRACTION_DIGITS {
        return Err(SizeError::NotWholeBytes);
    }
    let denominator = 10u128.pow(fraction_digits);

    // Both parts contain only ASCII digits here, so a parse failure means
    // the number does not fit in a u128.
    let whole: u128 = whole.parse().map_err(|_| SizeError::TooLarge)?;
    let fraction: u128 = if fraction.is_empty() { 0 } else { fraction.parse().map_err(|_| SizeError::TooLarge)? };

    let scaled = whole
        .checked_mul(denominator)
        .and_then(|value| value.checked_add(fraction))
        .and_then(|value| value.checked_mul(u128::from(multiplier)))
        .ok_or(SizeError::TooLarge)?;
    if scaled % denominator != 0 {
        return Err(SizeError::NotWholeBytes);
    }
    u64::try_from(scaled / denominator).map_err(|_| SizeError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_unit_parses() {
        assert_eq!(parse_byte_size("512 B"), Ok(512));
    }

    #[test]
    fn bare_number_is_bytes() {
        assert_eq!(parse_byte_size("1024"), Ok(1024));
    }

    #[test]
    fn kilobytes_are_decimal() {
        assert_eq!(parse_byte_size("2 KB"), Ok(2000));
    }

    #[test]
    fn kibibytes_are_binary() {
        assert_eq!(parse_byte_size("2 KiB"), Ok(2048));
    }

    #[test]
    fn megabytes_are_decimal() {
        assert_eq!(parse_byte_size("3 MB"), Ok(3_000_000));
    }

    #[test]
    fn mebibytes_are_binary() {
        assert_eq!(parse_byte_size("64 MiB"), Ok(64 * MIB));
    }

    #[test]
    fn gigabytes_are_decimal() {
        assert_eq!(parse_byte_size("1 GB"), Ok(1_000_000_000));
    }

    #[test]
    fn gibibytes_are_binary() {
        assert_eq!(parse_byte_size("4 GiB"), Ok(4 * GIB));
    }

    #[test]
    fn space_before_unit_optional() {
        assert_eq!(parse_byte_size("64MiB"), Ok(64 * MIB));
    }

    #[test]
    fn surrounding_spaces_ignored() {
        assert_eq!(parse_byte_size("  1 KiB  "), Ok(KIB));
    }

    #[test]
    fn fraction_with_whole_bytes_parses() {
        assert_eq!(parse_byte_size("1.5 KiB"), Ok(1536));
    }

    #[test]
    fn fraction_trailing_zeros_ignored() {
        assert_eq!(parse_byte_size("2.50000 KB"), Ok(2500));
    }

    #[test]
    fn fraction_of_byte_rejected() {
        assert_eq!(parse_size("1.3 KiB"), Err(SizeError::NotWholeBytes));
    }

    #[test]
    fn megabit_spelling_rejected() {
        assert_eq!(
            parse_byte_size("64 Mb"),
            Err("unknown unit \"Mb\" (accepted units: B, KB, KiB, MB, MiB, GB, GiB)".to_owned())
        );
    }

    #[test]
    fn lowercase_unit_rejected() {
        assert!(matches!(parse_size("1 kib"), Err(SizeError::UnknownUnit { .. })));
    }

    #[test]
    fn trailing_words_rejected() {
        assert!(matches!(parse_size("1 MiB extra"), Err(SizeError::UnknownUnit { .. })));
    }

    #[test]
    fn empty_text_rejected() {
        assert_eq!(parse_size("  "), Err(SizeError::Empty));
    }

    #[test]
    fn unit_without_number_rejected() {
        assert_eq!(parse_size("MiB"), Err(SizeError::MissingNumber));
    }

    #[test]
    fn negative_number_rejected() {
        assert_eq!(parse_size("-1 MiB"), Err(SizeError::MissingNumber));
    }

    #[test]
    fn lone_point_rejected() {
        assert_eq!(parse_size(". KiB"), Err(SizeError::MissingNumber));
    }

    #[test]
    fn two_points_rejected() {
        assert_eq!(parse_size("1.2.3 KiB"), Err(SizeError::MissingNumber));
    }

    #[test]
    fn point_without_fraction_rejected() {
        assert_eq!(parse_size("1. KiB"), Err(SizeError::MissingNumber));
    }

    #[test]
    fn overflow_of_u64_rejected() {
        assert_eq!(parse_size("17179869184 GiB"), Err(SizeError::TooLarge));
    }

    #[test]
    fn overflow_of_u128_rejected() {
        let digits = "9".repeat(60);
        assert_eq!(parse_size(&digits), Err(SizeError::TooLarge));
    }

    #[test]
    fn long_fraction_rejected() {
        let text = format!("1.{}1 GiB", "0".repeat(40));
        assert_eq!(parse_size(&text), Err(SizeError::NotWholeBytes));
    }

    #[test]
    fn non_ascii_unit_rejected() {
        assert!(matches!(parse_size("5 ＭiB"), Err(SizeError::UnknownUnit { .. })));
    }

    #[test]
    fn format_picks_binary_unit() {
        assert_eq!(format_byte_size(256 * KIB), "256 KiB");
    }

    #[test]
    fn format_picks_decimal_unit() {
        assert_eq!(format_byte_size(1_000_000), "1 MB");
    }

    #[test]
    fn format_falls_back_to_bytes() {
        assert_eq!(format_byte_size(1001), "1001 B");
    }

    #[test]
    fn format_zero_is_bytes() {
        assert_eq!(format_byte_size(0), "0 B");
    }

    #[test]
    fn format_round_trips() {
        for bytes in [1, 999, 1000, 1024, 1536, 64 * MIB, 4 * GIB, 3_000_000_000] {
            assert_eq!(parse_byte_size(&format_byte_size(bytes)), Ok(bytes), "bytes {bytes}");
        }
    }
}
