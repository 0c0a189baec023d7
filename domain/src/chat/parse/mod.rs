//! A rule-based reader of Korean and English basket requests:
//! "우유 2개랑 계란 한 판 담아줘", "콜라 두 개 다 빼줘", "우유 4개로",
//! "우유 말고 두유로 바꿔줘", "계란은 필요 없어", "김치찌개 재료 담아줘",
//! "장바구니 비워줘", "뭐 담겨 있어?", "제일 싼 데 어디야?",
//! "add 2 milk and a dozen eggs".
//!
//! It understands Korean native numerals (하나/한, 둘/두 … 열, 스물), Arabic
//! numbers, counters (개, 병, 팩, 판, 봉지, 모 …), half a tray (반 판), sizes
//! (2.3L, 500ml, 1kg — kept with the product words, or read as an amount),
//! glued forms ("두부두개", "계란한판", "우유좀"), and particles chosen by the
//! preceding syllable's final consonant, so "계란과" splits but "사과",
//! "용과", "과자" stay whole.

mod answers;
mod clauses;
mod commands;
mod items;
mod numerals;
mod particles;
mod tokens;
mod verbs;

#[cfg(test)]
mod tests;

pub use answers::answer;

use answers::answer_of;
use clauses::{negation, recipe_of, replace_of};
use commands::{is_clear_all, is_question, verb_is_set_like, ONLINE, PLAN, SHOW};
use items::items_in;
use tokens::{tokens_of, Token};
use verbs::{verb_at, Verb, NEGATION};

/// One thing the shopper named, with how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRequest {
    /// The product words, e.g. "계란" or "서울우유 2.3l".
    pub text: String,
    pub quantity: u32,
    /// The counter used, e.g. "판", "병"; `None` for plain numbers.
    pub counter: Option<String>,
    /// Whether a quantity was said at all (else it defaults to 1).
    pub explicit: bool,
    /// "다", "전부": every one of it (for removals).
    pub all: bool,
    /// Pieces asked for, when the shopper counted pieces of a pack (계란 30개,
    /// 한 판 = 30, 반 판 = 15): the adapter picks the pack that fits.
    pub pieces: Option<u32>,
    /// An amount by weight or volume in g or ml ("삼겹살 1kg", "한 근").
    pub amount: Option<u32>,
}

