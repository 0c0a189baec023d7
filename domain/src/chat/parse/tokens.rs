//! One word into tokens: names, numerals, counters, sizes, glued forms.

use super::numerals::{counter_of, native_prefix, number_prefix, size_unit};
use super::particles::{is_hangul, strip_particles, WHOLE_WORDS};
use super::verbs::{is_request_word, KO_FILLER};

/// A quantity word: a numeral with or without its counter ("두", "두개",
/// "2개", "하나", "반"), glued or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token {
    Word(String),
    /// A number; `alone` when it can stand without a counter.
    Number {
        n: u32,
        alone: bool,
    },
    Counter(&'static str),
    /// "반" (half), before 판/개.
    Half,
    /// A size or amount: grams or ml, and the text as written ("2.3l").
    Size {
        amount: u32,
        text: String,
    },
    /// "다", "전부": all of it.
    All,
    /// "만" / "로" after a quantity: set, not add.
    Only,
    /// "더": more.
    More,
}

/// Splits a word into tokens: "두부두개" → 두부, 2, 개; "계란한판" → 계란, 1,
/// 판; "서울우유2.3l" → 서울우유, 2.3l.
pub(super) fn tokens_of(word: &str, out: &mut Vec<Token>) {
    if matches!(
        word,
        "다" | "전부" | "모두" | "싹" | "싹다" | "전부다" | "모두다" | "몽땅" | "all"
    ) {
        out.push(Token::All);
        return;
    }
    if matches!(word, "더" | "추가로" | "more" | "another") {
        out.push(Token::More);
        return;
    }
    if is_request_word(word) || KO_FILLER.contains(&word) {
        return;
    }
    let (stem, particle) = strip_particles(word);
    if is_request_word(stem) {
        return;
    }
    let only = matches!(particle, Some("만" | "로" | "으로"));
    if stem.is_empty() {
        return;
    }
    let before = out.len();
    split_word(stem, out);
    if only && out.len() > before {
        let last = out.last().cloned();
        if matches!(last, Some(Token::Counter(_) | Token::Number { .. })) {
            out.push(Token::Only);
        }
    }
}

fn split_word(w: &str, out: &mut Vec<Token>) {
    match w {
        "다" | "전부" | "모두" | "싹" | "싹다" | "전부다" | "모두다" | "몽땅" | "all" =>
        {
            out.push(Token::All);
            return;
        }
        "더" | "추가로" | "more" | "another" => {
            out.push(Token::More);
            return;
        }
        "반" => {
            out.push(Token::Half);
            return;
        }
        "반판" => {
            out.push(Token::Half);
            out.push(Token::Counter("판"));
            return;
        }
        _ => {}
    }
    if let Some(c) = counter_of(w) {
        out.push(Token::Counter(c));
        return;
    }
    if let Some(rest) = w.strip_prefix('x').or_else(|| w.strip_prefix('×')) {
        if let Ok(n) = rest.parse::<u32>() {
            out.push(Token::Number { n, alone: true });
            return;
        }
    }
    if let Some((n, rest)) = number_prefix(w) {
        // "2.3l", "1.5kg": a size with decimals.
        if let Some(frac) = rest.strip_prefix('.') {
            let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
            let unit = &frac[digits.len()..];
            if let Some(f) = size_unit(unit) {
                let value: f64 = format!("{n}.{digits}").parse().unwrap_or(0.0);
                let amount = (value * f64::from(f)).round();
                out.push(Token::Size {
                    amount: if amount > 0.0 && amount < 1e9 {
                        amount as u32
                    } else {
                        0
                    },
                    text: w.to_owned(),
                });
                return;
            }
        }
        if let Some(f) = size_unit(rest) {
            out.push(Token::Size {
                amount: n.saturating_mul(f),
                text: w.to_owned(),
            });
            return;
        }
        if rest.is_empty() {
            out.push(Token::Number { n, alone: true });
            return;
        }
        if let Some(c) = counter_of(rest) {
            out.push(Token::Number { n, alone: true });
            out.push(Token::Counter(c));
            return;
        }
        out.push(Token::Word(w.to_owned()));
        return;
    }
    if let Some((n, alone, rest)) = native_prefix(w) {
        if rest.is_empty() {
            out.push(Token::Number { n, alone });
            return;
        }
        if let Some(c) = counter_of(rest) {
            out.push(Token::Number { n, alone: true });
            out.push(Token::Counter(c));
            return;
        }
    }
    if let Some(rest) = w.strip_prefix('반') {
        if let Some(c) = counter_of(rest) {
            out.push(Token::Half);
            out.push(Token::Counter(c));
            return;
        }
    }
    // Glued: a name followed by a numeral and counter ("두부두개", "우유2개",
    // "계란한판", "콜라하나", "우유좀").
    if !WHOLE_WORDS.contains(&w) {
        if let Some((name, quantity)) = glued(w) {
            out.push(Token::Word(name.to_owned()));
            split_word(quantity, out);
            return;
        }
    }
    out.push(Token::Word(w.to_owned()));
}

/// A name glued to a quantity: the longest quantity suffix that reads as
/// numeral + counter (or a standalone numeral, or digits).
fn glued(w: &str) -> Option<(&str, &str)> {
    let starts: Vec<usize> = w.char_indices().map(|(i, _)| i).skip(1).collect();
    for &at in &starts {
        let (name, tail) = w.split_at(at);
        if !name.chars().next_back().is_some_and(is_hangul)
            && !name.chars().all(|c| c.is_alphabetic())
        {
            continue;
        }
        // Digits with an optional counter or size.
        if let Some((_, rest)) = number_prefix(tail) {
            if rest.is_empty()
                || counter_of(rest).is_some()
                || size_unit(rest).is_some()
                || rest.starts_with('.')
            {
                return Some((name, tail));
            }
            continue;
        }
        if let Some((_, alone, rest)) = native_prefix(tail) {
            let counted = !rest.is_empty() && counter_of(rest).is_some();
            // A bare numeral glued to a name only when it can stand alone and
            // is at least two syllables ("하나", "다섯"): "두부" is not 두+부.
            if (counted || (rest.is_empty() && alone && tail.chars().count() >= 2))
                && (WHOLE_WORDS.contains(&name) || name.chars().count() >= 2)
            {
                return Some((name, tail));
            }
        }
    }
    None
}
