//! Alias patterns of the roster: an exact alias, or one `*` standing for any run of characters.

use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::ConfigError;

/// An alias pattern: `"alice"` matches exactly `alice`; `"guardian-*"` matches every alias starting with
/// `guardian-`; `"*@example.org"` every alias ending so; `"*"` every alias. One `*` at most — rosters name people
/// and number ranges, not regular languages. Matching is case-sensitive, as H.323 aliases and SIP user parts are.
#[derive(Clone, PartialEq, Eq)]
pub struct AliasPattern {
    text: String,
    /// Byte position of the `*`, if any.
    star: Option<usize>,
}

impl AliasPattern {
    /// Parses a pattern; empty patterns and patterns with several `*` are refused.
    pub fn new(text: &str) -> Result<Self, ConfigError> {
        if text.is_empty() {
            return Err(ConfigError::BadPattern(text.to_owned(), "empty"));
        }
        let mut stars = text.match_indices('*');
        let star = stars.next().map(|(i, _)| i);
        if stars.next().is_some() {
            return Err(ConfigError::BadPattern(
                text.to_owned(),
                "at most one '*' is allowed",
            ));
        }
        Ok(Self {
            text: text.to_owned(),
            star,
        })
    }

    /// Whether `alias` matches.
    pub fn matches(&self, alias: &str) -> bool {
        match self.star {
            None => self.text == alias,
            Some(i) => {
                let (prefix, suffix) = (&self.text[..i], &self.text[i + 1..]);
                alias.len() >= prefix.len() + suffix.len()
                    && alias.starts_with(prefix)
                    && alias.ends_with(suffix)
            }
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for AliasPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.text)
    }
}

impl<'de> Deserialize<'de> for AliasPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        AliasPattern::new(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_prefix_suffix_and_any() {
        let p = |s| AliasPattern::new(s).unwrap();
        assert!(p("alice").matches("alice"));
        assert!(!p("alice").matches("alice2"));
        assert!(!p("alice").matches("Alice"));
        assert!(p("guardian-*").matches("guardian-7"));
        assert!(p("guardian-*").matches("guardian-"));
        assert!(!p("guardian-*").matches("guardian"));
        assert!(p("*@example.org").matches("bob@example.org"));
        assert!(!p("*@example.org").matches("bob@example.com"));
        assert!(p("+4930*99").matches("+493012399"));
        // The prefix and suffix must not overlap: "ab*ba" needs at least four characters.
        assert!(!p("ab*ba").matches("aba"));
        assert!(p("ab*ba").matches("abba"));
        assert!(p("*").matches(""));
        assert!(p("*").matches("anyone"));
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(matches!(
            AliasPattern::new(""),
            Err(ConfigError::BadPattern(_, "empty"))
        ));
        assert!(AliasPattern::new("a*b*").is_err());
    }
}
