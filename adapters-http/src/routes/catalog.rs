//! `/api/v1/catalog/*`: product search and stores near a point or online.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use ttokjang_domain::catalog::nearby::{nearby_prices, NearbyPrice};
use ttokjang_domain::catalog::search::ProductQuery;
use ttokjang_domain::catalog::{GeoPoint, Product, ProductId, Store, StoreId, StoreKind, Unit};

use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::state::ApiState;

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;
/// Where a store search looks when no `lat`/`lng` is given: 강남역, the
/// service's default shopper location.
pub const DEFAULT_POINT: (f64, f64) = (37.4985, 127.0292);
pub const DEFAULT_RADIUS_M: f64 = 3_000.0;
pub const MAX_RADIUS_M: f64 = 50_000.0;
/// Deeper pages than this are refused: nobody scrolls that far, and it caps work.
const MAX_OFFSET: usize = 10_000;

/// Problems with query parameters, collected so that one answer names them all.
#[derive(Default)]
struct Problems(BTreeMap<&'static str, String>);

impl Problems {
    fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    fn into_result(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

/// Cursors are opaque to clients; inside they hold the offset of the next page.
fn encode_cursor(offset: usize) -> String {
    format!("c1.{offset:x}")
}

fn decode_cursor(raw: &str) -> Option<usize> {
    let hex = raw.strip_prefix("c1.")?;
    if hex.is_empty() || hex.len() > 8 {
        return None;
    }
    usize::from_str_radix(hex, 16)
        .ok()
        .filter(|o| *o > 0 && *o <= MAX_OFFSET)
}

fn page_params(
    limit: Option<&str>,
    cursor: Option<&str>,
    problems: &mut Problems,
) -> (usize, usize) {
    // A given but blank `limit` is refused like any other non-number (the
    // document says integer); only an absent one takes the default.
    let limit = match limit.map(str::trim) {
        None => DEFAULT_LIMIT,
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                problems.add("limit", "must be a whole number from 1 to 100");
                DEFAULT_LIMIT
            }
        },
    };
    let offset = match cursor.map(str::trim) {
        None | Some("") => 0,
        Some(c) => decode_cursor(c).unwrap_or_else(|| {
            problems.add("cursor", "is not a cursor this endpoint gave out");
            0
        }),
    };
    (limit, offset)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// `fetched` holds up to `limit + 1` items; the extra one means "there is more".
fn page<T>(mut fetched: Vec<T>, offset: usize, limit: usize) -> Page<T> {
    let more = fetched.len() > limit;
    fetched.truncate(limit);
    let next = offset + limit;
    Page {
        items: fetched,
        next_cursor: (more && next <= MAX_OFFSET).then(|| encode_cursor(next)),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductParams {
    /// Korean or English words, aliases welcome (우유, milk, 달걀). Required
    /// unless `ids` is given.
    #[param(value_type = Option<String>, min_length = 1, max_length = 100)]
    q: Option<String>,
    /// Instead of `q`: up to 100 product ids, comma-separated (e.g. the
    /// basket's products, for their nearby prices); answered in this order,
    /// unknown ids left out, in one page.
    #[param(value_type = Option<String>, max_length = 4000)]
    ids: Option<String>,
    /// 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProductDto {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub aliases: Vec<String>,
    pub category: String,
    /// `G`, `ML` or `EA`.
    #[schema(value_type = String, example = "ML")]
    pub unit: &'static str,
    pub size: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    /// The lowest in-stock price among the stores near the shopper (their
    /// saved location, else 강남역; within their maximum distance); `null`
    /// when none of them has it.
    #[schema(example = 3180)]
    pub lowest_price_krw: Option<i64>,
    /// How many of those nearby stores have it in stock.
    #[schema(example = 12)]
    pub store_count: u32,
    /// The unit price of `lowest_price_krw` on the legal basis; `null` with it.
    pub unit_price: Option<UnitPriceDto>,
}

/// A price per 100 g, per 100 ml or per piece (단위가격).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitPriceDto {
    /// `100g`, `100ml` or `1ea`.
    #[schema(value_type = String, example = "100ml")]
    pub basis: &'static str,
    /// 원 per basis, rounded to the nearest 원.
    #[schema(example = 331)]
    pub krw: i64,
}

impl ProductDto {
    fn with_prices(mut self, nearby: &NearbyPrice) -> Self {
        self.lowest_price_krw = nearby.lowest_krw;
        self.store_count = nearby.store_count;
        self.unit_price = nearby.unit_price.map(|u| UnitPriceDto {
            basis: match u.basis.unit {
                Unit::G => "100g",
                Unit::Ml => "100ml",
                Unit::Ea => "1ea",
            },
            // hundredths of a won → won, half up
            krw: (u.centi_krw + 50) / 100,
        });
        self
    }
}

impl From<&Product> for ProductDto {
    fn from(p: &Product) -> Self {
        Self {
            id: p.id().to_string(),
            name: p.name().to_owned(),
            name_en: p.name_en().map(str::to_owned),
            aliases: p.aliases().to_vec(),
            category: p.category().to_owned(),
            unit: p.unit().as_str(),
            size: p.size(),
            barcode: p.barcode().map(str::to_owned),
            lowest_price_krw: None,
            store_count: 0,
            unit_price: None,
        }
    }
}

/// How many of the nearest stores a search result's prices come from.
pub const NEARBY_STORES: usize = 60;

/// The nearby prices of `products` for this shopper: the nearest
/// [`NEARBY_STORES`] stores within their maximum distance of their saved
/// location (else 강남역), excluded chains left out.
async fn nearby(
    state: &ApiState,
    user: &AuthUser,
    products: &[Product],
) -> Result<Vec<NearbyPrice>, ApiError> {
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let settings = state.shopper.defaults(user.user.id, false).await?.settings;
    #[allow(clippy::cast_precision_loss)]
    let radius = settings.max_distance_m.max(0) as f64;
    let near = state
        .catalog
        .list_stores_near(settings.origin, radius, 0, NEARBY_STORES)
        .await?;
    let store_ids: Vec<StoreId> = near
        .iter()
        .filter(|n| {
            !settings
                .excluded_chains
                .iter()
                .any(|c| c.trim().eq_ignore_ascii_case(n.store.chain()))
        })
        .map(|n| n.store.id().clone())
        .collect();
    let offers = if store_ids.is_empty() {
        Vec::new()
    } else {
        let ids: Vec<ProductId> = products.iter().map(|p| p.id().clone()).collect();
        state.catalog.offers_for(&ids, &store_ids).await?
    };
    Ok(nearby_prices(products, &offers))
}

/// Searches products by Korean or English name and aliases, typo-tolerant.
#[utoipa::path(get, path = "/api/v1/catalog/products", tag = "catalog", operation_id = "searchProducts",
    params(ProductParams),
    responses((status = 200, description = "A page of products, best match first, each with its lowest price and store count near the shopper and its unit price", body = Page<ProductDto>)))]
pub async fn products(
    user: AuthUser,
    state: web::Data<ApiState>,
    params: web::Query<ProductParams>,
) -> Result<HttpResponse, ApiError> {
    let mut problems = Problems::default();
    if let Some(raw) = params.ids.as_deref() {
        // limit and cursor are still checked, but the answer is one page
        page_params(
            params.limit.as_deref(),
            params.cursor.as_deref(),
            &mut problems,
        );
        if params.q.is_some() {
            problems.add("q", "cannot be combined with ids");
        }
        let ids = parse_ids(raw, &mut problems);
        problems.into_result()?;
        let mut found = state.catalog.get_products(&ids).await?;
        found.sort_by_key(|p| ids.iter().position(|id| id == p.id()));
        let prices = nearby(&state, &user, &found).await?;
        let items: Vec<ProductDto> = found
            .iter()
            .zip(&prices)
            .map(|(p, n)| ProductDto::from(p).with_prices(n))
            .collect();
        return Ok(HttpResponse::Ok().json(Page {
            items,
            next_cursor: None,
        }));
    }
    let query = match ProductQuery::parse(params.q.as_deref().unwrap_or("")) {
        Ok(q) => Some(q),
        Err(e) => {
            problems.add("q", e.message);
            None
        }
    };
    let (limit, offset) = page_params(
        params.limit.as_deref(),
        params.cursor.as_deref(),
        &mut problems,
    );
    problems.into_result()?;
    let Some(query) = query else {
        return Err(ApiError::validation([("q", "is required")]));
    };
    let found = state
        .catalog
        .search_products(&query, offset, limit + 1)
        .await?;
    let prices = nearby(&state, &user, &found).await?;
    let items: Vec<ProductDto> = found
        .iter()
        .zip(&prices)
        .map(|(p, n)| ProductDto::from(p).with_prices(n))
        .collect();
    Ok(HttpResponse::Ok().json(page(items, offset, limit)))
}

/// At most this many ids in one `ids` look-up.
pub const MAX_IDS: usize = 100;

/// `a,b,c` → product ids (blanks between commas skipped, repeats dropped).
fn parse_ids(raw: &str, problems: &mut Problems) -> Vec<ProductId> {
    let mut ids: Vec<ProductId> = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match ProductId::parse(part) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(_) => {
                problems.add("ids", "must be product ids separated by commas");
                return Vec::new();
            }
        }
    }
    if ids.is_empty() {
        problems.add("ids", "is required");
    } else if ids.len() > MAX_IDS {
        problems.add("ids", format!("may list at most {MAX_IDS} ids"));
    }
    ids
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StoreParams {
    /// Latitude of the point (default 강남역); with `lng`.
    #[param(value_type = Option<f64>, minimum = -90, maximum = 90)]
    lat: Option<String>,
    /// Longitude of the point; with `lat`.
    #[param(value_type = Option<f64>, minimum = -180, maximum = 180)]
    lng: Option<String>,
    /// 1 to 50000 metres (default 3000); offline only.
    #[param(value_type = Option<f64>, minimum = 1, maximum = 50000)]
    radius_m: Option<String>,
    /// `offline` (default, also when empty: stores near the point, nearest
    /// first) or `online` (malls).
    #[param(value_type = Option<String>, pattern = "^(offline|online)?$")]
    kind: Option<String>,
    /// 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocationDto {
    pub lat: f64,
    pub lng: f64,
}

