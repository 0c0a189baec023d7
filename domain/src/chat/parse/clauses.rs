//! Edits with their own sentence shape: replace A with B, a dish's
//! ingredients, "A는 필요 없어".

use super::items::{item_of, items_in};
use super::particles::strip_particle;
use super::verbs::{verb_at, Verb, KO_FILLER, NEGATION};
use super::Intent;

/// "A 말고 B로", "A 대신 B", "A를 B로 바꿔줘", "A 빼고 B 넣어줘".
pub(super) fn replace_of(t: &str) -> Option<Intent> {
    if let Some(rest) = t
        .strip_prefix("replace ")
        .or_else(|| t.strip_prefix("swap "))
    {
        if let Some((a, b)) = rest
            .split_once(" with ")
            .or_else(|| rest.split_once(" for "))
        {
            let from = items_in(a).into_iter().next()?;
            let to = items_in(b).into_iter().next()?;
            return Some(Intent::Replace { from, to });
        }
    }
    for marker in [
        " 말고 ",
        " 대신에 ",
        " 대신 ",
        " 빼고 ",
        " 말구 ",
        " instead of ",
    ] {
        if let Some((a, b)) = t.split_once(marker) {
            let (from_text, to_text) = if marker == " instead of " {
                (b, a)
            } else {
                (a, b)
            };
            let to_words: Vec<&str> = to_text
                .split_whitespace()
                .filter(|w| verb_at(&[w]).is_none() && !w.starts_with("해"))
                .collect();
            let from = items_in(from_text).into_iter().next()?;
            let to = item_of(&to_words)?;
            return Some(Intent::Replace { from, to });
        }
    }
    // "우유를 두유로 바꿔줘": the target has a product word, not just a count.
    let words: Vec<&str> = t.split_whitespace().collect();
    let (vi, verb) = verb_at(&words)?;
    if verb != Verb::Set {
        return None;
    }
    let head = &words[..vi];
    let to_at = head.iter().rposition(|w| {
        let (_, p) = strip_particle(w);
        matches!(p, Some("로" | "으로"))
    })?;
    let from_at = head[..to_at].iter().rposition(|w| {
        let (_, p) = strip_particle(w);
        matches!(p, Some("을" | "를" | "은" | "는" | "이" | "가"))
    });
    let (from_words, to_words) = match from_at {
        Some(f) => (&head[..=f], &head[f + 1..=to_at]),
        None if to_at >= 1 => (&head[..1], &head[1..=to_at]),
        None => return None,
    };
    let to = item_of(to_words)?;
    let from = item_of(from_words)?;
    Some(Intent::Replace { from, to })
}

/// The dish before "재료" / "해 먹을" / "끓일".
pub(super) fn recipe_of(t: &str) -> Option<Intent> {
    for marker in [
        "재료",
        "만들 거",
        "만들거",
        "끓일 거",
        "끓일거",
        "해먹을",
        "해 먹을",
        "ingredients",
    ] {
        if let Some(at) = t.find(marker) {
            let dish: String = t[..at]
                .split_whitespace()
                .filter(|w| {
                    !KO_FILLER.contains(w)
                        && !w.is_empty()
                        && ![
                            "끓일",
                            "만들",
                            "만들",
                            "해먹을",
                            "먹을",
                            "만들어",
                            "끓여",
                            "할",
                        ]
                        .iter()
                        .any(|v| w.starts_with(v))
                })
                .collect::<Vec<_>>()
                .join(" ");
            let dish = dish
                .trim_end_matches('용')
                .trim_end_matches(" 할")
                .trim()
                .to_owned();
            if !dish.is_empty() {
                return Some(Intent::Recipe(dish));
            }
        }
    }
    None
}

/// "계란은 필요 없어", "대파는 집에 있어서 필요없어": remove what is named
/// (the words up to a topic particle, when there is one).
pub(super) fn negation(t: &str) -> Intent {
    let at = NEGATION
        .iter()
        .filter_map(|n| t.find(n))
        .min()
        .unwrap_or(t.len());
    let head: Vec<&str> = t[..at].split_whitespace().collect();
    let topic = head.iter().position(|w| {
        matches!(
            strip_particle(w).1,
            Some("은" | "는" | "을" | "를" | "도" | "이" | "가")
        )
    });
    let named = match topic {
        Some(i) => head[..=i].join(" "),
        None => head.join(" "),
    };
    let mut items = items_in(&named);
    if items.is_empty() {
        // "i don't need milk": the item comes after.
        let after = NEGATION
            .iter()
            .find_map(|n| t.find(n).map(|i| i + n.len()))
            .unwrap_or(t.len());
        items = items_in(&t[after..]);
    }
    if items.is_empty() {
        return Intent::Unknown;
    }
    for i in &mut items {
        i.all = true;
        i.explicit = false;
    }
    Intent::Remove(items)
}
