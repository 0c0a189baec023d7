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
/// a final ㄹ, `Some(false)` another final consonant. The same rules as the
/// web app's `web/src/lib/particle.ts` (tested on the same word list):
/// Hangul by its 받침; digits as Korean reads them (1 일, 3 삼, 10 십, 1000 천
/// …); a number with a unit by the unit's Korean name (500g 그램, 1L 리터);
/// Latin acronyms by letter names, words by their ending; trailing brackets,
/// quotes and punctuation skipped.
fn ending(word: &str) -> Option<bool> {
    let s = word.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ')' | ']'
                    | '}'
                    | '>'
                    | '"'
                    | '\''
                    | '”'
                    | '’'
                    | '」'
                    | '』'
                    | '.'
                    | ','
                    | '!'
                    | '?'
                    | '~'
                    | '…'
                    | '·'
            )
    });
    let last = s.chars().next_back()?;
    let code = u32::from(last);
    if (0xAC00..=0xD7A3).contains(&code) {
        return match (code - 0xAC00) % 28 {
            0 => None,
            8 => Some(true), // ㄹ
            _ => Some(false),
        };
    }
    // A number and a unit of one or two letters: the unit's Korean name.
    let letters: String = s
        .chars()
        .rev()
        .take_while(char::is_ascii_alphabetic)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if (1..=2).contains(&letters.len()) {
        let before = s[..s.len() - letters.len()].trim_end();
        if before
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit())
        {
            match letters.to_ascii_lowercase().as_str() {
                "kg" | "mg" | "g" => return Some(false), // 그램
                "ml" | "l" | "cc" | "cm" | "mm" | "km" | "m" => return None, // 리터, 미터
                _ => {}
            }
        }
    }
    if last.is_ascii_digit() {
        let digits: String = s
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let n = digits.trim_start_matches('0');
        let n = if n.is_empty() { "0" } else { n };
        let d = n.chars().next_back().unwrap_or('0');
        if d != '0' || n == "0" {
            // 영 일 이 삼 사 오 육 칠 팔 구
            return match d {
                '1' | '7' | '8' => Some(true),
                '0' | '3' | '6' => Some(false),
                _ => None,
            };
        }
        // 십 백 천 만 … 천억 end in a consonant; 조 does not.
        let zeros = n.len() - n.trim_end_matches('0').len();
        return if zeros < 12 { Some(false) } else { None };
    }
    if last.is_ascii_alphabetic() {
        let w: String = s
            .chars()
            .rev()
            .take_while(char::is_ascii_alphabetic)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if w.len() <= 5 && w.chars().all(|c| c.is_ascii_uppercase()) {
            // Letter names: 엘, 알 (ㄹ); 엠, 엔 (other); the rest open.
            return match last {
                'L' | 'R' => Some(true),
                'M' | 'N' => Some(false),
                _ => None,
            };
        }
        let w = w.to_ascii_lowercase();
        return if w.ends_with('e') {
            None
        } else if w.ends_with('l') {
            Some(true)
        } else if w.ends_with("ng") || w.ends_with("ck") || w.ends_with('m') || w.ends_with('n') {
            Some(false)
        } else {
            None
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

    /// The word list of `web/src/lib/particle.test.ts`: word, 을/를, 이/가,
    /// 은/는, 와/과, 으로/로.
    const WORDS: &[(&str, &str, &str, &str, &str, &str)] = &[
        ("사과", "를", "가", "는", "와", "로"),
        ("계란", "을", "이", "은", "과", "으로"),
        ("우유", "를", "가", "는", "와", "로"),
        ("두부", "를", "가", "는", "와", "로"),
        ("김치", "를", "가", "는", "와", "로"),
        ("라면", "을", "이", "은", "과", "으로"),
        ("쌀", "을", "이", "은", "과", "로"),
        ("서울우유", "를", "가", "는", "와", "로"),
        ("콩나물", "을", "이", "은", "과", "로"),
        ("달걀", "을", "이", "은", "과", "로"),
        ("삼겹살", "을", "이", "은", "과", "로"),
        ("대파", "를", "가", "는", "와", "로"),
        ("햇반", "을", "이", "은", "과", "으로"),
        ("참치캔", "을", "이", "은", "과", "으로"),
        ("이마트", "를", "가", "는", "와", "로"),
        ("편의점", "을", "이", "은", "과", "으로"),
        ("초대 코드", "를", "가", "는", "와", "로"),
        ("수량", "을", "이", "은", "과", "으로"),
        ("1", "을", "이", "은", "과", "로"),
        ("2", "를", "가", "는", "와", "로"),
        ("3", "을", "이", "은", "과", "으로"),
        ("4", "를", "가", "는", "와", "로"),
        ("5", "를", "가", "는", "와", "로"),
        ("6", "을", "이", "은", "과", "으로"),
        ("7", "을", "이", "은", "과", "로"),
        ("8", "을", "이", "은", "과", "로"),
        ("9", "를", "가", "는", "와", "로"),
        ("0", "을", "이", "은", "과", "으로"),
        ("10", "을", "이", "은", "과", "으로"),
        ("100", "을", "이", "은", "과", "으로"),
        ("1000", "을", "이", "은", "과", "으로"),
        ("10000", "을", "이", "은", "과", "으로"),
        ("12", "를", "가", "는", "와", "로"),
        ("30", "을", "이", "은", "과", "으로"),
        ("GS25", "를", "가", "는", "와", "로"),
        ("우유 2개", "를", "가", "는", "와", "로"),
        ("계란 30구", "를", "가", "는", "와", "로"),
        ("500g", "을", "이", "은", "과", "으로"),
        ("1L", "를", "가", "는", "와", "로"),
        ("서울우유 1.8L", "를", "가", "는", "와", "로"),
        ("200ml", "를", "가", "는", "와", "로"),
        ("2kg", "을", "이", "은", "과", "으로"),
        ("SSG", "를", "가", "는", "와", "로"),
        ("CU", "를", "가", "는", "와", "로"),
        ("HMR", "을", "이", "은", "과", "로"),
        ("CJ", "를", "가", "는", "와", "로"),
        ("LG", "를", "가", "는", "와", "로"),
        ("Apple", "를", "가", "는", "와", "로"),
        ("Coupang", "을", "이", "은", "과", "으로"),
        ("Oatmeal", "을", "이", "은", "과", "로"),
        ("Kurly", "를", "가", "는", "와", "로"),
        ("Lemon", "을", "이", "은", "과", "으로"),
        ("우유(1L)", "를", "가", "는", "와", "로"),
        ("\"계란\"", "을", "이", "은", "과", "으로"),
        ("[햇반]", "을", "이", "은", "과", "으로"),
        // Catalog names as replies use them.
        ("대파 1단", "을", "이", "은", "과", "으로"),
        ("양파 1.5kg", "을", "이", "은", "과", "으로"),
        ("CJ 스팸 340g 3입", "을", "이", "은", "과", "으로"),
        ("계란 30구 (대란)", "을", "이", "은", "과", "으로"),
        ("1판", "을", "이", "은", "과", "으로"),
        ("3개", "를", "가", "는", "와", "로"),
    ];

    #[test]
    fn particles_follow_the_final_consonant() {
        use Particle::*;
        for (word, eul, i, eun, gwa, euro) in WORDS {
            assert_eq!(particle(word, EulReul), *eul, "{word} 을/를");
            assert_eq!(particle(word, IGa), *i, "{word} 이/가");
            assert_eq!(particle(word, EunNeun), *eun, "{word} 은/는");
            assert_eq!(particle(word, GwaWa), *gwa, "{word} 와/과");
            assert_eq!(particle(word, EuroRo), *euro, "{word} 으로/로");
        }
        assert_eq!(josa("계란", Particle::EulReul), "계란을");
        assert_eq!(josa("우유", Particle::IrangRang), "우유랑");
    }
}
