//! Items to catalog products (exact or prefix names at their best hit,
//! pack-aware; a typo corrected only when every near miss points at one
//! alias; Konglish names) and phrases to basket lines.

use crate::basket::{Basket, BasketItem};
use crate::catalog::ports::CatalogRepository;
use crate::catalog::search::{
    corrected_word, match_rank, normalize, rank, MatchRank, ProductQuery,
};
use crate::catalog::{Product, Unit};
use crate::chat::parse::ItemRequest;
use crate::RepoError;

use super::RuleBasedAssistant;

/// How a product phrase matched the catalog.
pub(super) enum ProductMatch {
    /// The product and how many packs.
    One(Product, u32),
    /// Not sure: up to 3 candidates.
    Several(Vec<Product>),
    None,
}

/// How a phrase matched the basket.
pub(super) enum LineMatch<'a> {
    One(&'a BasketItem),
    Several(Vec<&'a BasketItem>),
    None,
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
    /// The product for an item, and how many packs. Pack-aware: "계란 30개"
    /// or "한 판" picks the 30-egg pack once; "삼겹살 1kg" picks the 1 kg
    /// pack, or enough of another size.
    pub(super) async fn product_for(&self, item: &ItemRequest) -> Result<ProductMatch, RepoError> {
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

    pub(super) async fn line_for<'a>(
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
