//! Text folding for comparisons: what a person would call "the same
//! word" compares equal ("Développeur" = "developpeur", "React.js" =
//! "react js"); and dates as the API writes them.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A date as RFC 3339 text, as the API shows dates.
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Lower case, accents removed, every run of characters other than
/// letters, digits, `+` and `#` (kept for C++ and C#) made one space,
/// trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() || c == '+' || c == '#' {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// True when `needle`'s words appear in `haystack`'s, in order and
/// adjacent (both folded): "data science" is in "master data science".
pub fn contains_words(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    format!(" {haystack} ").contains(&format!(" {needle} "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_punctuation_fold() {
        assert_eq!(fold("Développeur"), "developpeur");
        assert_eq!(fold("  React.JS "), "react js");
        assert_eq!(fold("Gestion-de-projet"), "gestion de projet");
        assert_eq!(fold("C++ / C#"), "c++ c#");
        assert_eq!(fold("Ingénierie ÉLECTRIQUE"), "ingenierie electrique");
        assert_eq!(fold("Œuvre"), "œuvre");
        assert_eq!(fold("..."), "");
    }

    #[test]
    fn words_are_matched_whole() {
        assert!(contains_words("master data science", "data science"));
        assert!(!contains_words("master data science", "data sci"));
        assert!(!contains_words("javascript", "java"));
        assert!(!contains_words("abidjan", ""));
    }
}
