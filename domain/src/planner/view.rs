//! The plan answer as shoppers and clients see it (and as it is stored in a
//! plan request, so that selecting a plan later sees exactly what was shown).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::prices::SourceStatus;
use super::PlanMode;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreView {
    pub id: String,
    pub name: String,
    pub chain: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<LatLng>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Online malls: where the shopper pays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkout_url: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductView {
    pub id: String,
    pub name: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub basket_item_id: String,
    pub product: ProductView,
    pub quantity: u32,
    pub unit_price_krw: i64,
    pub subtotal_krw: i64,
    /// Online, when the price came from a shopping-search listing: the
    /// product page, image and when the price was seen. Absent for the
    /// sample malls (they have no product pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing: Option<ListingView>,
    /// Where and when this price was seen, whether it is stale, sample or
    /// live (absent in answers stored before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<super::freshness::LinePriceView>,
    /// The price on the legal basis (단위가격: per 100 g, 100 ml or 1 piece),
    /// from the product's pack. Absent in answers stored before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<UnitPriceView>,
}

/// The listing an online item's price came from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingView {
    /// The product page at the mall: an https URL on the redirect allowlist
    /// (`null` when the listing's page is on another host).
    pub url: Option<String>,
    pub image: Option<String>,
    /// The listing's own title.
    pub title: String,
    /// When the shopping search answered this price.
    pub price_seen_at: DateTime<Utc>,
}

/// An online mall's delivery terms as the plan used them (operator
/// configuration, `ttokjang mall set`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsView {
    pub delivery_fee_krw: i64,
    pub free_delivery_threshold_krw: Option<i64>,
    pub min_order_krw: i64,
    pub jeju_surcharge_krw: i64,
    pub island_surcharge_krw: i64,
    /// `HH:MM` (Korea): order before it for same-day delivery.
    pub same_day_cutoff: Option<String>,
    /// `HH:MM` (Korea): order before it for dawn delivery.
    pub dawn_cutoff: Option<String>,
    /// `default` (shipped, dated by `as_of`), `operator` (set at `as_of`)
    /// or `catalog` (a mall without configured terms; no date).
    pub source: String,
    pub as_of: Option<DateTime<Utc>>,
}

/// A price per basis: `per` is `100g`, `100ml` or `1개`, `krw` the price per
/// it in won, two decimals ("100ml당 270.00원").
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPriceView {
    pub per: String,
    /// Hundredths of a won per basis (`27000` = 270.00원).
    pub centi_krw: i64,
}

impl UnitPriceView {
    pub fn of(u: crate::catalog::pack::UnitPrice) -> Self {
        Self {
            per: u.basis.to_string(),
            centi_krw: u.centi_krw,
        }
    }
}

