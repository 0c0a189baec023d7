//! The catalog: products, stores (shops and online malls) and the prices
//! observed for a product at a store (offers).
//!
//! Every value is built through a validating constructor, so a `Product`,
//! `Store` or `Offer` that exists is valid. Drafts (`NewProduct`, `NewStore`,
//! `NewOffer`) carry raw inputs from imports, sample data and database rows.

mod geo;
pub mod hours;
pub mod identity;
pub mod import;
#[cfg(any(test, feature = "mocks"))]
pub mod memory;
pub mod nearby;
pub mod outlier;
pub mod pack;
pub mod ports;
mod product;
pub mod search;
mod store;
#[cfg(test)]
mod tests;

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

use crate::user::InvalidValue;

pub use geo::GeoPoint;
pub use hours::{ClosedReason, ClosingDays, Visiting};
pub use product::{NewProduct, Product, Unit};
pub use store::{
    MallTerms, NewStore, NewStoreSite, OfflineFormat, OpeningHours, Store, StoreKind, StoreSite,
    ONLINE_MALL_FORMAT,
};

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// A short human text: trimmed, non-empty, at most `max` characters, no
/// control characters.
fn label(field: &'static str, raw: &str, max: usize) -> Result<String, InvalidValue> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(InvalidValue::new(field, "is required"));
    }
    if s.chars().count() > max {
        return Err(InvalidValue::new(
            field,
            format!("is too long (at most {max} characters)"),
        ));
    }
    if has_control(s) {
        return Err(InvalidValue::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(s.to_owned())
}

/// An identifier: 1–64 characters of ASCII letters, digits, `-`, `_`, `.`, `:`.
fn identifier(field: &'static str, raw: &str) -> Result<String, InvalidValue> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return Err(InvalidValue::new(field, "must be 1 to 64 characters"));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    {
        return Err(InvalidValue::new(
            field,
            "may hold only letters, digits, '-', '_', '.' and ':'",
        ));
    }
    Ok(s.to_owned())
}

macro_rules! text_id {
    ($name:ident, $field:literal) => {
        /// Shared text: ids are cloned into every offer, plan and view, so a
        /// clone is a reference count, not an allocation.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(std::sync::Arc<str>);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
                identifier($field, raw).map(|s| Self(s.into()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_id!(ProductId, "product_id");
text_id!(StoreId, "store_id");

/// A price in 원: positive and below 100,000,000 (no grocery costs more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PriceKrw(i64);

impl PriceKrw {
    pub const MAX: i64 = 100_000_000;

    pub fn new(krw: i64) -> Result<Self, InvalidValue> {
        if krw <= 0 {
            return Err(InvalidValue::new("price", "must be positive"));
        }
        if krw >= Self::MAX {
            return Err(InvalidValue::new("price", "is implausibly high"));
        }
        Ok(Self(krw))
    }

    pub fn krw(self) -> i64 {
        self.0
    }
}

/// A price observed for a product at a store at one instant. Outliers are
/// flagged by [`outlier::flag_outliers`], never dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub store_id: StoreId,
    pub product_id: ProductId,
    pub price: PriceKrw,
    pub observed_at: DateTime<Utc>,
    pub in_stock: bool,
    pub discounted: bool,
    pub flagged_outlier: bool,
    /// Where the price comes from and what else the source said about it.
    pub provenance: Provenance,
}

/// Where a price comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PriceOrigin {
    /// Generated demo data (`app/src/sample`), not a real price.
    Sample,
    /// A CSV import (`ttokjang import prices`).
    Import,
    /// The 참가격 sync.
    Chamgagyeok,
    /// The KAMIS sync.
    Kamis,
    /// The shopping search, seen live.
    Shopping,
    /// Rows written before the source was recorded.
    Unknown,
}

impl PriceOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            PriceOrigin::Sample => "sample",
            PriceOrigin::Import => "import",
            PriceOrigin::Chamgagyeok => "chamgagyeok",
            PriceOrigin::Kamis => "kamis",
            PriceOrigin::Shopping => "shopping",
            PriceOrigin::Unknown => "unknown",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "sample" => PriceOrigin::Sample,
            "import" => PriceOrigin::Import,
            "chamgagyeok" => PriceOrigin::Chamgagyeok,
            "kamis" => PriceOrigin::Kamis,
            "shopping" => PriceOrigin::Shopping,
            "unknown" => PriceOrigin::Unknown,
            _ => return None,
        })
    }

    /// A survey (참가격, KAMIS, an import of survey data): its day is the
    /// survey day. Otherwise the price was seen at `observed_at`.
    pub fn is_survey(self) -> bool {
        matches!(
            self,
            PriceOrigin::Import | PriceOrigin::Chamgagyeok | PriceOrigin::Kamis
        )
    }
}

