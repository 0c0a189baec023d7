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

/// A Korean particle pair, chosen by whether the word before ends in a
/// final consonant (받침).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Particle {
    /// 을/를
    EulReul,
    /// 이/가
    IGa,
    /// 은/는
    EunNeun,
    /// 과/와
    GwaWa,
    /// 으로/로 (로 after ㄹ too: "서울로")
    EuroRo,
    /// 이랑/랑
    IrangRang,
}

/// How a word ends when read aloud: `None` no final consonant, `Some(true)`
/// a final ㄹ, `Some(false)` another final consonant.
fn ending(word: &str) -> Option<bool> {
    let w = word.trim_end_matches(|c: char| {
        matches!(
            c,
            ')' | ']' | '}' | '"' | '\'' | '’' | '”' | '.' | ' ' | '×'
        )
    });
    let lower = w.to_lowercase();
    // Units read as words: 리터, 밀리리터 (open); 그램, 킬로그램 (ㅁ).
    for (unit, end) in [
        ("ml", None),
        ("kg", Some(false)),
        ("mg", Some(false)),
        ("g", Some(false)),
        ("l", None),
        ("cm", None),
        ("mm", None),
        ("m", None),
    ] {
        if lower.ends_with(unit)
            && lower[..lower.len() - unit.len()]
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_digit())
        {
            return end;
        }
    }
    let Some(last) = w.chars().last() else {
        return None;
    };
    let code = u32::from(last);
    if (0xAC00..=0xD7A3).contains(&code) {
        return match (code - 0xAC00) % 28 {
            0 => None,
            8 => Some(true), // ㄹ
            _ => Some(false),
        };
    }
    if last.is_ascii_digit() {
        // 영 일 이 삼 사 오 육 칠 팔 구; 십 백 천 for round numbers.
        let digits: String = w.chars().rev().take_while(char::is_ascii_digit).collect();
        if digits.len() > 1 && last == '0' {
            let zeros = digits.chars().take_while(|c| *c == '0').count();
            return match zeros {
                1 => Some(false), // 십
                2 => Some(false), // 백
                3 => None,        // 천
                _ => Some(false), // 만, 억 …
            };
        }
        return match last {
            '1' | '7' | '8' => Some(true),
            '0' | '3' | '6' => Some(false),
            _ => None,
        };
    }
    if last.is_ascii_alphabetic() {
        // English words as Koreans read them: letter names for the common endings.
        return match last.to_ascii_lowercase() {
            'l' | 'r' => Some(true),
            'm' | 'n' | 'b' | 'k' | 'p' | 't' => Some(false),
            _ => None,
        };
    }
    None
}

/// The particle that follows `word`: `particle("우유", Particle::EulReul)` is "를".
pub fn particle(word: &str, p: Particle) -> &'static str {
    let end = ending(word);
    let has_final = end.is_some();
    match p {
        Particle::EulReul => {
            if has_final {
                "을"
            } else {
                "를"
            }
        }
        Particle::IGa => {
            if has_final {
                "이"
            } else {
                "가"
            }
        }
        Particle::EunNeun => {
            if has_final {
                "은"
            } else {
                "는"
            }
        }
        Particle::GwaWa => {
            if has_final {
                "과"
            } else {
                "와"
            }
        }
        Particle::IrangRang => {
            if has_final {
                "이랑"
            } else {
                "랑"
            }
        }
        Particle::EuroRo => match end {
            Some(false) => "으로",
            _ => "로",
        },
    }
}

/// `word` followed by its particle: `josa("계란 30구", Particle::EulReul)` is "계란 30구를".
pub fn josa(word: &str, p: Particle) -> String {
    format!("{word}{}", particle(word, p))
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

    #[test]
    fn particles_follow_the_final_consonant() {
        use Particle::*;
        let cases: &[(&str, Particle, &str)] = &[
            ("우유", EulReul, "를"),
            ("계란", EulReul, "을"),
            ("두부", IGa, "가"),
            ("대파", IGa, "가"),
            ("양파 1.5kg", EulReul, "을"),
            ("서울우유 1L", EulReul, "를"),
            ("매일우유 오리지널 900ml", EulReul, "를"),
            ("계란 30구", EulReul, "를"),
            ("대파 1단", EulReul, "을"),
            ("사과", GwaWa, "와"),
            ("빵", GwaWa, "과"),
            ("1판", EulReul, "을"),
            ("3개", EulReul, "를"),
            ("우유", EunNeun, "는"),
            ("라면", EunNeun, "은"),
            ("두유", EuroRo, "로"),
            ("서울", EuroRo, "로"),
            ("우엉", EuroRo, "으로"),
            ("당근", EuroRo, "으로"),
            ("김밥 1줄", EuroRo, "로"),
            ("3개", EuroRo, "로"),
            ("6개", EuroRo, "로"),
            ("10개", EuroRo, "로"),
            ("1", EulReul, "을"),
            ("2", EulReul, "를"),
            ("3", EulReul, "을"),
            ("10", EulReul, "을"),
            ("1000", EulReul, "를"),
            ("7", EuroRo, "로"),
            ("6", EuroRo, "으로"),
            ("Coca-Cola", EulReul, "를"),
            ("milk", EulReul, "을"),
            ("Spam", EulReul, "을"),
            ("CJ 스팸 340g 3입", EulReul, "을"),
            ("삼다수 500ml", IGa, "가"),
            ("쌀 10kg", IrangRang, "이랑"),
            ("계란 30구 (대란)", EulReul, "을"),
            ("물", EuroRo, "로"),
            ("빵", EuroRo, "으로"),
        ];
        for (word, p, want) in cases {
            assert_eq!(particle(word, *p), *want, "{word} {p:?}");
        }
        assert_eq!(josa("계란", Particle::EulReul), "계란을");
    }
}
