//! A product's price history for a chart (`GET /catalog/products/{id}/prices`):
//! a series per store and per chain over the last `days` days, and each
//! store's current price with its provenance and flags (went up since the
//! last survey, lowest in `days` days, stale).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::freshness::{line_price, LinePriceView};
use super::service::PlanService;
use crate::catalog::{PriceLow, PricePoint, Product, ProductId, Store};
use crate::RepoError;

/// At most this many days of history.
pub const MAX_HISTORY_DAYS: u32 = 365;
pub const DEFAULT_HISTORY_DAYS: u32 = 30;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PricePointView {
    /// The observation's day in Asia/Seoul.
    pub day: NaiveDate,
    pub observed_at: chrono::DateTime<chrono::Utc>,
    pub price_krw: i64,
    pub discounted: bool,
    /// `sample`, `import`, `chamgagyeok`, `kamis`, `shopping`, `unknown`.
    pub source: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreSeriesView {
    pub store_id: String,
    pub store_name: String,
    pub chain: String,
    /// `offline` or `online`.
    pub kind: String,
    /// Oldest first.
    pub points: Vec<PricePointView>,
    /// The current price (absent when the store has none now).
    pub current: Option<CurrentPriceView>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrentPriceView {
    pub price_krw: i64,
    pub in_stock: bool,
    #[serde(flatten)]
    pub price: LinePriceView,
}

/// A chain's lowest price per day over its stores in the answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainPointView {
    pub day: NaiveDate,
    pub min_price_krw: i64,
    pub stores: u32,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainSeriesView {
    pub chain: String,
    pub points: Vec<ChainPointView>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceHistoryView {
    pub product_id: String,
    pub product_name: String,
    pub days: u32,
    pub since: chrono::DateTime<chrono::Utc>,
    /// Stores with a price in the window or now, by store id.
    pub stores: Vec<StoreSeriesView>,
    /// By chain name.
    pub chains: Vec<ChainSeriesView>,
}

fn seoul_day(t: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    t.with_timezone(&chrono_tz::Asia::Seoul).date_naive()
}

fn point_view(p: &PricePoint) -> PricePointView {
    PricePointView {
        day: seoul_day(p.observed_at),
        observed_at: p.observed_at,
        price_krw: p.price.krw(),
        discounted: p.discounted,
        source: p.origin.as_str().to_owned(),
    }
}

impl PlanService {
    /// The history of `product` at these stores over the last `days` days
    /// (`None`: no such product). The stores are the caller's choice (the
    /// shopper's nearby stores and the malls).
    pub async fn price_history(
        &self,
        product: &ProductId,
        days: u32,
        stores: &[Store],
    ) -> Result<Option<PriceHistoryView>, RepoError> {
        let Some(found) = self
            .catalog
            .get_products(std::slice::from_ref(product))
            .await?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let now = self.clock.now();
        let since = now - Duration::days(i64::from(days.clamp(1, MAX_HISTORY_DAYS)));
        let by_id: BTreeMap<&str, &Store> = stores.iter().map(|s| (s.id().as_str(), s)).collect();
        let points: Vec<PricePoint> = self
            .catalog
            .price_history(product, since)
            .await?
            .into_iter()
            .filter(|p| by_id.contains_key(p.store_id.as_str()))
            .collect();
        let ids: Vec<_> = stores.iter().map(|s| s.id().clone()).collect();
        let current = if ids.is_empty() {
            Vec::new()
        } else {
            self.catalog
                .offers_for(std::slice::from_ref(product), &ids)
                .await?
        };
        Ok(Some(series(
            &found,
            days,
            since,
            now,
            &by_id,
            &points,
            &current,
            self.freshness,
        )))
    }
}

#[allow(clippy::too_many_arguments)]
fn series(
    product: &Product,
    days: u32,
    since: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
    stores: &BTreeMap<&str, &Store>,
    points: &[PricePoint],
    current: &[crate::catalog::Offer],
    freshness: super::freshness::PriceFreshness,
) -> PriceHistoryView {
    let mut per_store: BTreeMap<&str, Vec<&PricePoint>> = BTreeMap::new();
    for p in points {
        per_store.entry(p.store_id.as_str()).or_default().push(p);
    }
    for o in current {
        per_store.entry(o.store_id.as_str()).or_default();
    }
    // "Lowest in `days` days" is judged over this answer's window.
    let window = super::freshness::PriceFreshness {
        low_window_days: days,
        ..freshness
    };
    let mut chain_days: BTreeMap<&str, BTreeMap<NaiveDate, (i64, u32)>> = BTreeMap::new();
    let mut out = Vec::new();
    for (store_id, mut pts) in per_store {
        let Some(store) = stores.get(store_id) else {
            continue;
        };
        pts.sort_by_key(|p| p.observed_at);
        for p in &pts {
            let e = chain_days
                .entry(store.chain())
                .or_default()
                .entry(seoul_day(p.observed_at))
                .or_insert((p.price.krw(), 0));
            e.0 = e.0.min(p.price.krw());
            e.1 += 1;
        }
        let now_offer = current.iter().find(|o| o.store_id.as_str() == store_id);
        let low = pts.iter().map(|p| p.price).min().map(|lowest| PriceLow {
            product_id: product.id().clone(),
            store_id: pts[0].store_id.clone(),
            lowest,
            observations: u32::try_from(pts.len()).unwrap_or(u32::MAX),
        });
        out.push(StoreSeriesView {
            store_id: store_id.to_owned(),
            store_name: store.name().to_owned(),
            chain: store.chain().to_owned(),
            kind: store.kind().as_str().to_owned(),
            points: pts.iter().map(|p| point_view(p)).collect(),
            current: now_offer.map(|o| CurrentPriceView {
                price_krw: o.price.krw(),
                in_stock: o.in_stock,
                price: line_price(o, low.as_ref(), now, window),
            }),
        });
    }
    PriceHistoryView {
        product_id: product.id().to_string(),
        product_name: product.name().to_owned(),
        days,
        since,
        stores: out,
        chains: chain_days
            .into_iter()
            .map(|(chain, days)| ChainSeriesView {
                chain: chain.to_owned(),
                points: days
                    .into_iter()
                    .map(|(day, (min_price_krw, stores))| ChainPointView {
                        day,
                        min_price_krw,
                        stores,
                    })
                    .collect(),
            })
            .collect(),
    }
}
