//! Items and their quantities from a run of words.

use super::numerals::{ENGLISH, ENGLISH_COUNTERS};
use super::particles::{strip_particles, SEPARATING};
use super::tokens::{tokens_of, Token};
use super::verbs::{EN_FILLER, KO_FILLER};
use super::ItemRequest;

/// Reads one item segment: product words and a quantity.
pub(super) fn item_of(words: &[&str]) -> Option<ItemRequest> {
    let mut tokens = Vec::new();
    for w in words {
        tokens_of(w, &mut tokens);
    }
    let mut product: Vec<String> = Vec::new();
    let mut item = ItemRequest::named("");
    let mut half = false;
    // "계란 15구 하나": only the last count is the quantity; "15구" before a
    // product word or another count is part of the name.
    let last_count = tokens
        .iter()
        .rposition(|t| matches!(t, Token::Number { .. }))
        .unwrap_or(0);
    let mut i = 0;
    while i < tokens.len() {
        if let (Token::Number { n, .. }, Some(Token::Counter(c))) = (&tokens[i], tokens.get(i + 1))
        {
            let named = i < last_count && tokens[..i].iter().any(|t| matches!(t, Token::Word(_)));
            if named {
                product.push(format!("{n}{c}"));
                i += 2;
                continue;
            }
        }
        match &tokens[i] {
            Token::Word(w) => {
                if let Some((_, n)) = ENGLISH.iter().find(|(e, _)| e == w) {
                    item.quantity = if w == "dozen" && item.explicit {
                        item.quantity.saturating_mul(12)
                    } else {
                        *n
                    };
                    item.explicit = true;
                } else if !(ENGLISH_COUNTERS.contains(&w.as_str())
                    || KO_FILLER.contains(&w.as_str())
                    || EN_FILLER.contains(&w.as_str()))
                {
                    product.push(w.clone());
                }
            }
            Token::Number { n, alone } => match tokens.get(i + 1) {
                Some(Token::Counter(c)) => {
                    item.quantity = *n;
                    item.counter = Some((*c).to_owned());
                    item.explicit = true;
                    i += 1;
                }
                _ if *alone => {
                    item.quantity = *n;
                    item.explicit = true;
                }
                // "한", "두" without a counter: read as a count anyway.
                _ => {
                    item.quantity = *n;
                    item.explicit = true;
                }
            },
            Token::Counter(c) => {
                // A counter alone ("한 판" already consumed): "판 하나" style.
                if item.counter.is_none() {
                    item.counter = Some((*c).to_owned());
                }
            }
            Token::Half => half = true,
            Token::Size { amount, text } => {
                // "2.3l" right after the name, and a count after it: a size in
                // the name. A size with nothing else: the amount wanted.
                item.amount = Some(*amount);
                product.push(text.clone());
            }
            Token::All => item.all = true,
            Token::Only | Token::More => {}
        }
        i += 1;
    }
    if half {
        item.explicit = true;
        item.quantity = 1;
        if item.counter.is_none() && item.amount.is_none() {
            item.counter = Some("판".into());
        }
        if item.counter.as_deref() == Some("판") {
            item.pieces = Some(15);
        }
    } else if item.counter.as_deref() == Some("판") {
        item.pieces = Some(item.quantity.saturating_mul(30));
    } else if matches!(item.counter.as_deref(), Some("구" | "알"))
        || (matches!(item.counter.as_deref(), Some("개") | None) && item.quantity >= 10)
    {
        item.pieces = Some(item.quantity);
    }
    if item.counter.as_deref() == Some("근") {
        item.amount = Some(if half {
            300
        } else {
            item.quantity.saturating_mul(600)
        });
    }
    item.text = product.join(" ").trim().to_owned();
    (!item.text.is_empty()).then_some(item)
}

/// Splits words into item segments at separating particles, commas and
/// "그리고"/"and".
fn segments(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let flush = |current: &mut Vec<String>, out: &mut Vec<Vec<String>>| {
        if !current.is_empty() {
            out.push(std::mem::take(current));
        }
    };
    for raw in text.split([',', '+', '&', '/', '·', ';']) {
        for word in raw.split_whitespace() {
            if matches!(
                word,
                "and" | "그리고" | "또" | "및" | "랑" | "하고" | "이랑" | "또는" | "with"
            ) {
                flush(&mut current, &mut out);
                continue;
            }
            let (stem, particle) = strip_particles(word);
            // "우유 2개랑": the counter ends the item too.
            if particle.is_some_and(|p| SEPARATING.contains(&p)) && !stem.is_empty() {
                current.push(stem.to_owned());
                flush(&mut current, &mut out);
            } else {
                current.push(word.to_owned());
            }
        }
        flush(&mut current, &mut out);
    }
    // A segment of only a quantity belongs to the one before ("우유, 2개").
    let mut merged: Vec<Vec<String>> = Vec::new();
    for seg in out {
        let refs: Vec<&str> = seg.iter().map(String::as_str).collect();
        if item_of(&refs).is_none() {
            if let Some(prev) = merged.last_mut() {
                prev.extend(seg);
                continue;
            }
        }
        merged.push(seg);
    }
    merged
}

pub(super) fn items_in(text: &str) -> Vec<ItemRequest> {
    let mut items: Vec<ItemRequest> = segments(text)
        .iter()
        .flat_map(|s| split_counted(s))
        .filter_map(|s| {
            let refs: Vec<&str> = s.iter().map(String::as_str).collect();
            item_of(&refs)
        })
        .collect();
    // "우유랑 두유 하나씩": the count applies to every item without one.
    if text.contains('씩') {
        if let Some(last) = items.last().cloned().filter(|i| i.explicit) {
            for i in &mut items {
                if !i.explicit {
                    i.quantity = last.quantity;
                    i.counter.clone_from(&last.counter);
                    i.explicit = true;
                }
            }
        }
    }
    items
}

/// "우유 2개 계란 1판": a name, a count, then another name starts a new item.
fn split_counted(words: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let (mut named, mut counted) = (false, false);
    for w in words {
        let mut tokens = Vec::new();
        tokens_of(w, &mut tokens);
        let is_word = tokens
            .iter()
            .any(|t| matches!(t, Token::Word(x) if !KO_FILLER.contains(&x.as_str()) && !EN_FILLER.contains(&x.as_str()) && !ENGLISH.iter().any(|(e, _)| e == x)));
        let is_count = tokens
            .iter()
            .any(|t| matches!(t, Token::Number { .. } | Token::Counter(_)));
        if is_word && !is_count && named && counted {
            out.push(std::mem::take(&mut current));
            named = false;
            counted = false;
        }
        named |= is_word;
        counted |= is_count && named;
        current.push(w.clone());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
