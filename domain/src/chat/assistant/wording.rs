//! How replies are worded: the language of the message, product lists,
//! amounts and the basket summary.

use crate::basket::Basket;
use crate::catalog::Product;
use crate::text::{josa, Particle};

pub(super) fn english(message: &str) -> bool {
    !message
        .chars()
        .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

pub(super) fn names(products: &[Product]) -> String {
    products
        .iter()
        .map(|p| p.name().to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn basket_summary(basket: &Basket, en: bool) -> String {
    if basket.is_empty() {
        return if en {
            "Your basket is empty.".into()
        } else {
            "장바구니가 비어 있어요.".into()
        };
    }
    let lines: Vec<String> = basket
        .items()
        .iter()
        .map(|i| format!("{} {}개", i.name.as_str(), i.quantity.get()))
        .collect();
    if en {
        format!("In your basket: {}.", lines.join(", "))
    } else {
        format!(
            "장바구니에 {} 있어요.",
            josa(&lines.join(", "), Particle::IGa)
        )
    }
}

/// "대파 1단 2개", never "대파 1단 1단": the counter is said only when the
/// name does not already end in it.
pub(super) fn amount_text(name: &str, quantity: u32, counter: Option<&str>) -> String {
    let unit = match counter {
        Some(c) if !matches!(c, "구" | "알" | "근") && !name.ends_with(c) && c != "판" => c,
        _ => "개",
    };
    format!("{name} {quantity}{unit}")
}

/// A list read as Korean: "A, B와 C" → here joined with commas, and the
/// particle chosen by the last word.
pub(super) fn listed(parts: &[String], p: Particle) -> String {
    josa(&parts.join(", "), p)
}
