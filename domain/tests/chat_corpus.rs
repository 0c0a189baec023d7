//! The chat corpus (`domain/tests/data/chat_corpus.tsv`): every utterance through
//! the rule-based assistant on the sample catalog, the actions applied to the
//! start basket, compared with the expected basket. Prints exact-match
//! accuracy per category and overall; fails below the ratchet.

use std::collections::BTreeMap;
use std::sync::Arc;

use ttokjang_domain::basket::{Basket, BasketItem, BasketItemId, ItemName, ProductRef, Quantity};
use ttokjang_domain::catalog::memory::InMemoryCatalog;
use ttokjang_domain::catalog::{NewProduct, Product};
use ttokjang_domain::chat::assistant::{ChatAction, ChatAssistant, RuleBasedAssistant};
use ttokjang_domain::user::UserId;
use uuid::Uuid;

/// The sample catalog's products (the app's own table, shared).
#[path = "../../app/src/sample/products.rs"]
#[allow(dead_code)]
mod products;

fn sample_products() -> Vec<Product> {
    products::PRODUCTS
        .iter()
        .map(|&(id, name, en, aliases, category, unit, size, _)| {
            Product::new(NewProduct {
                id: format!("p{id:04}"),
                name: name.to_owned(),
                name_en: Some(en.to_owned()),
                aliases: aliases.split('|').map(str::to_owned).collect(),
                category: category.to_owned(),
                unit,
                size,
                barcode: None,
            })
            .expect("sample product")
        })
        .collect()
}

/// The accuracy reached; raise it when the parser gets better, never lower.
const RATCHET: f64 = 0.99;

const CORPUS: &str = include_str!("data/chat_corpus.tsv");

fn line(product: Option<&Product>, name: &str, quantity: i64) -> BasketItem {
    BasketItem {
        id: BasketItemId(Uuid::new_v4()),
        product_id: product.map(|p| ProductRef::parse(p.id().as_str()).expect("product ref")),
        name: ItemName::parse(name).expect("name"),
        quantity: Quantity::new(quantity).expect("quantity"),
        unit: None,
        note: None,
    }
}

fn basket_of(spec: &str, products: &[Product], user: UserId) -> Basket {
    let items = if spec == "-" {
        Vec::new()
    } else {
        spec.split(';')
            .map(|part| {
                let (name, q) = part.trim().rsplit_once('*').expect("name*quantity");
                let p = products.iter().find(|p| p.name() == name);
                assert!(p.is_some(), "no product named {name}");
                line(p, name, q.parse().expect("quantity"))
            })
            .collect()
    };
    Basket::new(user, items, None, 1).expect("start basket")
}

fn render(basket: &Basket) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = basket
        .items()
        .iter()
        .map(|i| (i.name.as_str().to_owned(), i.quantity.get()))
        .collect();
    v.sort();
    v
}

fn expected_lines(spec: &str) -> Vec<(String, i64)> {
    if spec == "-" {
        return Vec::new();
    }
    let mut v: Vec<(String, i64)> = spec
        .split(';')
        .map(|part| {
            let (name, q) = part.trim().rsplit_once('*').expect("name*quantity");
            (name.to_owned(), q.parse().expect("quantity"))
        })
        .collect();
    v.sort();
    v
}

/// The actions applied to the basket, as the chat service does (all or nothing).
fn apply(basket: &Basket, actions: &[ChatAction], products: &[Product]) -> Option<Basket> {
    let mut b = basket.clone();
    for a in actions {
        match a {
            ChatAction::Add {
                product_id,
                name,
                quantity,
            } => {
                let p = product_id
                    .as_ref()
                    .and_then(|id| products.iter().find(|p| p.id().as_str() == id));
                b.add(line(p, name, i64::from(*quantity))).ok()?;
            }
            ChatAction::Remove { item_id, .. } => {
                b.remove(BasketItemId(Uuid::parse_str(item_id).ok()?))
                    .ok()?;
            }
            ChatAction::SetQuantity {
                item_id, quantity, ..
            } => {
                b.update(
                    BasketItemId(Uuid::parse_str(item_id).ok()?),
                    ttokjang_domain::basket::Patch {
                        quantity: Some(Quantity::new(i64::from(*quantity)).ok()?),
                        ..Default::default()
                    },
                )
                .ok()?;
            }
            ChatAction::Clear => b.clear(),
            ChatAction::Plan { .. } | ChatAction::Show => {}
        }
    }
    Some(b)
}