/// A mart (`kind: offline`) or an online mall (`kind: online`, with the
/// delivery fields).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoreDto {
    pub id: String,
    pub chain: String,
    pub name: String,
    /// `offline` or `online`.
    #[schema(value_type = String)]
    pub kind: &'static str,
    /// `large_mart`, `supermarket`, `convenience`, `traditional_market`, `department` or `online_mall`.
    #[schema(value_type = String)]
    pub format: &'static str,
    pub location: Option<LocationDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<i64>,
    pub address: Option<String>,
    /// `"24h"` or `"HH:MM-HH:MM"`, local time (Asia/Seoul); `null` when unknown.
    pub opening_hours: Option<String>,
    /// Shops only: the closing days that apply (`none`, or rules such as
    /// `2sun,4sun` = the 2nd and 4th Sunday, `2wed,4wed`, `mon` = every
    /// Monday); a large mart whose own rule is unknown gets the statutory
    /// `2sun,4sun`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closing_days: Option<String>,
    /// Malls only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_fee_krw: Option<i64>,
    /// Malls only; `null`: delivery always costs the fee.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>, required = false)]
    pub free_delivery_threshold_krw: Option<Option<i64>>,
    /// Malls only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_order_krw: Option<i64>,
    /// Malls only: where the shopper pays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkout_url: Option<String>,
}

