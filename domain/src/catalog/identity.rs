//! One product identity across sources: an imported or synced product that is
//! the same good as one already in the catalog ("서울우유 1L" from a 참가격
//! file and the sample catalog's 서울우유 1L) becomes that product, so the
//! catalog never holds the same good twice.
//!
//! Matching, in order:
//! 1. **source id** — the catalog already holds the incoming id (the same
//!    source's product seen before);
//! 2. **name + pack** — the normalised name without its size words equals a
//!    known product's name (or alias) and the pack (unit and size) is equal;
//! 3. otherwise, a known product with the same pack whose name contains the
//!    other's (or the other way round) is a **near match**: the incoming
//!    product is kept as it is and put on a review list, never merged
//!    silently. Two known products matching at step 2 are ambiguous too.
//!
//! The review list is stored ([`super::ports::ProductReviewRepository`]) and
//! resolved by the operator (`ttokjang catalog review`): **merge** (the
//! product is that catalog product: its offers move there, it is removed, and
//! the source id keeps mapping there in later imports — a source id match,
//! step 1) or **distinct** (a good of its own: never listed again).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::pack::strip_sizes;
use super::search::normalize;
use super::{CatalogBatch, Product, ProductId};

/// The name of a good without its size words, normalised: "서울 우유 1L" →
/// "서울우유".
pub fn core_name(name: &str) -> String {
    normalize(&strip_sizes(name))
}

/// What became of one incoming product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The same good as this catalog product.
    Same { id: ProductId, by: MatchKind },
    /// A good the catalog does not have.
    New,
    /// Possibly one of these: kept as a new product and listed for review.
    Ambiguous { candidates: Vec<ProductId> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    SourceId,
    NameAndPack,
    /// The operator merged this source id into the product (review list).
    Review,
}

/// A product kept apart because it might be a good the catalog already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewItem {
    pub product_id: ProductId,
    pub name: String,
    pub candidates: Vec<ProductId>,
    pub reason: String,
}

/// Where a review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStatus {
    Pending,
    /// Merged into a catalog product (`ReviewEntry::merged_into`).
    Merged,
    /// A good of its own.
    Distinct,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Merged => "merged",
            Self::Distinct => "distinct",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "merged" => Some(Self::Merged),
            "distinct" => Some(Self::Distinct),
            _ => None,
        }
    }
}

/// A stored review item and its decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewEntry {
    pub item: ReviewItem,
    pub status: ReviewStatus,
    pub merged_into: Option<ProductId>,
    pub listed_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The operator's decision on a pending item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewDecision {
    /// The product is `into`.
    Merge { into: ProductId },
    /// The product is a good of its own.
    Distinct,
}

/// What [`unify`] did to a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityReport {
    /// (incoming id, catalog id) pairs merged.
    pub merged: Vec<(ProductId, ProductId)>,
    pub review: Vec<ReviewItem>,
}

/// Decides what `incoming` is, given the catalog products that might be it
/// (`known`; any superset works, e.g. the hits of a name search) and the
/// catalog ids other incoming products already took in this batch.
pub fn resolve(incoming: &Product, known: &[Product], taken: &HashSet<ProductId>) -> Resolution {
    if known.iter().any(|k| k.id() == incoming.id()) {
        return Resolution::Same {
            id: incoming.id().clone(),
            by: MatchKind::SourceId,
        };
    }
    let name = core_name(incoming.name());
    if name.is_empty() {
        return Resolution::New;
    }
    let pack = incoming.pack();
    let same_pack = || known.iter().filter(|k| k.pack() == pack);
    let exact: Vec<&Product> = same_pack()
        .filter(|k| core_name(k.name()) == name || k.aliases().iter().any(|a| core_name(a) == name))
        .collect();
    match exact.as_slice() {
        [one] if !taken.contains(one.id()) => {
            return Resolution::Same {
                id: one.id().clone(),
                by: MatchKind::NameAndPack,
            }
        }
        [] => {}
        many => {
            return Resolution::Ambiguous {
                candidates: sorted_ids(many.iter().copied()),
            }
        }
    }
    let near: Vec<&Product> = same_pack()
        .filter(|k| {
            let other = core_name(k.name());
            other.chars().count() >= 2
                && name.chars().count() >= 2
                && (other.contains(&name) || name.contains(&other))
        })
        .collect();
    if near.is_empty() {
        Resolution::New
    } else {
        Resolution::Ambiguous {
            candidates: sorted_ids(near.into_iter()),
        }
    }
}