/// What a source said about a price besides the price (issue 15): where it
/// comes from, when it was fetched, the discount's period (`goodDcYn` with
/// `goodDcStartDay`–`goodDcEndDay`) and 1+1 (`plusoneYn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub origin: PriceOrigin,
    /// When the source answered (the sync's fetch, the search's call).
    pub fetched_at: Option<DateTime<Utc>>,
    pub discount_period: Option<(NaiveDate, NaiveDate)>,
    pub plus_one: bool,
    /// The price of the observation this one replaced (current prices only).
    pub previous_price: Option<PriceKrw>,
}

impl Provenance {
    /// A price from `origin` with nothing else known.
    pub fn of(origin: PriceOrigin) -> Self {
        Self {
            origin,
            fetched_at: None,
            discount_period: None,
            plus_one: false,
            previous_price: None,
        }
    }
}

/// One observation of a price history (`CatalogRepository::price_history`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricePoint {
    pub store_id: StoreId,
    pub price: PriceKrw,
    pub observed_at: DateTime<Utc>,
    pub discounted: bool,
    pub origin: PriceOrigin,
}

/// The lowest price of a (product, store) over a window and how many
/// observations the window holds (`CatalogRepository::price_lows`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceLow {
    pub product_id: ProductId,
    pub store_id: StoreId,
    pub lowest: PriceKrw,
    pub observations: u32,
}

/// Stores, products and offers written together by
/// [`ports::CatalogRepository::upsert_catalog`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogBatch {
    pub stores: Vec<Store>,
    pub products: Vec<Product>,
    pub offers: Vec<Offer>,
}

/// How many rows the catalog holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatalogCounts {
    pub stores: u64,
    pub products: u64,
    pub offers: u64,
}

/// A store found near a point, with its distance.
#[derive(Debug, Clone, PartialEq)]
pub struct NearbyStore {
    pub store: Store,
    pub distance_m: f64,
}

/// The offline stores within `radius_m` of `point`, nearest first (ties by
/// id). Storage pre-filters with [`GeoPoint::bounding_box`] and calls this.
pub fn nearest(stores: Vec<Store>, point: GeoPoint, radius_m: f64) -> Vec<NearbyStore> {
    let mut near: Vec<NearbyStore> = stores
        .into_iter()
        .filter_map(|store| {
            let distance_m = point.distance_m(store.location()?);
            (distance_m <= radius_m).then_some(NearbyStore { store, distance_m })
        })
        .collect();
    near.sort_by(|a, b| {
        a.distance_m
            .total_cmp(&b.distance_m)
            .then_with(|| a.store.id().cmp(b.store.id()))
    });
    near
}

/// The latest offer of each (store, product) pair, ordered by product then
/// store; its `provenance.previous_price` is the price of the observation
/// before it (the current-price table's contract, from a history).
pub fn latest_offers(offers: Vec<Offer>) -> Vec<Offer> {
    let mut by_pair: std::collections::BTreeMap<(ProductId, StoreId), Vec<Offer>> =
        std::collections::BTreeMap::new();
    for o in offers {
        by_pair
            .entry((o.product_id.clone(), o.store_id.clone()))
            .or_default()
            .push(o);
    }
    by_pair
        .into_values()
        .filter_map(|mut seen| {
            seen.sort_by_key(|o| o.observed_at);
            let previous = seen.len().checked_sub(2).map(|i| seen[i].price);
            let mut latest = seen.pop()?;
            latest.provenance.previous_price = previous;
            Some(latest)
        })
        .collect()
}

/// The lowest price per (product, store) among these observations, ordered
/// by product then store (`CatalogRepository::price_lows`' contract).
pub fn lows_of(points: impl IntoIterator<Item = (ProductId, StoreId, PriceKrw)>) -> Vec<PriceLow> {
    let mut lows: std::collections::BTreeMap<(ProductId, StoreId), (PriceKrw, u32)> =
        std::collections::BTreeMap::new();
    for (product, store, price) in points {
        let e = lows.entry((product, store)).or_insert((price, 0));
        e.0 = e.0.min(price);
        e.1 += 1;
    }
    lows.into_iter()
        .map(
            |((product_id, store_id), (lowest, observations))| PriceLow {
                product_id,
                store_id,
                lowest,
                observations,
            },
        )
        .collect()
}