impl StoreDto {
    pub fn new(s: &Store, distance_m: Option<f64>) -> Self {
        Self {
            id: s.id().to_string(),
            chain: s.chain().to_owned(),
            name: s.name().to_owned(),
            kind: s.kind().as_str(),
            format: s.format(),
            location: s.location().map(|p| LocationDto {
                lat: p.lat(),
                lng: p.lng(),
            }),
            distance_m: distance_m.map(|d| d.round() as i64),
            address: s.address().map(str::to_owned),
            opening_hours: s.hours().map(|h| h.to_string()),
            closing_days: s.location().map(|_| s.visiting().closing.to_string()),
            delivery_fee_krw: s.mall().map(|m| m.delivery_fee_krw()),
            free_delivery_threshold_krw: s.mall().map(|m| m.free_delivery_threshold_krw()),
            min_order_krw: s.mall().map(|m| m.min_order_krw()),
            checkout_url: s.mall().map(|m| m.checkout_url().to_owned()),
        }
    }
}

fn number(
    field: &'static str,
    raw: Option<&str>,
    problems: &mut Problems,
    message: &str,
) -> Option<f64> {
    // Absent → `None`; given, it must be a number (blank included).
    let raw = raw.map(str::trim)?;
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            problems.add(field, message);
            None
        }
    }
}

/// Stores near a point (nearest first), or the online malls.
#[utoipa::path(get, path = "/api/v1/catalog/stores", tag = "catalog", operation_id = "listStores",
    params(StoreParams),
    responses((status = 200, description = "A page of stores or malls", body = Page<StoreDto>)))]
