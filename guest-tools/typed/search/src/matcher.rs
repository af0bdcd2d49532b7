//! Matching of a literal pattern against one line, by match mode and letter case.

use crate::MatchMode;

/// A pattern prepared for matching lines.
pub struct Matcher {
    /// The pattern, in lowercase when letter case is ignored.
    pattern: String,
    mode: MatchMode,
    case_sensitive: bool,
}

impl Matcher {
    /// Prepares `pattern`, which must not be empty, for matching in `mode`.
    pub fn new(pattern: &str, mode: MatchMode, case_sensitive: bool) -> Self {
        let pattern = if case_sensitive {
            pattern.to_string()
        } else {
            fold_case(pattern)
        };
        Matcher {
            pattern,
            mode,
            case_sensitive,
        }
    }

    /// Finds the first match in `line` and returns its character index, counted from 0.
    pub fn first_match(&self, line: &str) -> Option<usize> {
        let start = if self.case_sensitive {
            self.first_match_in(line, line, Some)
        } else {
            let folded = FoldedLine::new(line);
            self.first_match_in(line, &folded.text, |offset| folded.original_offset(offset))
        };
        start.map(|start| line[..start].chars().count())
    }

    /// Finds the first match in `haystack`, which is `line` itself or its folded form, and returns its byte offset in
    /// `line`. `to_line` maps a byte offset in `haystack` to the same place in `line`, or to `None` when the
    /// offset falls inside the folded form of a single character.
    fn first_match_in(&self, line: &str, haystack: &str, to_line: impl Fn(usize) -> Option<usize>) -> Option<usize> {
        let mut from = 0;
        while let Some(found) = haystack[from..].find(&self.pattern) {
            let start = from + found;
            let end = start + self.pattern.len();
            if let (Some(line_start), Some(line_end)) = (to_line(start), to_line(end))
                && self.fits_mode(line, line_start, line_end)
            {
                return Some(line_start);
            }

            // Occurrences may overlap, so the next search starts one character later, not after this one.
            from = start + haystack[start..].chars().next().map_or(1, char::len_utf8);
        }
        None
    }

    /// Checks the characters around `line[start..end]` against the match mode.
    fn fits_mode(&self, line: &str, start: usize, end: usize) -> bool {
        let word_before = line[..start].chars().next_back().is_some_and(is_word_char);
        let word_after = line[end..].chars().next().is_some_and(is_word_char);
        match self.mode {
            MatchMode::Literal => true,
            MatchMode::Prefix => !word_before,
            MatchMode::WholeWord => !word_before && !word_after,
        }
    }
}

/// A line with each character replaced by its lowercase form, which may be longer than the character.
struct FoldedLine {
    text: String,
    /// For each character of the line, the byte offset of its lowercase form in `text` and its own byte offset in
    /// the line, followed by the two lengths.
    offsets: Vec<(usize, usize)>,
}

impl FoldedLine {
    fn new(line: &str) -> Self {
        let mut text = String::with_capacity(line.len());
        let mut offsets = Vec::with_capacity(line.len() + 1);
        for (offset, character) in line.char_indices() {
            offsets.push((text.len(), offset));
            text.extend(character.to_lowercase());
        }
        offsets.push((text.len(), line.len()));
        FoldedLine { text, offsets }
    }

    /// Maps a byte offset in the folded text to the line, if it falls between two characters' folded forms.
    fn original_offset(&self, folded: usize) -> Option<usize> {
        let index = self.offsets.binary_search_by_key(&folded, |&(folded, _)| folded).ok()?;
        Some(self.offsets[index].1)
    }
}

/// Lowercases `text` one character at a time, as [`FoldedLine`] does, so that a pattern and a line fold alike.
fn fold_case(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// Checks whether `character` is a word character: a letter, a digit or `_`, in any script.
fn is_word_char(character: char) -> bool {
    character.is_alphanumeric() || character == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(pattern: &str, mode: MatchMode, case_sensitive: bool, line: &str) -> Option<usize> {
        Matcher::new(pattern, mode, case_sensitive).first_match(line)
    }

    #[test]
    fn literal_finds_inside_word() {
        assert_eq!(first("fuel", MatchMode::Literal, true, "refueling"), Some(2));
    }

    #[test]
    fn literal_misses_absent_pattern() {
        assert_eq!(first("fuel", MatchMode::Literal, true, "no such thing"), None);
    }

    #[test]
    fn column_counts_characters_not_bytes() {
        assert_eq!(first("fuel", MatchMode::Literal, true, "é→ fuel"), Some(3));
    }

    #[test]
    fn whole_word_skips_embedded_occurrence() {
        assert_eq!(
            first("fuel", MatchMode::WholeWord, true, "refuel, fuel_used, fuel."),
            Some(19)
        );
    }

    #[test]
    fn whole_word_accepts_line_edges() {
        assert_eq!(first("fuel", MatchMode::WholeWord, true, "fuel"), Some(0));
    }

    #[test]
    fn whole_word_treats_digits_as_word() {
        assert_eq!(first("v1", MatchMode::WholeWord, true, "v12 v1"), Some(4));
    }

    #[test]
    fn whole_word_finds_overlapping_occurrence() {
        // The occurrence at 1 follows the word character `x`, and the one at 3 starts inside it.
        assert_eq!(first("a-a", MatchMode::WholeWord, true, "xa-a-a"), Some(3));
    }

    #[test]
    fn prefix_requires_word_start() {
        assert_eq!(first("fuel", MatchMode::Prefix, true, "refuel fueling"), Some(7));
    }

    #[test]
    fn prefix_rejects_word_middle() {
        assert_eq!(first("fuel", MatchMode::Prefix, true, "refuel"), None);
    }

    #[test]
    fn case_sensitive_rejects_other_case() {
        assert_eq!(first("Fuel", MatchMode::Literal, true, "fuel"), None);
    }

    #[test]
    fn case_insensitive_matches_other_case() {
        assert_eq!(first("FUEL", MatchMode::Literal, false, "Low Fuel"), Some(4));
    }

    #[test]
    fn case_insensitive_handles_non_ascii() {
        assert_eq!(first("ÉTÉ", MatchMode::WholeWord, false, "un été chaud"), Some(3));
    }

    #[test]
    fn case_insensitive_column_after_expanding_char() {
        // `İ` lowercases to two characters, which must not shift the column.
        assert_eq!(first("x", MatchMode::Literal, false, "İx"), Some(1));
    }

    #[test]
    fn case_insensitive_rejects_partial_fold() {
        // `İ` lowercases to `i` followed by U+0307, so `i` alone covers only part of it.
        assert_eq!(first("i", MatchMode::Literal, false, "İ"), None);
    }
}
