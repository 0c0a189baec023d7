//! Substitutes (issue 16): a basket line a plan cannot buy — no store of the
//! plan sells it (offline), no mall of the plan (online) — gets up to
//! [`MAX_SUBSTITUTES`] products of the same kind that a store of the plan
//! does sell, cheapest unit price (단위가격, per 100 g / 100 ml / 1 piece)
//! first: "서울우유 1L → 매일우유 오리지널 900ml". They are suggestions on the
//! unfilled line (`missing_items[].substitutes`); the plan never buys them.
//!
//! **Same kind**: another product with the same category and the same unit
//! of measure (g, ml or pieces, so unit prices compare) that shares a kind
//! word — an alias ("우유"), or the last word of the name without sizes (the
//! noun: "풀무원 부침두부" → "부침두부"). The first word alone (the brand) is
//! not a kind: "CJ 햇반" is no substitute for "CJ 스팸".

use std::collections::{HashMap, HashSet};

use super::view::{ProductView, SubstituteView, UnitPriceView};
use crate::catalog::pack::strip_sizes;
use crate::catalog::search::normalize;
use crate::catalog::{Offer, Product, Store};

/// Most substitutes per line.
pub const MAX_SUBSTITUTES: usize = 3;

/// The words that say what kind of good `p` is (normalised).
pub fn kind_words(p: &Product) -> HashSet<String> {
    let mut words: HashSet<String> = p
        .aliases()
        .iter()
        .map(|a| normalize(a))
        .filter(|w| w.chars().count() >= 2)
        .collect();
    let bare = strip_sizes(p.name());
    if let Some(last) = bare.split_whitespace().last() {
        let w = normalize(last);
        if w.chars().count() >= 2 {
            words.insert(w);
        }
    }
    words
}

/// Whether `other` can stand in for `wanted` (see the module docs).
pub fn same_kind(wanted: &Product, other: &Product) -> bool {
    wanted.id() != other.id()
        && wanted.category() == other.category()
        && wanted.unit() == other.unit()
        && !kind_words(wanted).is_disjoint(&kind_words(other))
}