pub async fn stores(
    _user: AuthUser,
    state: web::Data<ApiState>,
    params: web::Query<StoreParams>,
) -> Result<HttpResponse, ApiError> {
    let mut problems = Problems::default();
    let kind = match params.kind.as_deref().map(str::trim) {
        None | Some("") => StoreKind::Offline,
        Some(k) => StoreKind::parse(k).unwrap_or_else(|| {
            problems.add("kind", "must be offline or online");
            StoreKind::Offline
        }),
    };
    let lat = number(
        "lat",
        params.lat.as_deref(),
        &mut problems,
        "must be a number",
    );
    let lng = number(
        "lng",
        params.lng.as_deref(),
        &mut problems,
        "must be a number",
    );
    let lat_given = params.lat.is_some();
    let lng_given = params.lng.is_some();
    if lat_given != lng_given {
        let missing = if lat_given { "lng" } else { "lat" };
        problems.add(missing, "is required together with the other coordinate");
    }
    let point = match (lat, lng) {
        (Some(lat), Some(lng)) => GeoPoint::new(lat, lng)
            .map_err(|e| problems.add(e.field, e.message))
            .ok(),
        _ => GeoPoint::new(DEFAULT_POINT.0, DEFAULT_POINT.1).ok(),
    };
    let radius_m = number(
        "radius_m",
        params.radius_m.as_deref(),
        &mut problems,
        "must be a number of metres from 1 to 50000",
    )
    .unwrap_or(DEFAULT_RADIUS_M);
    if !(1.0..=MAX_RADIUS_M).contains(&radius_m) {
        problems.add("radius_m", "must be a number of metres from 1 to 50000");
    }
    let (limit, offset) = page_params(
        params.limit.as_deref(),
        params.cursor.as_deref(),
        &mut problems,
    );
    problems.into_result()?;

    let items: Vec<StoreDto> = match kind {
        StoreKind::Online => state
            .catalog
            .list_online_malls()
            .await?
            .iter()
            .skip(offset)
            .take(limit + 1)
            .map(|s| StoreDto::new(s, None))
            .collect(),
        StoreKind::Offline => {
            let Some(point) = point else {
                return Err(ApiError::validation([("lat", "is not a valid coordinate")]));
            };
            state
                .catalog
                .list_stores_near(point, radius_m, offset, limit + 1)
                .await?
                .iter()
                .map(|n| StoreDto::new(&n.store, Some(n.distance_m)))
                .collect()
        }
    };
    Ok(HttpResponse::Ok().json(page(items, offset, limit)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        assert_eq!(decode_cursor(&encode_cursor(20)), Some(20));
        for bad in ["", "20", "c1.", "c1.zz", "c1.0", "c1.ffffffff", "c2.14"] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_know_whether_more_follow() {
        let p = page(vec![1, 2, 3], 0, 2);
        assert_eq!(p.items, [1, 2]);
        assert_eq!(p.next_cursor.as_deref(), Some("c1.2"));
        let p = page(vec![1, 2], 2, 2);
        assert_eq!(p.next_cursor, None);
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// 1 to 365 days back from now (default 30).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 365)]
    days: Option<String>,
}

/// A product's price history near the shopper, for a chart: a series per
/// store (the shopper's nearest stores, as in search, and the online malls)
/// and per chain, with each store's current price, its provenance and the
/// flags "went up since the last survey" and "lowest in `days` days".
#[utoipa::path(get, path = "/api/v1/catalog/products/{id}/prices", tag = "catalog", operation_id = "productPriceHistory",
    params(("id" = String, Path, description = "The product's id"), HistoryParams),
    responses(
        (status = 200, description = "The series, oldest point first", body = ttokjang_domain::planner::history::PriceHistoryView),
        (status = 400, description = "`days` is not a whole number from 1 to 365 (`VALIDATION_FAILED`, `fields.days`)", body = crate::openapi::ErrorResponse),
        (status = 404, description = "No such product", body = crate::openapi::ErrorResponse)))]
pub async fn product_prices(
    user: AuthUser,
    state: web::Data<ApiState>,
    id: web::Path<String>,
    params: web::Query<HistoryParams>,
) -> Result<HttpResponse, ApiError> {
    use ttokjang_domain::planner::history::{DEFAULT_HISTORY_DAYS, MAX_HISTORY_DAYS};
    let days = match params.days.as_deref().map(str::trim) {
        None => DEFAULT_HISTORY_DAYS,
        Some(raw) => match raw.parse::<u32>() {
            Ok(d) if (1..=MAX_HISTORY_DAYS).contains(&d) => d,
            _ => {
                let mut err = ApiError::validation([(
                    "days",
                    format!("must be a whole number from 1 to {MAX_HISTORY_DAYS}"),
                )]);
                err.status = actix_web::http::StatusCode::BAD_REQUEST;
                return Err(err);
            }
        },
    };
    let Ok(product) = ProductId::parse(&id) else {
        return Err(ApiError::not_found("no such product"));
    };
    let settings = state.shopper.defaults(user.user.id, false).await?.settings;
    #[allow(clippy::cast_precision_loss)]
    let radius = settings.max_distance_m.max(0) as f64;
    let excluded = |s: &Store| {
        settings
            .excluded_chains
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case(s.chain()))
    };
    let mut stores: Vec<Store> = state
        .catalog
        .list_stores_near(settings.origin, radius, 0, NEARBY_STORES)
        .await?
        .into_iter()
        .map(|n| n.store)
        .filter(|s| !excluded(s))
        .collect();
    stores.extend(
        state
            .catalog
            .list_online_malls()
            .await?
            .into_iter()
            .filter(|s| !excluded(s)),
    );
    match state.plans.price_history(&product, days, &stores).await? {
        Some(view) => Ok(HttpResponse::Ok().json(view)),
        None => Err(ApiError::not_found("no such product")),
    }
}