fn sorted_ids<'a>(ps: impl Iterator<Item = &'a Product>) -> Vec<ProductId> {
    let mut ids: Vec<ProductId> = ps.map(|p| p.id().clone()).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Rewrites `batch` so that every incoming product that is a catalog product
/// becomes it: the product leaves the batch and its offers name the catalog
/// id. Ambiguous products stay as they are and are listed for review. Two
/// incoming products never merge into the same catalog product (the second
/// goes to review), so offer keys stay unique.
///
/// `decided` are the stored reviews of the batch's products: one merged
/// earlier maps to its catalog product (by its source id, so before any name
/// matching); one found distinct is kept and not listed again; one still
/// pending is kept and listed again.
pub fn unify(
    batch: &mut CatalogBatch,
    known: &[Product],
    decided: &[ReviewEntry],
) -> IdentityReport {
    let mut report = IdentityReport::default();
    let mut taken: HashSet<ProductId> = HashSet::new();
    let mut rename: HashMap<ProductId, ProductId> = HashMap::new();
    let mut kept = Vec::with_capacity(batch.products.len());
    let decision = |id: &ProductId| decided.iter().find(|e| &e.item.product_id == id);
    for p in std::mem::take(&mut batch.products) {
        let resolution = match decision(p.id()) {
            Some(ReviewEntry {
                status: ReviewStatus::Merged,
                merged_into: Some(into),
                ..
            }) if known.iter().any(|k| k.id() == into) => Resolution::Same {
                id: into.clone(),
                by: MatchKind::Review,
            },
            Some(ReviewEntry {
                status: ReviewStatus::Distinct,
                ..
            }) => Resolution::New,
            _ => resolve(&p, known, &taken),
        };
        match resolution {
            Resolution::Same {
                id,
                by: MatchKind::SourceId,
            } => {
                taken.insert(id);
                kept.push(p);
            }
            Resolution::Same { id, .. } => {
                taken.insert(id.clone());
                report.merged.push((p.id().clone(), id.clone()));
                rename.insert(p.id().clone(), id);
            }
            Resolution::New => kept.push(p),
            Resolution::Ambiguous { candidates } => {
                let reason = if candidates.iter().any(|c| taken.contains(c)) {
                    "another product of this import already matched it"
                } else {
                    "same pack and a similar name"
                };
                report.review.push(ReviewItem {
                    product_id: p.id().clone(),
                    name: p.name().to_owned(),
                    candidates,
                    reason: reason.to_owned(),
                });
                kept.push(p);
            }
        }
    }
    batch.products = kept;
    for o in &mut batch.offers {
        if let Some(to) = rename.get(&o.product_id) {
            o.product_id = to.clone();
        }
    }
    report
}

/// Groups of products in `products` that are the same good by name + pack
/// (each group has ≥ 2 ids). Used to check a catalog (e.g. the sample data)
/// holds every good once.
pub fn duplicates(products: &[Product]) -> Vec<Vec<ProductId>> {
    let mut groups: HashMap<(String, super::pack::Pack), Vec<ProductId>> = HashMap::new();
    for p in products {
        groups
            .entry((core_name(p.name()), p.pack()))
            .or_default()
            .push(p.id().clone());
    }
    let mut out: Vec<Vec<ProductId>> = groups.into_values().filter(|g| g.len() > 1).collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::catalog::{NewProduct, Offer, PriceKrw, StoreId, Unit};

    fn product(id: &str, name: &str, unit: Unit, size: u32, aliases: &[&str]) -> Product {
        Product::new(NewProduct {
            id: id.into(),
            name: name.into(),
            name_en: None,
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            category: "유제품".into(),
            unit,
            size,
            barcode: None,
        })
        .expect("valid")
    }

    fn offer(product: &str) -> Offer {
        Offer {
            store_id: StoreId::parse("kca-S1").expect("id"),
            product_id: ProductId::parse(product).expect("id"),
            price: PriceKrw::new(2_980).expect("price"),
            observed_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
            in_stock: true,
            discounted: false,
            flagged_outlier: false,
            provenance: crate::catalog::Provenance::of(crate::catalog::PriceOrigin::Sample),
        }
    }

    fn catalog() -> Vec<Product> {
        vec![
            product("p0001", "서울우유 1L", Unit::Ml, 1000, &["우유"]),
            product("p0002", "서울우유 2.3L", Unit::Ml, 2300, &[]),
            product("p0003", "특란 30구", Unit::Ea, 30, &["계란"]),
            product("p0004", "매일우유 오리지널 900ml", Unit::Ml, 900, &[]),
        ]
    }

    fn none() -> HashSet<ProductId> {
        HashSet::new()
    }

    #[test]
    fn same_name_and_pack_is_the_same_product() {
        let kca = product("kca-P001", "서울 우유 1L", Unit::Ml, 1000, &[]);
        assert_eq!(
            resolve(&kca, &catalog(), &none()),
            Resolution::Same {
                id: ProductId::parse("p0001").expect("id"),
                by: MatchKind::NameAndPack
            }
        );
        // The size can be missing from the name: the pack decides.
        let bare = product("kca-P002", "서울우유", Unit::Ml, 2300, &[]);
        assert!(matches!(
            resolve(&bare, &catalog(), &none()),
            Resolution::Same { id, .. } if id.as_str() == "p0002"
        ));
    }

    #[test]
    fn a_known_source_id_wins() {
        let mut known = catalog();
        known.push(product("kca-P009", "전혀 다른 이름", Unit::G, 5, &[]));
        let again = product("kca-P009", "서울우유 1L", Unit::Ml, 1000, &[]);
        assert_eq!(
            resolve(&again, &known, &none()),
            Resolution::Same {
                id: ProductId::parse("kca-P009").expect("id"),
                by: MatchKind::SourceId
            }
        );
    }

    #[test]
    fn another_pack_is_another_product() {
        let big = product("kca-P003", "서울우유 1.8L", Unit::Ml, 1800, &[]);
        assert_eq!(resolve(&big, &catalog(), &none()), Resolution::New);
    }

    #[test]
    fn a_similar_name_goes_to_review_never_merged() {
        let maeil = product("kca-P004", "매일우유 900ml", Unit::Ml, 900, &[]);
        assert_eq!(
            resolve(&maeil, &catalog(), &none()),
            Resolution::Ambiguous {
                candidates: vec![ProductId::parse("p0004").expect("id")]
            }
        );
        let mut two = catalog();
        two.push(product("p0100", "서울우유 1L", Unit::Ml, 1000, &[]));
        let kca = product("kca-P001", "서울우유 1L", Unit::Ml, 1000, &[]);
        assert!(matches!(
            resolve(&kca, &two, &none()),
            Resolution::Ambiguous { candidates } if candidates.len() == 2
        ));
    }

    #[test]
    fn unify_rewrites_offers_and_lists_the_doubtful() {
        let mut batch = CatalogBatch {
            stores: Vec::new(),
            products: vec![
                product("kca-P001", "서울우유 1L", Unit::Ml, 1000, &[]),
                product("kca-P002", "매일우유 900ml", Unit::Ml, 900, &[]),
                product("kca-P003", "두부 300g", Unit::G, 300, &[]),
                // A second incoming 서울우유 1L cannot take p0001 too.
                product("kca-P005", "서울우유1L", Unit::Ml, 1000, &[]),
            ],
            offers: vec![
                offer("kca-P001"),
                offer("kca-P002"),
                offer("kca-P003"),
                offer("kca-P005"),
            ],
        };
        let report = unify(&mut batch, &catalog(), &[]);
        let ids: Vec<&str> = batch.products.iter().map(|p| p.id().as_str()).collect();
        assert_eq!(ids, ["kca-P002", "kca-P003", "kca-P005"]);
        let offer_ids: Vec<&str> = batch.offers.iter().map(|o| o.product_id.as_str()).collect();
        assert_eq!(offer_ids, ["p0001", "kca-P002", "kca-P003", "kca-P005"]);
        assert_eq!(report.merged.len(), 1);
        let review: Vec<&str> = report
            .review
            .iter()
            .map(|r| r.product_id.as_str())
            .collect();
        assert_eq!(review, ["kca-P002", "kca-P005"]);
        assert!(report.review[1].reason.contains("already matched"));
    }

    #[test]
    fn reviewed_products_follow_the_decision() {
        let entry = |id: &str, status, into: Option<&str>| ReviewEntry {
            item: ReviewItem {
                product_id: ProductId::parse(id).expect("id"),
                name: "x".into(),
                candidates: vec![ProductId::parse("p0004").expect("id")],
                reason: "r".into(),
            },
            status,
            merged_into: into.map(|i| ProductId::parse(i).expect("id")),
            listed_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
            resolved_at: None,
        };
        let mut batch = CatalogBatch {
            stores: Vec::new(),
            products: vec![
                product("kca-P002", "매일우유 900ml", Unit::Ml, 900, &[]),
                product("kca-P007", "매일 우유 900ml", Unit::Ml, 900, &[]),
                product("kca-P008", "매일우유 900 ml", Unit::Ml, 900, &[]),
            ],
            offers: vec![offer("kca-P002"), offer("kca-P007"), offer("kca-P008")],
        };
        let decided = [
            entry("kca-P002", ReviewStatus::Merged, Some("p0004")),
            entry("kca-P007", ReviewStatus::Distinct, None),
            entry("kca-P008", ReviewStatus::Pending, None),
        ];
        let report = unify(&mut batch, &catalog(), &decided);
        let offer_ids: Vec<&str> = batch.offers.iter().map(|o| o.product_id.as_str()).collect();
        assert_eq!(offer_ids, ["p0004", "kca-P007", "kca-P008"]);
        assert_eq!(report.merged.len(), 1);
        let review: Vec<&str> = report
            .review
            .iter()
            .map(|r| r.product_id.as_str())
            .collect();
        assert_eq!(review, ["kca-P008"], "distinct is not listed again");
    }

    #[test]
    fn duplicates_are_found_by_name_and_pack() {
        let mut ps = catalog();
        assert!(duplicates(&ps).is_empty());
        ps.push(product("p0009", "서울우유 (1L)", Unit::Ml, 1000, &[]));
        assert_eq!(duplicates(&ps).len(), 1);
    }
}
