//! IAM action patterns such as `s3:Delete*`, used by the `deny-actions` rule
//! and by the `Action` and `NotAction` elements of service control policies.

use std::fmt;
use std::str::FromStr;

use crate::wildcard::{has_wildcard, wildcard_matches};

/// An action pattern: `*` alone, or `service:action` where either part may
/// contain the wildcards `*` and `?`.
///
/// Matching ignores ASCII case, as IAM does, so `S3:deleteobject` matches
/// `s3:DeleteObject`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionPattern {
    text: String,
}

/// An action pattern that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionPatternError {
    /// The pattern is empty.
    #[error("empty action pattern (fix: write `service:action`, such as `s3:GetObject`, or `*`)")]
    Empty,
    /// The pattern has no `:` between service and action, or more than one.
    #[error(
        "invalid action pattern {pattern:?}: expected one `:` between service and action \
         (fix: write `service:action`, such as `s3:GetObject`, or `*`)"
    )]
    MissingServicePrefix {
        /// The pattern as given.
        pattern: String,
    },
    /// The service or action part is empty, as in `s3:` or `:GetObject`.
    #[error(
        "invalid action pattern {pattern:?}: the service or the action is empty \
         (fix: write `service:action`, such as `s3:GetObject`)"
    )]
    EmptyPart {
        /// The pattern as given.
        pattern: String,
    },
    /// The pattern contains a character that is not valid in an action name.
    #[error(
        "invalid character {character:?} in action pattern {pattern:?} \
         (fix: use only ASCII letters, digits, `-`, `_` and the wildcards `*` and `?`)"
    )]
    InvalidCharacter {
        /// The pattern as given.
        pattern: String,
        /// The first character that is not allowed.
        character: char,
    },
}

impl ActionPattern {
    /// Parses an action pattern.
    ///
    /// # Errors
    ///
    /// Returns an [`ActionPatternError`] for an empty pattern, a pattern that
    /// is not `*` and lacks exactly one `:`, an empty service or action part,
    /// or a character other than ASCII letters, digits, `-`, `_`, `*` and
    /// `?`.
    pub fn parse(pattern: &str) -> Result<ActionPattern, ActionPatternError> {
        if pattern.is_empty() {
            return Err(ActionPatternError::Empty);
        }
        if let Some(character) = pattern.chars().find(|&character| !is_pattern_character(character)) {
            return Err(ActionPatternError::InvalidCharacter { pattern: pattern.to_owned(), character });
        }
        if pattern != "*" {
            let Some((service, action)) = pattern.split_once(':') else {
                return Err(ActionPatternError::MissingServicePrefix { pattern: pattern.to_owned() });
            };
            if action.contains(':') {
                return Err(ActionPatternError::MissingServicePrefix { pattern: pattern.to_owned() });
            }
            if service.is_empty() || action.is_empty() {
                return Err(ActionPatternError::EmptyPart { pattern: pattern.to_owned() });
            }
        }

        Ok(ActionPattern { text: pattern.to_owned() })
    }

    /// Reports whether an action such as `s3:DeleteObject` matches the
    /// pattern, ignoring ASCII case.
    #[must_use]
    pub fn matches(&self, action: &str) -> bool {
        wildcard_matches(&self.text, action, true)
    }

    /// Returns the pattern as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns the service part of the pattern, or `*` for the pattern `*`.
    pub(crate) fn service_part(&self) -> &str {
        match self.text.split_once(':') {
            Some((service, _)) => service,
            None => "*",
        }
    }

    /// Reports whether the pattern contains `*` or `?`.
    pub(crate) fn has_wildcard(&self) -> bool {
        has_wildcard(&self.text)
    }
}

impl FromStr for ActionPattern {
    type Err = ActionPatternError;

    fn from_str(pattern: &str) -> Result<Self, Self::Err> {
        ActionPattern::parse(pattern)
    }
}

impl fmt::Display for ActionPattern {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text)
    }
}

fn is_pattern_character(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '-' | '_' | '*' | '?' | ':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> ActionPattern {
        match ActionPattern::parse(text) {
            Ok(pattern) => pattern,
            Err(error) => panic!("{text:?} should parse: {error}"),
        }
    }

    #[test]
    fn prefix_wildcard_matches_family() {
        let delete = pattern("s3:Delete*");
        assert!(delete.matches("s3:DeleteObject"));
        assert!(delete.matches("s3:DeleteObjects"));
        assert!(delete.matches("s3:DeleteBucket"));
        assert!(!delete.matches("s3:PutObject"));
        assert!(!delete.matches("dynamodb:DeleteItem"));
    }

    #[test]
    fn matching_ignores_case() {
        assert!(pattern("S3:deleteobject").matches("s3:DeleteObject"));
        assert!(pattern("EC2:Run*").matches("ec2:RunInstances"));
    }

    #[test]
    fn question_mark_matches_one_character() {
        assert!(pattern("s3:?etObject").matches("s3:GetObject"));
        assert!(!pattern("s3:?etObject").matches("s3:TargetObject"));
    }

    #[test]
    fn star_alone_matches_everything() {
        let all = pattern("*");
        assert!(all.matches("s3:GetObject"));
        assert!(all.matches("unknown:Unknown"));
        assert_eq!(all.service_part(), "*");
    }

    #[test]
    fn service_wildcard_is_allowed() {
        assert!(pattern("*:Delete*").matches("sqs:DeleteQueue"));
        assert!(pattern("s?s:*").matches("sqs:SendMessage"));
    }

    #[test]
    fn parts_are_split_at_colon() {
        let run = pattern("ec2:RunInstances");
        assert_eq!(run.service_part(), "ec2");
        assert!(!run.has_wildcard());
    }

    #[test]
    fn display_keeps_original_text() {
        assert_eq!(pattern("S3:Delete*").to_string(), "S3:Delete*");
    }

    #[test]
    fn invalid_patterns_are_rejected() {
        assert_eq!(ActionPattern::parse(""), Err(ActionPatternError::Empty));
        assert!(matches!(ActionPattern::parse("GetObject"), Err(ActionPatternError::MissingServicePrefix { .. })));
        assert!(matches!(ActionPattern::parse("s3:a:b"), Err(ActionPatternError::MissingServicePrefix { .. })));
        assert!(matches!(ActionPattern::parse("s3:"), Err(ActionPatternError::EmptyPart { .. })));
        assert!(matches!(ActionPattern::parse(":GetObject"), Err(ActionPatternError::EmptyPart { .. })));
        assert!(matches!(
            ActionPattern::parse("s3:Get Object"),
            Err(ActionPatternError::InvalidCharacter { character: ' ', .. })
        ));
        assert!(matches!(
            ActionPattern::parse("s3:Get/Object"),
            Err(ActionPatternError::InvalidCharacter { character: '/', .. })
        ));
    }
}
