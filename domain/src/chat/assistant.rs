//! The `ChatAssistant` port and its built-in rule-based adapter: it reads the
//! message with [`super::parse`], matches products through the catalog's names
//! and aliases, and matches basket lines for removals and changes. When a
//! match is not clear it asks back instead of guessing.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::parse::{parse, Intent, ItemRequest};
use super::recipes::recipe;
use crate::basket::{Basket, BasketItem};
use crate::catalog::ports::CatalogRepository;
use crate::catalog::search::{
    corrected_word, match_rank, normalize, rank, MatchRank, ProductQuery,
};
use crate::catalog::{Product, Unit};
use crate::text::{josa, Particle};
use crate::RepoError;

/// What the assistant decided to do; the basket changes are applied together.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatAction {
    Add {
        product_id: Option<String>,
        name: String,
        quantity: u32,
    },
    Remove {
        item_id: String,
        name: String,
    },
    SetQuantity {
        item_id: String,
        name: String,
        quantity: u32,
    },
    Clear,
    Plan {
        mode: String,
    },
    Show,
}

/// A button under the reply: tapping it sends `message` as the next turn.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickReply {
    pub label: String,
    pub message: String,
}

impl QuickReply {
    pub fn new(label: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Interpretation {
    pub reply: String,
    /// Applied now, all together.
    pub actions: Vec<ChatAction>,
    /// Proposed: applied only when the shopper's next message confirms
    /// ("네"); a clear of the whole basket is always proposed, never done.
    pub pending: Vec<ChatAction>,
    pub quick_replies: Vec<QuickReply>,
}

/// The quick replies of a yes/no proposal.
pub fn yes_no(en: bool) -> Vec<QuickReply> {
    if en {
        vec![QuickReply::new("Yes", "yes"), QuickReply::new("No", "no")]
    } else {
        vec![
            QuickReply::new("네", "네"),
            QuickReply::new("아니요", "아니요"),
        ]
    }
}

#[derive(Debug, Error)]
pub enum AssistantError {
    #[error("the assistant is unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ChatAssistant: Send + Sync {
    async fn interpret(
        &self,
        message: &str,
        basket: &Basket,
    ) -> Result<Interpretation, AssistantError>;
}

pub struct RuleBasedAssistant {
    catalog: Arc<dyn CatalogRepository>,
}

/// How a product phrase matched the catalog.
enum ProductMatch {
    /// The product and how many packs.
    One(Product, u32),
    /// Not sure: up to 3 candidates.
    Several(Vec<Product>),
    None,
}

/// How a phrase matched the basket.
enum LineMatch<'a> {
    One(&'a BasketItem),
    Several(Vec<&'a BasketItem>),
    None,
}

fn english(message: &str) -> bool {
    !message
        .chars()
        .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// Candidates for `text`, best first, with their rank.
async fn ranked(
    catalog: &dyn CatalogRepository,
    text: &str,
) -> Result<Vec<(MatchRank, Product)>, RepoError> {
    let Ok(query) = ProductQuery::parse(text) else {
        return Ok(Vec::new());
    };
    let hits = catalog.search_products(&query, 0, 30).await?;
    let short = query.normalized().chars().count() < 2;
    Ok(rank(hits, &query)
        .into_iter()
        .filter_map(|p| match_rank(&p, &query).map(|r| (r, p)))
        // One letter ("용", "파") must name a product outright.
        .filter(|(r, _)| !short || *r <= MatchRank::Prefix)
        .collect())
}

/// The size words of a request ("2.3l", "500g").
fn is_size_word(w: &str) -> bool {
    let digits = w.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    digits.len() < w.len()
        && matches!(
            digits,
            "ml" | "l"
                | "kg"
                | "g"
                | "리터"
                | "키로"
                | "킬로"
                | "킬로그램"
                | "그램"
                | "미리"
                | "밀리"
        )
}

/// Names shoppers say in Konglish that the catalog spells in Korean.
fn konglish(text: &str) -> Option<&'static str> {
    const WORDS: &[(&str, &str)] = &[
        ("밀크", "우유"),
        ("코크제로", "제로콜라"),
        ("콜라제로", "제로콜라"),
        ("펩시제로", "펩시"),
        ("코크", "콜라"),
        ("콕", "콜라"),
        ("에그", "계란"),
        ("에그스", "계란"),
        ("비어", "맥주"),
        ("워터", "생수"),
        ("브레드", "빵"),
        ("누들", "라면"),
        ("라멘", "라면"),
        ("애플", "사과"),
        ("어니언", "양파"),
        ("포테이토", "감자"),
        ("캐롯", "당근"),
        ("토푸", "두부"),
        ("소이밀크", "두유"),
        ("요구르트", "요거트"),
        ("요쿠르트", "요거트"),
        ("쥬스", "주스"),
        ("케익", "케이크"),
        ("소세지", "소시지"),
        ("쏘세지", "소시지"),
        ("돼지", "돼지고기"),
        ("쇠고기", "소고기"),
        ("닭고기", "닭"),
        ("계랸", "계란"),
        ("달갈", "달걀"),
        ("후라이드치킨", "치킨"),
    ];
    let t = normalize(text);
    WORDS
        .iter()
        .find(|(k, _)| normalize(k) == t)
        .map(|(_, v)| *v)
}

impl RuleBasedAssistant {
    pub fn new(catalog: Arc<dyn CatalogRepository>) -> Self {
        Self { catalog }
    }

    /// The product for an item, and how many packs. Pack-aware: "계란 30개"
    /// or "한 판" picks the 30-egg pack once; "삼겹살 1kg" picks the 1 kg
    /// pack, or enough of another size.
    async fn product_for(&self, item: &ItemRequest) -> Result<ProductMatch, RepoError> {
        let count = item.quantity.max(1);
        let text = item.text.as_str();
        // A size said with the name ("서울우유 2.3L", "계란 30구"): that exact
        // product first.
        if text
            .split_whitespace()
            .any(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        {
            let full = ranked(self.catalog.as_ref(), text).await?;
            if let Some((r, p)) = full.first() {
                if *r <= MatchRank::Contains && full.iter().filter(|(r2, _)| r2 == r).count() == 1
                    || *r == MatchRank::Exact
                {
                    return Ok(ProductMatch::One(p.clone(), count));
                }
            }
        }
        let base: String = text
            .split_whitespace()
            .filter(|w| !is_size_word(w) && !w.starts_with(|c: char| c.is_ascii_digit()))
            .collect::<Vec<_>>()
            .join(" ");
        let base = if base.is_empty() {
            text.to_owned()
        } else {
            base
        };
        let mut found = ranked(self.catalog.as_ref(), &base).await?;
        // A typo ("게란"): when every near miss points at one word, read that.
        if found.first().is_some_and(|(r, _)| *r == MatchRank::Fuzzy) {
            let fixes: Vec<String> = base
                .split_whitespace()
                .map(|w| {
                    let options: std::collections::BTreeSet<String> = found
                        .iter()
                        .filter_map(|(_, p)| corrected_word(p, w))
                        .collect();
                    if options.len() == 1 {
                        options.into_iter().next().unwrap_or_else(|| w.to_owned())
                    } else {
                        w.to_owned()
                    }
                })
                .collect();
            let fixed = fixes.join(" ");
            if fixed != base {
                let again = ranked(self.catalog.as_ref(), &fixed).await?;
                if again.first().is_some_and(|(r, _)| *r < MatchRank::Fuzzy) {
                    found = again;
                }
            }
        }
        let unclear =
            |f: &[(MatchRank, Product)]| f.first().is_none_or(|(r, _)| *r == MatchRank::Fuzzy);
        if unclear(&found) {
            if let Some(native) = konglish(&base) {
                found = ranked(self.catalog.as_ref(), native).await?;
            }
        }
        // English plurals: "beers", "onions".
        if unclear(&found) && base.is_ascii() && base.len() > 3 {
            let singular = base
                .strip_suffix("es")
                .filter(|s| s.ends_with(['s', 'x', 'h']))
                .or_else(|| base.strip_suffix('s'));
            if let Some(singular) = singular {
                let again = ranked(self.catalog.as_ref(), singular).await?;
                if !unclear(&again) {
                    found = again;
                }
            }
        }
        // "종가집 김치", "비비고 김치": a brand and a generic name — the best
        // product for the generic name that also carries the brand.
        let words: Vec<&str> = base.split_whitespace().collect();
        if words.len() >= 2 && found.first().is_none_or(|(r, _)| *r >= MatchRank::Contains) {
            if let Some((generic, brand)) = words.split_last() {
                let brand: Vec<String> = brand.iter().map(|w| normalize(w)).collect();
                let candidates = ranked(self.catalog.as_ref(), generic).await?;
                let branded = candidates.into_iter().find(|(r, p)| {
                    *r <= MatchRank::Prefix && {
                        let all = std::iter::once(p.name())
                            .chain(p.name_en())
                            .chain(p.aliases().iter().map(String::as_str))
                            .map(normalize)
                            .collect::<Vec<_>>()
                            .join(" ");
                        brand.iter().all(|b| all.contains(b.as_str()))
                    }
                });
                if let Some((_, p)) = branded {
                    return Ok(ProductMatch::One(p, count));
                }
            }
        }
        let Some((best, _)) = found.first() else {
            return Ok(ProductMatch::None);
        };
        let best = *best;
        // A near miss never becomes a product on its own: the shopper picks.
        if best == MatchRank::Fuzzy {
            return Ok(ProductMatch::Several(
                found.into_iter().take(3).map(|(_, p)| p).collect(),
            ));
        }
        // Clear names: exact and prefix matches; else the best group.
        let group: Vec<&Product> = if best <= MatchRank::Prefix {
            found
                .iter()
                .filter(|(r, _)| *r <= MatchRank::Prefix)
                .map(|(_, p)| p)
                .collect()
        } else {
            found
                .iter()
                .filter(|(r, _)| *r == best)
                .map(|(_, p)| p)
                .collect()
        };
        if best >= MatchRank::Contains && group.len() > 1 {
            return Ok(ProductMatch::Several(
                group.into_iter().take(3).cloned().collect(),
            ));
        }
        // The best-ranked first, then the other clear names; each once.
        let mut exact_first: Vec<&Product> = Vec::new();
        for p in found
            .iter()
            .filter(|(r, _)| *r == best)
            .map(|(_, p)| p)
            .chain(group.iter().copied())
        {
            if !exact_first.iter().any(|q| q.id() == p.id()) {
                exact_first.push(p);
            }
        }
        let default_is_pack = exact_first
            .first()
            .is_some_and(|p| p.unit() == Unit::Ea && p.size() > 1);
        if let Some(pieces) = item.pieces.filter(|_| default_is_pack) {
            let packs: Vec<&Product> = exact_first
                .iter()
                .copied()
                .filter(|p| p.unit() == Unit::Ea && p.size() > 1)
                .collect();
            // The pack of exactly that many; else a few packs that add up to
            // it; else the smallest pack that holds it; else enough big ones.
            let exact = packs.iter().find(|p| p.size() == pieces);
            let mut fit: Option<&Product> = None;
            for p in packs
                .iter()
                .filter(|p| pieces % p.size() == 0 && pieces / p.size() <= 3)
            {
                if fit.is_none_or(|f| p.size() > f.size()) {
                    fit = Some(p);
                }
            }
            let mut cover: Option<&Product> = None;
            for p in packs.iter().filter(|p| p.size() >= pieces) {
                if cover.is_none_or(|f| p.size() < f.size()) {
                    cover = Some(p);
                }
            }
            let mut biggest: Option<&Product> = None;
            for p in &packs {
                if biggest.is_none_or(|f| p.size() > f.size()) {
                    biggest = Some(p);
                }
            }
            if let Some(p) = exact.copied().or(fit).or(cover) {
                return Ok(ProductMatch::One(
                    p.clone(),
                    pieces.div_ceil(p.size()).max(1),
                ));
            }
            if let Some(p) = biggest {
                return Ok(ProductMatch::One(
                    p.clone(),
                    pieces.div_ceil(p.size()).min(99),
                ));
            }
        }
        if let Some(amount) = item.amount.filter(|a| *a > 0) {
            let measured: Vec<&Product> = exact_first
                .iter()
                .copied()
                .filter(|p| matches!(p.unit(), Unit::G | Unit::Ml) && p.size() > 0)
                .collect();
            if let Some(p) = measured.iter().find(|p| p.size() == amount) {
                let n = if item.counter.is_some() { count } else { 1 };
                return Ok(ProductMatch::One((*p).clone(), n));
            }
            // The size that comes closest to the amount (fewer packs on a tie).
            let packs_of = |p: &Product| {
                let packs = (f64::from(amount) / f64::from(p.size())).round().max(1.0);
                if packs < 99.0 {
                    packs as u32
                } else {
                    99
                }
            };
            let mut closest: Option<(&Product, u32, u64)> = None;
            for p in &measured {
                let packs = packs_of(p);
                let diff = (u64::from(packs) * u64::from(p.size())).abs_diff(u64::from(amount));
                if closest.is_none_or(|(_, n, d)| diff < d || (diff == d && packs < n)) {
                    closest = Some((p, packs, diff));
                }
            }
            if let Some((p, packs, _)) = closest {
                let n = if item.counter.is_some() && item.counter.as_deref() != Some("근") {
                    count
                } else {
                    1
                };
                return Ok(ProductMatch::One(p.clone(), packs.saturating_mul(n)));
            }
        }
        if let Some(c) = item
            .counter
            .as_deref()
            .filter(|c| !matches!(*c, "개" | "구" | "알"))
        {
            let says_counter =
                |p: &Product| p.name().contains(c) || p.aliases().iter().any(|a| a.contains(c));
            if let Some(p) = exact_first.iter().find(|p| says_counter(p)) {
                return Ok(ProductMatch::One((*p).clone(), count));
            }
        }
        Ok(exact_first.first().map_or(ProductMatch::None, |p| {
            ProductMatch::One((*p).clone(), count)
        }))
    }

    async fn line_for<'a>(
        &self,
        text: &str,
        basket: &'a Basket,
    ) -> Result<LineMatch<'a>, RepoError> {
        let want = normalize(text);
        if want.is_empty() {
            return Ok(LineMatch::None);
        }
        let by_name: Vec<&BasketItem> = basket
            .items()
            .iter()
            .filter(|i| normalize(i.name.as_str()).contains(&want))
            .collect();
        let found = if by_name.is_empty() {
            // "달걀" finds the line "계란 30구": through the catalog's names and
            // aliases, every product the words name.
            let hits = ranked(self.catalog.as_ref(), text).await?;
            let best = hits.first().map(|(r, _)| *r);
            let ids: Vec<&str> = hits
                .iter()
                .filter(|(r, _)| Some(*r) == best || *r <= MatchRank::Prefix)
                .map(|(_, p)| p.id().as_str())
                .collect();
            basket
                .items()
                .iter()
                .filter(|i| {
                    i.product_id
                        .as_ref()
                        .is_some_and(|id| ids.contains(&id.as_str()))
                })
                .collect()
        } else {
            by_name
        };
        Ok(match found.len() {
            0 => LineMatch::None,
            1 => LineMatch::One(found[0]),
            _ => LineMatch::Several(found),
        })
    }
}

fn names(products: &[Product]) -> String {
    products
        .iter()
        .map(|p| p.name().to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn basket_summary(basket: &Basket, en: bool) -> String {
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
fn amount_text(name: &str, quantity: u32, counter: Option<&str>) -> String {
    let unit = match counter {
        Some(c) if !matches!(c, "구" | "알" | "근") && !name.ends_with(c) && c != "판" => c,
        _ => "개",
    };
    format!("{name} {quantity}{unit}")
}

/// A list read as Korean: "A, B와 C" → here joined with commas, and the
/// particle chosen by the last word.
fn listed(parts: &[String], p: Particle) -> String {
    josa(&parts.join(", "), p)
}

/// What one turn builds up.
#[derive(Default)]
struct Turn {
    actions: Vec<ChatAction>,
    pending: Vec<ChatAction>,
    quick_replies: Vec<QuickReply>,
    added: Vec<String>,
    done: Vec<String>,
    asks: Vec<String>,
}

impl RuleBasedAssistant {
    async fn add(&self, items: Vec<ItemRequest>, en: bool, t: &mut Turn) -> Result<(), RepoError> {
        for item in items {
            match self.product_for(&item).await? {
                ProductMatch::One(p, quantity) => {
                    t.added.push(if en {
                        format!("{} ×{}", p.name(), quantity)
                    } else {
                        amount_text(p.name(), quantity, item.counter.as_deref())
                    });
                    t.actions.push(ChatAction::Add {
                        product_id: Some(p.id().as_str().to_owned()),
                        name: p.name().to_owned(),
                        quantity,
                    });
                }
                ProductMatch::Several(ps) => {
                    let q = item.quantity.max(1);
                    for p in &ps {
                        t.quick_replies.push(QuickReply::new(
                            p.name(),
                            if en {
                                format!("add {q} {}", p.name())
                            } else {
                                format!("{} {q}개 담아줘", p.name())
                            },
                        ));
                    }
                    t.asks.push(if en {
                        format!("Which '{}' do you mean: {}?", item.text, names(&ps))
                    } else {
                        format!(
                            "'{}' 어떤 상품을 말씀하시는 건가요? {} 중에서 골라 주세요.",
                            josa(&item.text, Particle::EunNeun),
                            names(&ps)
                        )
                    });
                }
                ProductMatch::None => {
                    // Not in the catalog: a free-text line, once confirmed.
                    let q = item.quantity.max(1);
                    t.pending.push(ChatAction::Add {
                        product_id: None,
                        name: item.text.clone(),
                        quantity: q,
                    });
                    t.quick_replies = yes_no(en);
                    t.asks.push(if en {
                        format!(
                            "I could not find '{}' in the catalog. Add it as a note line anyway?",
                            item.text
                        )
                    } else {
                        format!(
                            "'{}' 상품을 찾지 못했어요. 메모 항목으로 {q}개 담을까요?",
                            item.text
                        )
                    });
                }
            }
        }
        Ok(())
    }

    async fn remove(
        &self,
        items: Vec<ItemRequest>,
        basket: &Basket,
        en: bool,
        t: &mut Turn,
    ) -> Result<(), RepoError> {
        for item in items {
            match self.line_for(&item.text, basket).await? {
                LineMatch::One(line) => {
                    let have = u32::try_from(line.quantity.get()).unwrap_or(1);
                    if item.explicit && !item.all && item.quantity < have {
                        let left = have - item.quantity;
                        t.done.push(if en {
                            format!("{} is now ×{left}.", line.name.as_str())
                        } else {
                            format!(
                                "{} {left}개로 줄였어요.",
                                josa(line.name.as_str(), Particle::EulReul)
                            )
                        });
                        t.actions.push(ChatAction::SetQuantity {
                            item_id: line.id.0.to_string(),
                            name: line.name.as_str().to_owned(),
                            quantity: left,
                        });
                    } else {
                        t.done.push(if en {
                            format!("Removed {}.", line.name.as_str())
                        } else {
                            format!("{} 뺐어요.", josa(line.name.as_str(), Particle::EulReul))
                        });
                        t.actions.push(ChatAction::Remove {
                            item_id: line.id.0.to_string(),
                            name: line.name.as_str().to_owned(),
                        });
                    }
                }
                LineMatch::Several(lines) => {
                    for l in lines.iter().take(3) {
                        t.quick_replies.push(QuickReply::new(
                            l.name.as_str(),
                            if en {
                                format!("remove {}", l.name.as_str())
                            } else {
                                format!("{} 빼줘", l.name.as_str())
                            },
                        ));
                    }
                    let list = lines
                        .iter()
                        .map(|l| l.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    t.asks.push(if en {
                        format!("Several lines match '{}': {list}. Which one?", item.text)
                    } else {
                        format!(
                            "'{}' 여러 개예요: {list}. 어떤 것을 뺄까요?",
                            josa(&item.text, Particle::IGa)
                        )
                    });
                }
                LineMatch::None => t.done.push(if en {
                    format!("There is no '{}' in your basket.", item.text)
                } else {
                    format!("장바구니에 '{}' 없어요.", josa(&item.text, Particle::IGa))
                }),
            }
        }
        Ok(())
    }

    async fn set(
        &self,
        items: Vec<ItemRequest>,
        basket: &Basket,
        en: bool,
        t: &mut Turn,
    ) -> Result<(), RepoError> {
        for item in items {
            match self.line_for(&item.text, basket).await? {
                LineMatch::One(line) => {
                    let quantity = item.quantity.max(1);
                    t.done.push(if en {
                        format!("{} is now ×{quantity}.", line.name.as_str())
                    } else {
                        format!(
                            "{} {}개로 바꿨어요.",
                            josa(line.name.as_str(), Particle::EulReul),
                            quantity
                        )
                    });
                    t.actions.push(ChatAction::SetQuantity {
                        item_id: line.id.0.to_string(),
                        name: line.name.as_str().to_owned(),
                        quantity,
                    });
                }
                LineMatch::Several(lines) => {
                    let q = item.quantity.max(1);
                    for l in lines.iter().take(3) {
                        t.quick_replies.push(QuickReply::new(
                            l.name.as_str(),
                            format!("{} {q}개로 바꿔줘", l.name.as_str()),
                        ));
                    }
                    t.asks.push(if en {
                        format!("Several lines match '{}'. Which one?", item.text)
                    } else {
                        format!(
                            "'{}' 여러 개예요. 어떤 것을 바꿀까요?",
                            josa(&item.text, Particle::IGa)
                        )
                    });
                }
                // Not in the basket yet: "우유 4개로" means four of it.
                LineMatch::None => self.add(vec![item], en, t).await?,
            }
        }
        Ok(())
    }
}

#[async_trait]
impl ChatAssistant for RuleBasedAssistant {
    async fn interpret(
        &self,
        message: &str,
        basket: &Basket,
    ) -> Result<Interpretation, AssistantError> {
        let en = english(message);
        let say = |ko: String, en_text: String| if en { en_text } else { ko };
        let mut t = Turn::default();
        match parse(message) {
            Intent::Clear if basket.is_empty() => {
                t.done.push(say("장바구니가 이미 비어 있어요.".into(), "Your basket is already empty.".into()));
            }
            Intent::Clear => {
                // Never a destructive surprise: the shopper confirms first.
                t.pending.push(ChatAction::Clear);
                t.quick_replies = yes_no(en);
                t.asks.push(say(
                    format!("장바구니의 상품 {}개를 모두 뺄까요?", basket.items().len()),
                    format!("Remove all {} lines from your basket?", basket.items().len()),
                ));
            }
            Intent::Confirm | Intent::Cancel => t.done.push(say(
                "지금 확인할 제안이 없어요. 무엇을 도와드릴까요?".into(),
                "There is nothing to confirm right now. What can I do?".into(),
            )),
            Intent::Show => {
                t.actions.push(ChatAction::Show);
                t.done.push(basket_summary(basket, en));
            }
            Intent::Question => t.done.push(say(
                "장바구니는 그대로 두었어요. 가격이 궁금하시면 \"최저가 플랜 짜줘\"라고 말씀해 주세요.".into(),
                "I left your basket as it is. Ask \"plan my shopping\" to compare prices.".into(),
            )),
            Intent::Plan { online } => {
                let mode = if online { "online" } else { "offline" };
                t.actions.push(ChatAction::Plan { mode: mode.into() });
                t.done.push(say(
                    format!("{} 최저가 플랜을 짤게요.", if online { "온라인" } else { "매장" }),
                    format!("Let me plan your {mode} shopping."),
                ));
            }
            Intent::Recipe(dish) => match recipe(&dish) {
                Some(r) => {
                    let mut bundle = Turn::default();
                    let items = r
                        .ingredients
                        .iter()
                        .map(|i| ItemRequest {
                            text: (*i).to_owned(),
                            quantity: 1,
                            counter: None,
                            explicit: false,
                            all: false,
                            pieces: None,
                            amount: None,
                        })
                        .collect();
                    self.add(items, en, &mut bundle).await?;
                    let found: Vec<String> = bundle
                        .actions
                        .iter()
                        .filter_map(|a| match a {
                            ChatAction::Add { name, .. } => Some(name.clone()),
                            _ => None,
                        })
                        .collect();
                    if found.is_empty() {
                        t.done.push(say(format!("{} 재료를 찾지 못했어요.", r.name), format!("I found no ingredients for {}.", r.name)));
                    } else {
                        t.pending = bundle.actions;
                        t.quick_replies = yes_no(en);
                        t.asks.push(say(
                            format!("{} 재료로 {} 담을까요?", r.name, listed(&found, Particle::EulReul)),
                            format!("For {}: {}. Add them?", r.name, found.join(", ")),
                        ));
                    }
                }
                None => t.done.push(say(
                    format!("'{dish}' 요리의 재료 목록은 아직 없어요. 재료를 하나씩 말씀해 주세요."),
                    format!("I do not know the ingredients of '{dish}' yet."),
                )),
            },
            Intent::Add(items) => self.add(items, en, &mut t).await?,
            Intent::Multi(parts) => {
                for part in parts {
                    match part {
                        Intent::Add(items) => self.add(items, en, &mut t).await?,
                        Intent::Remove(items) => self.remove(items, basket, en, &mut t).await?,
                        Intent::SetQuantity(items) => self.set(items, basket, en, &mut t).await?,
                        Intent::Replace { from, to } => {
                            self.remove(vec![from], basket, en, &mut t).await?;
                            self.add(vec![to], en, &mut t).await?;
                        }
                        _ => {}
                    }
                }
            }
            Intent::Mention(items) => {
                // Only what clearly names a product is added; anything else
                // gets the help text, not a question.
                let mut known = Vec::new();
                for item in items {
                    if matches!(self.product_for(&item).await?, ProductMatch::One(..)) {
                        known.push(item);
                    }
                }
                if known.is_empty() {
                    t.done.push(say(
                        "무엇을 도와드릴까요? 예: \"우유 2개랑 계란 한 판 담아줘\", \"우유 빼줘\", \"장바구니 보여줘\", \"최저가 플랜 짜줘\"".into(),
                        "What can I do? e.g. \"add 2 milk\", \"remove milk\", \"show my basket\", \"plan my shopping\"".into(),
                    ));
                } else {
                    self.add(known, en, &mut t).await?;
                }
            }
            Intent::Remove(items) if basket.is_empty() => {
                let _ = items;
                t.done.push(say("장바구니가 비어 있어요.".into(), "Your basket is empty.".into()));
            }
            Intent::Remove(items) => self.remove(items, basket, en, &mut t).await?,
            Intent::SetQuantity(items) => self.set(items, basket, en, &mut t).await?,
            Intent::Replace { from, to } => {
                let line = match self.line_for(&from.text, basket).await? {
                    LineMatch::One(l) => Some(l),
                    _ => None,
                };
                let mut to = to;
                if let (Some(l), false) = (line, to.explicit) {
                    to.quantity = u32::try_from(l.quantity.get()).unwrap_or(1);
                }
                let mut swap = Turn::default();
                self.add(vec![to], en, &mut swap).await?;
                match (line, swap.actions.first().cloned()) {
                    (Some(l), Some(ChatAction::Add { name, .. })) => {
                        t.actions.push(ChatAction::Remove {
                            item_id: l.id.0.to_string(),
                            name: l.name.as_str().to_owned(),
                        });
                        t.actions.extend(swap.actions);
                        t.done.push(say(
                            format!(
                                "{} 빼고 {} 담았어요.",
                                josa(l.name.as_str(), Particle::EulReul),
                                josa(&name, Particle::EulReul)
                            ),
                            format!("Replaced {} with {name}.", l.name.as_str()),
                        ));
                    }
                    (None, Some(_)) => {
                        t.actions.extend(swap.actions);
                        t.added.extend(swap.added);
                    }
                    (_, None) => {
                        t.pending = swap.pending;
                        t.quick_replies = swap.quick_replies;
                        t.asks.extend(swap.asks);
                    }
                    (_, Some(_)) => {}
                }
            }
            Intent::Unknown => t.done.push(say(
                "무엇을 도와드릴까요? 예: \"우유 2개랑 계란 한 판 담아줘\", \"우유 빼줘\", \"장바구니 보여줘\", \"최저가 플랜 짜줘\"".into(),
                "What can I do? e.g. \"add 2 milk\", \"remove milk\", \"show my basket\", \"plan my shopping\"".into(),
            )),
        }
        let mut parts = Vec::new();
        if !t.added.is_empty() {
            parts.push(if en {
                format!("Added {}.", t.added.join(", "))
            } else {
                format!("{} 담았어요.", listed(&t.added, Particle::EulReul))
            });
        }
        parts.extend(t.done);
        parts.extend(t.asks);
        // One question at a time: a proposal's yes/no and candidate buttons
        // would mix, so a pending proposal keeps only its own buttons.
        Ok(Interpretation {
            reply: parts.join(" "),
            actions: t.actions,
            pending: t.pending,
            quick_replies: t.quick_replies.into_iter().take(3).collect(),
        })
    }
}