#[tokio::test]
async fn the_chat_corpus_is_understood() {
    let products = sample_products();
    let assistant =
        RuleBasedAssistant::new(Arc::new(InMemoryCatalog::with_products(products.clone())));
    let user = UserId(Uuid::nil());
    let mut per_category: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut rows = 0;
    // CHAT_CORPUS=/path/to/other.tsv runs another corpus (a held-out set) the
    // same way; the size and ratchet checks are for the built-in one.
    let other = std::env::var("CHAT_CORPUS").ok();
    let text = match &other {
        Some(path) => std::fs::read_to_string(path).expect("CHAT_CORPUS file"),
        None => CORPUS.to_owned(),
    };
    for row in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = row.split('\t').collect();
        assert_eq!(cols.len(), 4, "four columns: {row}");
        let (category, start, utterance, expected) = (cols[0], cols[1], cols[2], cols[3]);
        rows += 1;
        let basket = basket_of(start, &products, user);
        let said = assistant
            .interpret(utterance, &basket)
            .await
            .expect("interpret");
        let after = apply(&basket, &said.actions, &products);
        let plan = said.actions.iter().find_map(|a| match a {
            ChatAction::Plan { mode } => Some(format!("plan:{mode}")),
            _ => None,
        });
        let got = match (after, plan) {
            (_, Some(plan)) => plan,
            (None, _) => "error".to_owned(),
            (Some(after), None) if render(&after) != render(&basket) => render(&after)
                .iter()
                .map(|(n, q)| format!("{n}*{q}"))
                .collect::<Vec<_>>()
                .join("; "),
            (Some(_), None) if !said.pending.is_empty() || !said.quick_replies.is_empty() => {
                "?".to_owned()
            }
            (Some(_), None) => "=".to_owned(),
        };
        let ok = match expected {
            "=" | "?" => got == expected,
            e if e.starts_with("plan:") => got == e,
            e => {
                got != "=" && got != "?" && !got.starts_with("plan:") && got != "error" && {
                    let want = expected_lines(e);
                    let have = expected_lines(if got.is_empty() { "-" } else { &got });
                    want == have
                }
            }
        };
        let entry = per_category.entry(category).or_default();
        entry.1 += 1;
        if ok {
            entry.0 += 1;
        } else {
            failures.push(format!(
                "[{category}] {utterance} | start {start}\n    want {expected}\n    got  {}\n    reply {}",
                if got.is_empty() { "-" } else { &got },
                said.reply
            ));
        }
    }
    let (mut good, mut all) = (0, 0);
    println!("chat corpus: {rows} utterances");
    for (category, (g, n)) in &per_category {
        good += g;
        all += n;
        println!(
            "  {category:<10} {g:>3}/{n:<3} {:>5.1} %",
            100.0 * *g as f64 / *n as f64
        );
    }
    let accuracy = good as f64 / all as f64;
    println!(
        "  overall    {good:>3}/{all:<3} {:>5.1} %",
        100.0 * accuracy
    );
    for f in &failures {
        println!("{f}");
    }
    if other.is_some() {
        return;
    }
    assert!(rows >= 450, "the corpus has {rows} utterances");
    assert!(
        accuracy >= RATCHET,
        "accuracy {:.1} % is below the ratchet {:.1} %",
        100.0 * accuracy,
        100.0 * RATCHET
    );
}