impl ItemRequest {
    fn named(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            quantity: 1,
            counter: None,
            explicit: false,
            all: false,
            pieces: None,
            amount: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Add(Vec<ItemRequest>),
    /// Remove the lines, or (with an explicit quantity and not `all`) take
    /// that many off.
    Remove(Vec<ItemRequest>),
    SetQuantity(Vec<ItemRequest>),
    /// "우유 말고 두유로": swap a basket line for another product.
    Replace {
        from: ItemRequest,
        to: ItemRequest,
    },
    /// "김치찌개 재료": the dish's ingredients, proposed as a bundle.
    Recipe(String),
    /// The whole basket, asked for explicitly ("장바구니 비워줘"); applied only
    /// after the shopper confirms.
    Clear,
    Show,
    Plan {
        online: bool,
    },
    /// "네", "응", "좋아": yes to what the assistant just proposed.
    Confirm,
    /// "아니요", "취소": no to what the assistant just proposed.
    Cancel,
    /// A question about products or prices: answered, never an edit.
    Question,
    /// Product names with no verb and no count ("우유", "안녕하세요"): added
    /// when they name a product, else the shopper gets help (nothing asked).
    Mention(Vec<ItemRequest>),
    /// Two clauses with their own verbs ("우유 넣고 계란 빼줘").
    Multi(Vec<Intent>),
    Unknown,
}

fn contains_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// Lower case, no trailing punctuation or laughter, single spaces.
fn clean(message: &str) -> String {
    let t = message.trim().to_lowercase();
    let t: String = t
        .chars()
        .map(|c| match c {
            '，' | '、' => ',',
            '？' => '?',
            '！' => '!',
            '\n' | '\t' => ' ',
            c => c,
        })
        .collect();
    let mut t = t
        .trim_end_matches(|c: char| {
            matches!(
                c,
                '?' | '!' | '.' | '~' | ' ' | '^' | ';' | 'ㅎ' | 'ㅋ' | 'ㅠ' | 'ㅜ' | '♡' | '♥'
            )
        })
        .to_owned();
    for junk in ["ㅎㅎ", "ㅋㅋ", "ㅠㅠ", "^^"] {
        t = t.replace(junk, " ");
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads one chat message.
pub fn parse(message: &str) -> Intent {
    let t = clean(message);
    if t.is_empty() {
        return Intent::Unknown;
    }
    if let Some(answer) = answer_of(&t) {
        return answer;
    }
    if is_clear_all(&t) {
        return Intent::Clear;
    }
    if contains_any(&t, PLAN) {
        return Intent::Plan {
            online: contains_any(&t, ONLINE),
        };
    }
    if let Some(recipe) = recipe_of(&t) {
        return recipe;
    }
    let asks = message.trim_end().ends_with('?') || message.trim_end().ends_with('？');
    if !asks && contains_any(&t, NEGATION) {
        return negation(&t);
    }
    let question = is_question(message, &t);
    if contains_any(&t, SHOW) && !contains_any(&t, &["확인하고", "보여주고"]) {
        let words: Vec<&str> = t.split_whitespace().collect();
        if verb_at(&words).is_none_or(|(_, v)| v == Verb::Add && question) || question {
            return Intent::Show;
        }
    }
    if question {
        return Intent::Question;
    }
    // "우유 세 개 넣고 계란 빼줘": two clauses, each with its own verb.
    let words: Vec<&str> = t.split_whitespace().collect();
    if let Some(at) = words[..words.len().saturating_sub(1)].iter().position(|w| {
        matches!(
            *w,
            "넣고"
                | "담고"
                | "추가하고"
                | "사고"
                | "넣어주고"
                | "담아주고"
                | "추가해주고"
                | "넣구"
                | "담구"
        )
    }) {
        let first = parse(
            &words[..=at]
                .join(" ")
                .replace("넣고", "넣어")
                .replace("담고", "담아")
                .replace("추가하고", "추가")
                .replace("사고", "사줘")
                .replace("넣어주고", "넣어")
                .replace("담아주고", "담아")
                .replace("추가해주고", "추가")
                .replace("넣구", "넣어")
                .replace("담구", "담아"),
        );
        let second = parse(&words[at + 1..].join(" "));
        let edits = |i: &Intent| {
            matches!(
                i,
                Intent::Add(_)
                    | Intent::Remove(_)
                    | Intent::SetQuantity(_)
                    | Intent::Replace { .. }
            )
        };
        if edits(&first) && edits(&second) {
            return Intent::Multi(vec![first, second]);
        }
    }
    if let Some(replace) = replace_of(&t) {
        return replace;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    // English verbs come first ("remove the milk"); Korean ones last.
    let (verb, rest): (Option<Verb>, Vec<&str>) = match verb_at(&words) {
        Some((i, v)) if words[i].is_ascii() || (i == 0 && words.len() > 1) => {
            (Some(v), words[i + 1..].to_vec())
        }
        Some((i, v)) => (Some(v), words[..i].to_vec()),
        None => (None, words.clone()),
    };
    let rest_text = rest.join(" ");
    let mut items = items_in(&rest_text);
    // "우유 4개로", "우유는 한 개만": a set, not an add.
    let mut tokens = Vec::new();
    for w in &rest {
        tokens_of(w, &mut tokens);
    }
    let set_said = tokens.contains(&Token::Only) && !tokens.contains(&Token::More);
    if items.is_empty() {
        return Intent::Unknown;
    }
    match verb {
        Some(Verb::Remove) => Intent::Remove(items),
        Some(Verb::Set) => Intent::SetQuantity(items),
        Some(Verb::Add) if set_said && verb_is_set_like(&t) => Intent::SetQuantity(items),
        Some(Verb::Add) => Intent::Add(items),
        None if set_said => Intent::SetQuantity(items),
        None => {
            for i in &mut items {
                i.all = false;
            }
            let casual = words
                .iter()
                .any(|w| matches!(*w, "좀" | "쫌" | "ㄱ" | "ㄱㄱ") || w.ends_with("좀"));
            if casual || items.iter().any(|i| i.explicit) {
                Intent::Add(items)
            } else {
                Intent::Mention(items)
            }
        }
    }
}
