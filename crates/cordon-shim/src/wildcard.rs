//! Matching of IAM-style wildcard patterns, where `*` matches any run of
//! characters, including none, and `?` matches exactly one character.
//! Action names, resource ARNs and `StringLike` condition values all use
//! this syntax.

/// Reports whether `text` matches `pattern`.
///
/// With `ignore_case`, ASCII letters compare without regard to case, as IAM
/// compares action names. The matcher backtracks only to the latest `*`, so
/// it runs in O(pattern length × text length) time in the worst case and
/// uses no recursion.
pub(crate) fn wildcard_matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let same = |left: char, right: char| {
        if ignore_case { left.eq_ignore_ascii_case(&right) } else { left == right }
    };

    let mut pattern_index = 0;
    let mut text_index = 0;
    // Position of the latest `*` in the pattern and the text position it was
    // tried at, to resume from when a later character fails to match.
    let mut last_star: Option<(usize, usize)> = None;

    while text_index < text.len() {
        let current = pattern.get(pattern_index).copied();
        match current {
            Some('*') => {
                last_star = Some((pattern_index, text_index));
                pattern_index += 1;
            }
            Some(character) if character == '?' || same(character, text[text_index]) => {
                pattern_index += 1;
                text_index += 1;
            }
            _ => match last_star {
                Some((star_index, star_text_index)) => {
                    pattern_index = star_index + 1;
                    text_index = star_text_index + 1;
                    last_star = Some((star_index, star_text_index + 1));
                }
                None => return false,
            },
        }
    }

    pattern[pattern_index..].iter().all(|&character| character == '*')
}

/// Reports whether a pattern contains a wildcard character.
pub(crate) fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_matches_itself() {
        assert!(wildcard_matches("s3:GetObject", "s3:GetObject", false));
        assert!(!wildcard_matches("s3:GetObject", "s3:GetObjects", false));
        assert!(!wildcard_matches("s3:GetObjects", "s3:GetObject", false));
    }

    #[test]
    fn star_matches_any_run() {
        assert!(wildcard_matches("s3:Delete*", "s3:DeleteObject", false));
        assert!(wildcard_matches("s3:Delete*", "s3:Delete", false));
        assert!(wildcard_matches("*", "", false));
        assert!(wildcard_matches("*", "anything:at-all", false));
        assert!(wildcard_matches("a*b*c", "axxbyyc", false));
        assert!(wildcard_matches("a*b*c", "abcbc", false));
        assert!(!wildcard_matches("a*b*c", "axxbyy", false));
    }

    #[test]
    fn question_mark_matches_one_character() {
        assert!(wildcard_matches("t3.?", "t3.x", false));
        assert!(!wildcard_matches("t3.?", "t3.", false));
        assert!(!wildcard_matches("t3.?", "t3.xl", false));
        assert!(wildcard_matches("?", "é", false));
    }

    #[test]
    fn case_is_ignored_on_request() {
        assert!(wildcard_matches("S3:delete*", "s3:DeleteObject", true));
        assert!(!wildcard_matches("S3:delete*", "s3:DeleteObject", false));
    }

    #[test]
    fn backtracking_finds_late_match() {
        assert!(wildcard_matches("*ab", "aaab", false));
        assert!(!wildcard_matches("*a*a*a*b", &"a".repeat(5000), false));
        assert!(!wildcard_matches(&"*a".repeat(50), &"a".repeat(49), false));
    }

    #[test]
    fn has_wildcard_detects_both() {
        assert!(has_wildcard("s3:*"));
        assert!(has_wildcard("t3.?"));
        assert!(!has_wildcard("s3:GetObject"));
    }
}