/// A product of the same kind that a store of the plan sells, offered in
/// place of a line the plan cannot buy; never swapped in by itself.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubstituteView {
    pub product: ProductView,
    /// The plan's store with the lowest unit price for it.
    pub store_id: String,
    pub store_name: String,
    pub price_krw: i64,
    pub unit_price: UnitPriceView,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StopView {
    pub store: StoreView,
    pub items: Vec<ItemView>,
    pub subtotal_krw: i64,
    pub delivery_krw: i64,
    /// Online: this mall's surcharge for the shopper's region (Jeju,
    /// islands; `meta.region`). Offline: 0.
    #[serde(default)]
    pub surcharge_krw: i64,
    /// Online: the mall's delivery terms the plan was priced with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<TermsView>,
    /// Offline: metres from the previous point of the route.
    pub leg_distance_m: i64,
    /// Offline: minutes for this leg, rounded up (from the routing service's
    /// table, or the estimate: see `meta.routing`).
    #[serde(default)]
    pub minutes: u32,
    /// Offline: when the shopper arrives (departure + the legs so far +
    /// `minutes_per_stop` at each earlier stop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrive_at: Option<DateTime<Utc>>,
    /// Offline: the store's hours (`24h`, `HH:MM-HH:MM`, Korean time);
    /// `null`: unknown, assumed open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_hours: Option<String>,
    /// Offline: the closing days that apply (`none`, `2sun,4sun`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing_days: Option<String>,
    /// Offline: `outside_hours` or `closing_day` when the store is open at
    /// the earliest arrival but closed at `arrive_at` along this route (a
    /// warning; the plan is kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on_arrival: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingView {
    pub basket_item_id: String,
    pub name: String,
    pub quantity: u32,
    /// `not_sold`, `out_of_stock`, `out_of_range`, `not_covered_by_plan`, `unknown_product`.
    pub reason: String,
    /// Up to 3 products of the same kind (same category and unit, a shared
    /// name or alias word) that a store of this plan sells, cheapest unit
    /// price first. Suggestions only: the plan does not buy them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub substitutes: Vec<SubstituteView>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanView {
    pub plan_id: String,
    pub label: String,
    /// Every objective this plan is best for (the first is `label`).
    pub labels: Vec<String>,
    pub total_krw: i64,
    pub goods_krw: i64,
    pub travel_krw: i64,
    pub delivery_krw: i64,
    /// Online: the malls' regional surcharges (Jeju, islands). `total_krw` =
    /// goods + travel + delivery + surcharge.
    #[serde(default)]
    pub surcharge_krw: i64,
    pub distance_m: i64,
    /// Offline: estimated minutes on the way (the route at the travel mode's
    /// door-to-door speed: walk 4, transit 15, car 30 km/h), rounded up.
    #[serde(default)]
    pub travel_minutes: u32,
    pub stops: Vec<StopView>,
    pub missing_items: Vec<MissingView>,
    /// Offline: why this plan — its comparison with the best single-store
    /// plan and what each number of stops can reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<ReasonsView>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonsView {
    /// The best plan with one stop (absent when none is possible).
    pub vs_single_store: Option<VsSingleStoreView>,
    /// The best total with at most `stops` stops, for 1..=k.
    pub frontier: Vec<FrontierView>,
}

/// This plan against the best single-store plan: `saved_krw` is what this
/// plan saves (negative: it costs more), `extra_distance_m` and
/// `extra_minutes` what it adds (negative: it is shorter).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VsSingleStoreView {
    pub store_id: String,
    pub store_name: String,
    pub total_krw: i64,
    pub saved_krw: i64,
    pub extra_distance_m: i64,
    pub extra_minutes: i64,
    /// Basket lines the single store cannot supply (a plan that buys more
    /// lines is better whatever it costs).
    pub missing_items: usize,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontierView {
    pub stops: u8,
    pub total_krw: i64,
    pub missing_items: usize,
    pub distance_m: i64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceView {
    pub id: String,
    pub status: SourceStatus,
    pub latency_ms: u64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetaView {
    pub degraded: bool,
    pub sources: Vec<SourceView>,
    pub generated_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// How close the plans are proven to be to the optimum over every store
    /// in reach (absent in answers stored before it existed: read as exact).
    #[serde(default)]
    pub optimality: OptimalityView,
    /// Offline: where the route starts (the request's `location`, else the
    /// profile's, else 강남역). Absent in online answers and in answers
    /// stored before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<LatLng>,
    /// Offline: how the shopper travels (`walk`, `transit`, `car`), which
    /// sets the minutes and the route limit. Absent like `origin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel_mode: Option<String>,
    /// Offline: when the shopper leaves (the request's `departure_at`, a
    /// reservation run's scheduled time, else the time of the request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure_at: Option<DateTime<Utc>>,
    /// Offline: where the minutes and metres come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<RoutingView>,
    /// Offline: stores in reach left out because they are closed at the
    /// shopper's earliest arrival (at most 10, nearest first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_stores: Vec<SkippedStoreView>,
    /// How many stores were skipped in all.
    #[serde(default)]
    pub skipped_stores_total: usize,
    /// Online: the delivery region from the profile's address (`mainland`,
    /// `jeju`, `island`), which sets the malls' surcharges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The lines' prices at a glance: sample data, live, stale, the oldest
    /// day (absent in answers stored before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prices: Option<super::freshness::PricesMetaView>,
}

/// Where the legs come from: `source` is `osrm` (the routing service) or
/// `estimate` (straight line × `detour_factor` at the mode's speed).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutingView {
    /// `osrm` or `estimate`.
    pub source: String,
    /// Set when a routing service is configured but the estimate was used:
    /// `timeout`, `error` or `malformed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_reason: Option<String>,
    /// The estimate's detour factor (e.g. 1.3 on foot); absent with `osrm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detour_factor: Option<f64>,
    /// `osrm`: stores routed by the service.
    #[serde(default)]
    pub routed_stores: usize,
    /// `osrm`: whether every store in reach that sells a basket line was
    /// routed (else the rest were judged by the estimate; see docs/API.md).
    #[serde(default)]
    pub complete: bool,
}

/// A store left out of every plan because it is closed when the shopper
/// could first get there.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedStoreView {
    pub store: StoreView,
    /// `outside_hours` or `closing_day`.
    pub reason: String,
    /// The earliest arrival (departure + the direct leg).
    pub arrive_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_hours: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing_days: Option<String>,
}