/// The substitutes for `wanted` among `candidates`, priced by `offers` (the
/// latest offers of the plan's stores; out of stock and outlier-flagged ones
/// do not count): each product at its plan store with the lowest unit price,
/// cheapest unit price first (ties: lower price, then id), at most
/// [`MAX_SUBSTITUTES`].
pub fn substitutes(
    wanted: &Product,
    candidates: &[Product],
    offers: &[Offer],
    stores: &HashMap<String, Store>,
) -> Vec<SubstituteView> {
    let mut best: Vec<SubstituteView> = Vec::new();
    for c in candidates.iter().filter(|c| same_kind(wanted, c)) {
        let found = offers
            .iter()
            .filter(|o| &o.product_id == c.id() && o.in_stock && !o.flagged_outlier)
            .filter_map(|o| Some((c.unit_price(o.price)?, o)))
            .min_by(|(a, oa), (b, ob)| {
                a.centi_krw
                    .cmp(&b.centi_krw)
                    .then(oa.store_id.cmp(&ob.store_id))
            });
        let Some((unit, o)) = found else { continue };
        best.push(SubstituteView {
            product: ProductView {
                id: c.id().to_string(),
                name: c.name().to_owned(),
            },
            store_id: o.store_id.to_string(),
            store_name: stores
                .get(o.store_id.as_str())
                .map_or_else(|| o.store_id.to_string(), |s| s.name().to_owned()),
            price_krw: o.price.krw(),
            unit_price: UnitPriceView::of(unit),
        });
    }
    best.sort_by(|a, b| {
        a.unit_price
            .centi_krw
            .cmp(&b.unit_price.centi_krw)
            .then(a.price_krw.cmp(&b.price_krw))
            .then(a.product.id.cmp(&b.product.id))
    });
    best.dedup_by(|a, b| a.product.id == b.product.id);
    best.truncate(MAX_SUBSTITUTES);
    best
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::catalog::{NewProduct, PriceKrw, ProductId, StoreId, Unit};

    fn product(
        id: &str,
        name: &str,
        category: &str,
        unit: Unit,
        size: u32,
        aliases: &[&str],
    ) -> Product {
        Product::new(NewProduct {
            id: id.into(),
            name: name.into(),
            name_en: None,
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            category: category.into(),
            unit,
            size,
            barcode: None,
        })
        .expect("product")
    }

    fn offer(store: &str, product: &str, krw: i64) -> Offer {
        Offer {
            store_id: StoreId::parse(store).expect("id"),
            product_id: ProductId::parse(product).expect("id"),
            price: PriceKrw::new(krw).expect("price"),
            observed_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
            in_stock: true,
            discounted: false,
            flagged_outlier: false,
            provenance: crate::catalog::Provenance::of(crate::catalog::PriceOrigin::Sample),
        }
    }

    fn catalog() -> Vec<Product> {
        vec![
            product(
                "seoul",
                "서울우유 1L",
                "dairy",
                Unit::Ml,
                1000,
                &["우유", "milk"],
            ),
            product(
                "maeil",
                "매일우유 오리지널 900ml",
                "dairy",
                Unit::Ml,
                900,
                &["우유", "매일우유"],
            ),
            product(
                "namyang",
                "남양 맛있는우유GT 900ml",
                "dairy",
                Unit::Ml,
                900,
                &["우유"],
            ),
            product("big", "서울우유 2.3L", "dairy", Unit::Ml, 2300, &["우유"]),
            product("soy", "매일두유 950ml", "dairy", Unit::Ml, 950, &["두유"]),
            product("powder", "분유 우유 800g", "dairy", Unit::G, 800, &["우유"]),
            product(
                "cream",
                "서울우유 생크림 500ml",
                "dairy",
                Unit::Ml,
                500,
                &["생크림"],
            ),
        ]
    }

    #[test]
    fn same_kind_needs_category_unit_and_a_kind_word() {
        let c = catalog();
        let seoul = &c[0];
        let kinds: Vec<&str> = c
            .iter()
            .filter(|p| same_kind(seoul, p))
            .map(|p| p.id().as_str())
            .collect();
        // Not itself, not soy milk (no shared word), not powder (grams),
        // not cream (its brand word alone is no kind).
        assert_eq!(kinds, ["maeil", "namyang", "big"]);
    }

    #[test]
    fn ranked_by_unit_price_at_most_three_never_the_wanted_product() {
        let c = catalog();
        let mut stores = HashMap::new();
        stores.insert(
            "s1".to_owned(),
            crate::catalog::Store::new(crate::catalog::NewStore {
                id: "s1".into(),
                chain: "GS".into(),
                name: "GS더프레시 역삼점".into(),
                site: crate::catalog::NewStoreSite::Offline {
                    format: crate::catalog::OfflineFormat::Supermarket,
                    location: crate::catalog::GeoPoint::new(37.5, 127.0).expect("point"),
                    address: "서울".into(),
                    hours: None,
                    closing: None,
                },
            })
            .expect("store"),
        );
        let offers = vec![
            offer("s1", "maeil", 2_780),   // 308.89 /100ml
            offer("s2", "maeil", 2_500),   // 277.78 /100ml: the cheaper store wins
            offer("s1", "namyang", 2_990), // 332.22
            offer("s1", "big", 5_980),     // 260.00
            offer("s1", "soy", 100),       // another kind
            offer("s1", "seoul", 100),     // the wanted product itself
        ];
        let got = substitutes(&c[0], &c, &offers, &stores);
        let ids: Vec<(&str, &str, i64)> = got
            .iter()
            .map(|s| {
                (
                    s.product.id.as_str(),
                    s.store_id.as_str(),
                    s.unit_price.centi_krw,
                )
            })
            .collect();
        assert_eq!(
            ids,
            [
                ("big", "s1", 26_000),
                ("maeil", "s2", 27_778),
                ("namyang", "s1", 33_222)
            ]
        );
        assert_eq!(got[0].store_name, "GS더프레시 역삼점");
        assert_eq!(got[0].unit_price.per, "100ml");
        // Out of stock and outliers do not count.
        let mut odd = offers.clone();
        for o in &mut odd {
            o.in_stock = o.product_id.as_str() != "big";
            o.flagged_outlier = o.product_id.as_str() == "namyang";
        }
        let got = substitutes(&c[0], &c, &odd, &stores);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].product.id, "maeil");
        assert!(substitutes(&c[0], &c, &[], &stores).is_empty());
    }
}
