//! Counting of lines, words, bytes and characters, fed one line at a time.

use crate::{Measures, Stats, ToolError};

/// Running totals for the requested measures.
pub struct Counter {
    measures: Measures,
    lines: u64,
    words: u64,
    bytes: u64,
    chars: u64,
    /// Line number, length in characters and text of the first longest line so far.
    longest_line: Option<(u64, u64, String)>,
}

impl Counter {
    /// Starts counting with all totals at zero.
    pub fn new(measures: Measures) -> Self {
        Counter {
            measures,
            lines: 0,
            words: 0,
            bytes: 0,
            chars: 0,
            longest_line: None,
        }
    }

    /// Adds every line of `text`.
    pub fn add_text(&mut self, text: &str) {
        for line in text.split_inclusive('\n') {
            self.add_line(line);
        }
    }

    /// Adds one line, given with its line break unless it is the last line and has none.
    pub fn add_line(&mut self, line: &str) {
        self.lines += 1;
        self.bytes += line.len() as u64;
        if self.measures.contains(Measures::WORDS) {
            self.words += line.split_whitespace().count() as u64;
        }
        if self.measures.contains(Measures::CHARS) {
            self.chars += line.chars().count() as u64;
        }
        if self.measures.contains(Measures::LONGEST_LINE) {
            self.track_longest_line(line);
        }
    }

    /// Returns the requested measures, or `failed` when the longest line's number does not fit the `u32` of the
    /// result.
    pub fn finish(self) -> Result<Stats, ToolError> {
        let requested = |measure: Measures, value: u64| self.measures.contains(measure).then_some(value);
        let longest_line = match self.longest_line {
            Some((number, _, text)) => {
                let number = u32::try_from(number).map_err(|_| {
                    ToolError::Failed(format!(
                        "the longest line is line {number}, beyond the u32 range of the result"
                    ))
                })?;
                Some((number, text))
            }
            None => None,
        };

        Ok(Stats {
            lines: requested(Measures::LINES, self.lines),
            words: requested(Measures::WORDS, self.words),
            bytes: requested(Measures::BYTES, self.bytes),
            chars: requested(Measures::CHARS, self.chars),
            longest_line,
        })
    }

    fn track_longest_line(&mut self, line: &str) {
        let text = strip_line_break(line);
        let length = text.chars().count() as u64;
        let is_longer = match &self.longest_line {
            Some((_, longest, _)) => length > *longest,
            None => true,
        };
        if is_longer {
            self.longest_line = Some((self.lines, length, text.to_string()));
        }
    }
}

/// Removes a trailing `\n` or `\r\n`.
fn strip_line_break(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure_text(text: &str, measures: Measures) -> Stats {
        let mut counter = Counter::new(measures);
        counter.add_text(text);
        counter.finish().unwrap()
    }

    #[test]
    fn lines_count_final_unterminated_line() {
        assert_eq!(measure_text("a\nb", Measures::LINES).lines, Some(2));
    }

    #[test]
    fn lines_ignore_trailing_break() {
        assert_eq!(measure_text("a\n", Measures::LINES).lines, Some(1));
    }

    #[test]
    fn empty_text_has_no_lines() {
        assert_eq!(measure_text("", Measures::LINES).lines, Some(0));
    }

    #[test]
    fn words_split_on_unicode_whitespace() {
        assert_eq!(
            measure_text("one  two\u{3000}three\n\tfour", Measures::WORDS).words,
            Some(4)
        );
    }

    #[test]
    fn bytes_count_utf8_encoding() {
        assert_eq!(measure_text("é\n", Measures::BYTES).bytes, Some(3));
    }

    #[test]
    fn chars_count_scalar_values() {
        assert_eq!(measure_text("é\n", Measures::CHARS).chars, Some(2));
    }

    #[test]
    fn longest_line_prefers_first_tie() {
        let stats = measure_text("ab\ncd\r\nabc\nxyz\n", Measures::LONGEST_LINE);
        assert_eq!(stats.longest_line, Some((3, "abc".to_string())));
    }

    #[test]
    fn longest_line_ignores_crlf() {
        let stats = measure_text("abc\r\nabcd", Measures::LONGEST_LINE);
        assert_eq!(stats.longest_line, Some((2, "abcd".to_string())));
    }

    #[test]
    fn longest_line_counts_characters() {
        let stats = measure_text("ééé\nabcd\n", Measures::LONGEST_LINE);
        assert_eq!(stats.longest_line, Some((2, "abcd".to_string())));
    }

    #[test]
    fn longest_line_absent_for_empty_text() {
        assert_eq!(measure_text("", Measures::LONGEST_LINE).longest_line, None);
    }

    #[test]
    fn unrequested_measures_are_absent() {
        let stats = measure_text("a b\n", Measures::WORDS);
        assert_eq!(stats.lines, None);
        assert_eq!(stats.bytes, None);
        assert_eq!(stats.chars, None);
        assert_eq!(stats.longest_line, None);
    }
}