/// `exact`: every plan is optimal for its label over every candidate store
/// (online plans always are). `gap`: the work budget ran out; the plans are
/// the best found, and the `cheapest` total is at most `gap_pct` % above the
/// proven lower bound `lower_bound_krw` (both `null` when no bound could be
/// proven because the searched stores may not cover every line they could).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimalityView {
    /// `exact` or `gap`.
    pub status: String,
    /// 0 when exact; rounded up to 0.01.
    pub gap_pct: Option<f64>,
    pub lower_bound_krw: Option<i64>,
    /// Offline: stores in reach that sell a basket line.
    pub stores_in_reach: usize,
    /// Offline: stores the final exact search ran over (after the rules).
    pub stores_searched: usize,
}

impl Default for OptimalityView {
    fn default() -> Self {
        Self {
            status: "exact".into(),
            gap_pct: Some(0.0),
            lower_bound_krw: None,
            stores_in_reach: 0,
            stores_searched: 0,
        }
    }
}

impl OptimalityView {
    pub fn from_engine(o: &crate::plan::Optimality) -> Self {
        Self {
            status: if o.exact { "exact" } else { "gap" }.into(),
            gap_pct: o.gap_pct(),
            lower_bound_krw: o.lower_bound_krw,
            stores_in_reach: o.candidates,
            stores_searched: o.searched,
        }
    }
}

/// What `generate` answers: 206 when `meta.degraded`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanAnswer {
    pub plan_request_id: uuid::Uuid,
    pub mode: PlanMode,
    pub plans: Vec<PlanView>,
    pub meta: MetaView,
}

/// One mode's best (`cheapest`) plan in a comparison.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeSummary {
    /// The stored plan request (open it with `GET /plans/{id}`).
    pub plan_request_id: uuid::Uuid,
    pub plan_id: String,
    pub total_krw: i64,
    pub goods_krw: i64,
    pub travel_krw: i64,
    pub delivery_krw: i64,
    pub surcharge_krw: i64,
    /// Basket lines this plan cannot buy.
    pub missing_items: usize,
    pub degraded: bool,
}

/// Offline against online for one basket: which is cheaper and by how much.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// `null` when no offline plan is possible.
    pub offline: Option<ModeSummary>,
    /// `null` when no online plan is possible.
    pub online: Option<ModeSummary>,
    /// `offline` or `online`; `null` when both cost the same or they cannot
    /// be compared (see `comparable`).
    pub cheaper: Option<PlanMode>,
    /// How much the cheaper mode saves (0 when not compared).
    pub difference_krw: i64,
    /// Both modes have a plan and buy the same number of lines.
    pub comparable: bool,
}
