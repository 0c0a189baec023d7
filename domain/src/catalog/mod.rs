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

use chrono::{DateTime, Utc};

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
/// store.
pub fn latest_offers(offers: Vec<Offer>) -> Vec<Offer> {
    let mut latest: std::collections::BTreeMap<(ProductId, StoreId), Offer> =
        std::collections::BTreeMap::new();
    for o in offers {
        let key = (o.product_id.clone(), o.store_id.clone());
        match latest.get(&key) {
            Some(have) if have.observed_at >= o.observed_at => {}
            _ => {
                latest.insert(key, o);
            }
        }
    }
    latest.into_values().collect()
}
