//! Checks shared by every free-text value a shopper sends. Control characters
//! (NUL above all: PostgreSQL refuses it in text, SQLite stores it) are refused
//! here, in the domain, so both backends see the same clean values.

use crate::user::InvalidValue;

/// Trimmed `raw` when it has 1 to `max_chars` characters and no control character.
pub(crate) fn required(
    field: &'static str,
    raw: &str,
    max_chars: usize,
) -> Result<String, InvalidValue> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(InvalidValue::new(field, "is required"));
    }
    checked(field, s, max_chars)
}

/// Like [`required`], but blank text means "none".
pub(crate) fn optional(
    field: &'static str,
    raw: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, InvalidValue> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => checked(field, s, max_chars).map(Some),
    }
}

fn checked(field: &'static str, s: &str, max_chars: usize) -> Result<String, InvalidValue> {
    if s.chars().count() > max_chars {
        return Err(InvalidValue::new(
            field,
            format!("is too long (at most {max_chars} characters)"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(InvalidValue::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(s.to_owned())
}

/// The same text in one comparable form: lower case, inner blanks collapsed.
pub(crate) fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_trims_and_bounds() {
        assert_eq!(required("f", "  우유 ", 5), Ok("우유".to_owned()));
        assert!(required("f", "   ", 5).is_err());
        assert!(required("f", "가나다라마바", 5).is_err());
        assert!(required("f", "가나다라마", 5).is_ok());
        assert!(required("f", "a\u{0}b", 5).is_err());
        assert!(required("f", "a\tb", 5).is_err());
    }

    #[test]
    fn optional_blank_is_none() {
        assert_eq!(optional("f", None, 5), Ok(None));
        assert_eq!(optional("f", Some("  "), 5), Ok(None));
        assert_eq!(optional("f", Some(" x "), 5), Ok(Some("x".into())));
        assert!(optional("f", Some("\u{0}"), 5).is_err());
    }

    #[test]
    fn fold_collapses_case_and_blanks() {
        assert_eq!(fold("  Seoul   Milk 1L "), "seoul milk 1l");
        assert_eq!(fold("서울 우유"), fold("서울  우유"));
    }
}
