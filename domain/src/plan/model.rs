//! The plan engine's own input and output types.
//!
//! Money is always an `i64` count of 원 (fields end in `_krw`); there are no
//! floats in money. Distances are integer metres (fields end in `_m`).

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use chrono::{DateTime, Utc};

use super::geo::GeoPoint;
use super::travel::Travel;
use crate::catalog::{ClosedReason, Visiting};

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

string_id!(
    /// A basket line's identifier (the basket item id). Unique within one request.
    LineId
);
string_id!(
    /// A store's or an online mall's identifier. Unique within one request; ties
    /// between equally good plans are broken by this id, so results are stable.
    StoreId
);
string_id!(
    /// The key that links a basket line to the price rows of the stores.
    ProductKey
);

/// Limits on inputs. They keep every money sum far below `i64::MAX`
/// (200 lines × 999 × 10⁸ 원 < 2·10¹³) and the exact searches bounded.
pub mod limits {
    /// Most basket lines in one request.
    pub const MAX_LINES: usize = 200;
    /// Largest quantity of one line.
    pub const MAX_QUANTITY: u32 = 999;
    /// Largest unit price (1억 원).
    pub const MAX_UNIT_PRICE_KRW: i64 = 100_000_000;
    /// Largest delivery fee, free-delivery threshold or minimum order.
    pub const MAX_FEE_KRW: i64 = 100_000_000;
    /// Largest travel cost per kilometre.
    pub const MAX_TRAVEL_COST_KRW_PER_KM: i64 = 100_000;
    /// Largest number of stops an offline plan may have (`max_stores`).
    pub const MAX_STORES_PER_PLAN: u8 = 5;
    /// The default work budget of the offline search: the most store sets
    /// (Σ_{j ≤ k} C(n, j) over the n candidates one exact search runs on) it
    /// may enumerate. Beyond it the candidates are first reduced by the exact
    /// bound and dominance rules; if still too many, a branch and bound
    /// searches them within this budget (counting the store sets it bounds),
    /// and states a proven gap when it runs out ([`super::Optimality`]).
    /// k = 3 with 60 candidates is 36 050; k = 3 with 200 is 1.3 M; k = 5
    /// with 60 is 6.0 M (exact without any rule, as before issue 16).
    pub const MAX_OFFLINE_SUBSETS: u64 = 10_000_000;
    /// Largest value of the shopper's time, 원 per hour.
    pub const MAX_VALUE_OF_TIME_KRW_PER_HOUR: i64 = 200_000;
    /// Most minutes per stop.
    pub const MAX_MINUTES_PER_STOP: i64 = 60;
    /// Fastest travel speed, km/h.
    pub const MAX_SPEED_KM_PER_H: i64 = 200;
    /// Most online malls that carry at least one basket line (the online search
    /// is exact and enumerates 3^m subset/free-delivery patterns at worst).
    pub const MAX_MALLS: usize = 8;
}

/// Defaults used by [`OfflineInput::new`].
pub mod defaults {
    /// Stops per offline plan (the shopper's preference may change it).
    pub const MAX_STORES: u8 = 3;
    /// A placeholder travel cost (fuel and wear of a small car); the use case
    /// maps the shopper's travel mode to its own figure.
    pub const TRAVEL_COST_KRW_PER_KM: i64 = 300;
}

/// One price row of a store for one product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPrice {
    /// Price of one unit in 원; must be 1..=[`limits::MAX_UNIT_PRICE_KRW`].
    pub price_krw: i64,
    pub in_stock: bool,
}

impl UnitPrice {
    pub fn in_stock(price_krw: i64) -> Self {
        Self {
            price_krw,
            in_stock: true,
        }
    }

    pub fn out_of_stock(price_krw: i64) -> Self {
        Self {
            price_krw,
            in_stock: false,
        }
    }
}

/// One line of the shopper's basket: `quantity` units of `product`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketLine {
    pub id: LineId,
    pub product: ProductKey,
    /// 1..=[`limits::MAX_QUANTITY`]. A line of quantity q costs q × unit price.
    pub quantity: u32,
}

impl BasketLine {
    pub fn new(id: impl Into<LineId>, product: impl Into<ProductKey>, quantity: u32) -> Self {
        Self {
            id: id.into(),
            product: product.into(),
            quantity,
        }
    }
}

/// An offline store the shopper may visit.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreCandidate {
    pub id: StoreId,
    pub name: String,
    pub location: GeoPoint,
    /// Price rows by product; a product absent here is not sold by the store.
    pub prices: HashMap<ProductKey, UnitPrice>,
    /// Of a chain the shopper prefers: wins ties (see [`super::offline`]).
    pub preferred: bool,
    /// When the store can be visited; `None`: unknown, read as always open.
    /// Only looked at when the request has a [`OfflineInput::departure`].
    pub visiting: Option<Visiting>,
}

/// An offline planning request.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineInput {
    /// Where the shopper starts (and returns to when `round_trip`).
    pub origin: GeoPoint,
    pub lines: Vec<BasketLine>,
    pub stores: Vec<StoreCandidate>,
    /// At most this many stops, 1..=[`limits::MAX_STORES_PER_PLAN`]; default 3.
    pub max_stores: u8,
    /// Only stores at most this far (straight line, metres) from the origin are
    /// candidates. `None`: no radius.
    pub max_distance_m: Option<i64>,
    /// A plan's whole route (including the way home when `round_trip`) may be at
    /// most this long. `None`: no limit.
    pub max_route_m: Option<i64>,
    /// 원 per kilometre of route; 0..=[`limits::MAX_TRAVEL_COST_KRW_PER_KM`].
    pub travel_cost_krw_per_km: i64,
    /// Whether the route returns to the origin (default `true`).
    pub round_trip: bool,
    /// Work budget: the most store sets one exact search may enumerate
    /// (default [`limits::MAX_OFFLINE_SUBSETS`]). Never changes a result
    /// that is reported exact; only how much work is spent before a gap
    /// is reported.
    pub max_subsets: u64,
    /// The value of the shopper's time: when set, the answer also has a
    /// `best_value` plan (when it differs from `cheapest`). Default `None`.
    pub time_value: Option<TimeValue>,
    /// How legs are measured: the straight-line estimate or a routing
    /// table ([`super::travel`]). Default: the straight line at 4 km/h.
    pub travel: Travel,
    /// When the shopper leaves. When set, a store closed at its earliest
    /// arrival (this + the direct leg's seconds) is no candidate
    /// ([`OfflineOutcome::skipped`]); stops get arrival times. `None`: hours
    /// are not looked at.
    pub departure: Option<DateTime<Utc>>,
}

/// What the shopper's time is worth, for [`PlanLabel::BestValue`]: a plan's
/// time is its route at `speed_km_per_h` plus `minutes_per_stop` per stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeValue {
    /// 원 per hour, 0..=[`limits::MAX_VALUE_OF_TIME_KRW_PER_HOUR`].
    pub krw_per_hour: i64,
    /// 0..=[`limits::MAX_MINUTES_PER_STOP`].
    pub minutes_per_stop: i64,
    /// Door-to-door speed of the travel mode, 1..=[`limits::MAX_SPEED_KM_PER_H`].
    pub speed_km_per_h: i64,
}

impl TimeValue {
    /// `krw_per_hour × (route_m / speed + minutes_per_stop × stops / 60 h)`,
    /// rounded half up to whole 원 in integer arithmetic; non-decreasing in
    /// the route and in the stops.
    pub fn cost_krw(&self, route_m: i64, stops: usize) -> i64 {
        let speed_m_per_h = i128::from(self.speed_km_per_h.max(1)) * 1000;
        let stops = i128::try_from(stops).unwrap_or(i128::MAX / 4);
        // Time in units of 1 / (60 × speed_m_per_h) hours.
        let time = i128::from(route_m.max(0)) * 60
            + i128::from(self.minutes_per_stop) * stops * speed_m_per_h;
        let den = 60 * speed_m_per_h;
        let v = (i128::from(self.krw_per_hour) * time + den / 2) / den;
        i64::try_from(v).unwrap_or(i64::MAX / 8)
    }
}

impl OfflineInput {
    /// A request with the defaults: 3 stops, no radius or route limit,
    /// [`defaults::TRAVEL_COST_KRW_PER_KM`], round trip.
    pub fn new(origin: GeoPoint, lines: Vec<BasketLine>, stores: Vec<StoreCandidate>) -> Self {
        Self {
            origin,
            lines,
            stores,
            max_stores: defaults::MAX_STORES,
            max_distance_m: None,
            max_route_m: None,
            travel_cost_krw_per_km: defaults::TRAVEL_COST_KRW_PER_KM,
            round_trip: true,
            max_subsets: limits::MAX_OFFLINE_SUBSETS,
            time_value: None,
            travel: Travel::default(),
            departure: None,
        }
    }
}

/// An online mall.
#[derive(Debug, Clone, PartialEq)]
pub struct MallCandidate {
    pub id: StoreId,
    pub name: String,
    pub prices: HashMap<ProductKey, UnitPrice>,
    /// Charged once when the mall is used, unless waived.
    pub delivery_fee_krw: i64,
    /// The fee is waived when the mall's goods subtotal is at least this.
    pub free_delivery_threshold_krw: Option<i64>,
    /// A mall that is used must reach this goods subtotal.
    pub min_order_krw: Option<i64>,
    /// Charged once when the mall is used, never waived: the mall's surcharge
    /// for the shopper's region (Jeju, islands); 0 on the mainland.
    pub surcharge_krw: i64,
}

/// An online planning request.
#[derive(Debug, Clone, PartialEq)]
pub struct OnlineInput {
    pub lines: Vec<BasketLine>,
    pub malls: Vec<MallCandidate>,
}

/// Which objective a plan is the best for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanLabel {
    /// Lowest total (goods + travel or delivery).
    Cheapest,
    /// Fewest stops (stores or malls); the lowest total among those.
    FewestStops,
    /// Offline only: shortest route; the lowest total among those.
    Closest,
    /// Offline only, with a value of time: the lowest total plus the value
    /// of the time the plan takes (travel and stops); only when it differs
    /// from `cheapest`.
    BestValue,
}

impl PlanLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cheapest => "cheapest",
            Self::FewestStops => "fewest_stops",
            Self::Closest => "closest",
            Self::BestValue => "best_value",
        }
    }
}

/// One basket line bought at one stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub line_id: LineId,
    pub product: ProductKey,
    pub quantity: u32,
    pub unit_price_krw: i64,
    /// `quantity × unit_price_krw`.
    pub subtotal_krw: i64,
}

/// One store (offline, in route order) or mall (online, by id) of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stop {
    pub store_id: StoreId,
    pub store_name: String,
    /// In basket-line id order.
    pub items: Vec<Assignment>,
    /// Sum of the items' subtotals.
    pub subtotal_krw: i64,
    /// Online: the delivery fee charged by this mall (0 when waived). Offline: 0.
    pub delivery_krw: i64,
    /// Online: the mall's regional surcharge (Jeju, islands). Offline: 0.
    #[serde(default)]
    pub surcharge_krw: i64,
    /// Offline: metres from the previous point of the route (the origin for the
    /// first stop). Online: 0.
    pub leg_distance_m: i64,
    /// Offline: seconds of that leg ([`OfflineInput::travel`]). Online: 0.
    #[serde(default)]
    pub leg_seconds: i64,
    /// Offline with a departure: when the shopper arrives (departure + the
    /// legs so far + `minutes_per_stop` at each earlier stop).
    #[serde(default)]
    pub arrive_at: Option<DateTime<Utc>>,
    /// Offline with a departure: the store is open at the earliest arrival
    /// (or it would not be a candidate) but closed at `arrive_at`, reached
    /// later along this route. The plan is kept and the stop flagged.
    #[serde(default)]
    pub closed_on_arrival: Option<ClosedReasonKey>,
}

/// [`ClosedReason`] as the engine's answers carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosedReasonKey {
    OutsideHours,
    ClosingDay,
}

impl From<ClosedReason> for ClosedReasonKey {
    fn from(r: ClosedReason) -> Self {
        match r {
            ClosedReason::OutsideHours => Self::OutsideHours,
            ClosedReason::ClosingDay => Self::ClosingDay,
        }
    }
}

impl ClosedReasonKey {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OutsideHours => "outside_hours",
            Self::ClosingDay => "closing_day",
        }
    }
}

/// A store in reach left out because it is closed when the shopper could
/// first get there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedStore {
    pub store_id: StoreId,
    pub reason: ClosedReasonKey,
    /// The earliest arrival: departure + the direct leg.
    pub arrive_at: DateTime<Utc>,
}

/// Why a basket line is not in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingReason {
    /// No store or mall of the request lists the product at all.
    NotSold,
    /// Listed, but out of stock at every candidate that lists it.
    OutOfStock,
    /// Offline: in stock only at stores beyond `max_distance_m`.
    OutOfRange,
    /// Offline: in stock in reach only at stores closed at the shopper's
    /// arrival.
    StoreClosed,
    /// Available at some candidate, but no plan within the limits (stop count,
    /// route length, minimum orders) can include it together with more lines.
    NotCoveredByPlan,
}

/// A basket line a plan does not buy. It is never priced as 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub line_id: LineId,
    pub product: ProductKey,
    pub quantity: u32,
    pub reason: MissingReason,
}

/// One shopping plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The first objective this plan is best for.
    pub label: PlanLabel,
    /// Further objectives for which the very same plan is the best (plans are
    /// deduplicated: one plan per store set).
    pub other_labels: Vec<PlanLabel>,
    /// Offline: in route order. Online: by mall id.
    pub stops: Vec<Stop>,
    /// Sum of the stops' subtotals.
    pub goods_krw: i64,
    /// Offline: the route's travel cost. Online: 0.
    pub travel_krw: i64,
    /// Online: the sum of the delivery fees charged. Offline: 0.
    pub delivery_krw: i64,
    /// Online: the sum of the malls' regional surcharges. Offline: 0.
    #[serde(default)]
    pub surcharge_krw: i64,
    /// `goods_krw + travel_krw + delivery_krw + surcharge_krw`.
    pub total_krw: i64,
    /// Offline: route length in metres (including the way home on a round trip).
    pub distance_m: i64,
    /// Offline: the route's seconds (the legs', the way home included).
    #[serde(default)]
    pub travel_seconds: i64,
    /// In basket-line id order.
    pub missing: Vec<Missing>,
}

impl Plan {
    /// Whether this plan is the best for `label`.
    pub fn has_label(&self, label: PlanLabel) -> bool {
        self.label == label || self.other_labels.contains(&label)
    }
}

/// How close an offline answer is proven to be to the optimum over every
/// candidate store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Optimality {
    /// Every label's plan is proven optimal over every candidate (in value:
    /// among exactly tied plans the one chosen may differ from a full
    /// enumeration's tie-break once the dominance rule has removed stores).
    pub exact: bool,
    /// A proven lower bound on the `cheapest` total over every candidate;
    /// `None` when the coverage of the searched stores could not be proven
    /// maximal (then no gap can be stated).
    pub lower_bound_krw: Option<i64>,
    /// The `cheapest` plan's total (the upper bound).
    pub best_total_krw: i64,
    /// Candidate stores: in reach and able to supply a line.
    pub candidates: usize,
    /// Candidates left after the bound and dominance rules.
    pub after_rules: usize,
    /// Stores the final exact search ran over.
    pub searched: usize,
}

impl Optimality {
    /// The proven gap in percent of the lower bound, rounded up to 0.01:
    /// 0 when exact, `None` when no lower bound is known.
    pub fn gap_pct(&self) -> Option<f64> {
        if self.exact {
            return Some(0.0);
        }
        let lb = self.lower_bound_krw?;
        let gap = (self.best_total_krw - lb).max(0);
        if lb <= 0 {
            return if gap == 0 { Some(0.0) } else { None };
        }
        // Integer basis points, rounded up, so the stated gap is never below
        // the proven one.
        let bp = (i128::from(gap) * 10_000 + i128::from(lb) - 1) / i128::from(lb);
        #[allow(clippy::cast_precision_loss)]
        Some(bp as f64 / 100.0)
    }
}

/// An offline answer: the labelled plans and how optimal they are proven.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineOutcome {
    pub plans: Vec<Plan>,
    pub optimality: Optimality,
    /// The `cheapest` objective with at most j stops, for j = 1..=k (the
    /// last is the `cheapest` plan itself): what each extra stop buys.
    pub frontier: Vec<FrontierPoint>,
    /// The best plan with a single stop (the `cheapest` objective with
    /// k = 1), to compare every plan with.
    pub single_store: Option<Plan>,
    /// Stores in reach left out because they are closed at the earliest
    /// arrival (by store id).
    pub skipped: Vec<SkippedStore>,
}

/// The best plan with at most `stops` stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontierPoint {
    pub stops: u8,
    pub total_krw: i64,
    /// Basket lines that plan cannot buy (coverage comes before money).
    pub missing: usize,
    pub distance_m: i64,
}

/// Why no plan could be made. Input errors map to HTTP 400; `NoPlanPossible`
/// to 503 `DEPENDENCY_FAILURE`; `TooLarge` to 400/413 at the caller's choice.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    #[error("the basket is empty")]
    EmptyBasket,
    #[error("line {line_id}: quantity must be 1..={max}", max = limits::MAX_QUANTITY)]
    InvalidQuantity { line_id: LineId },
    #[error("line id {0} appears twice")]
    DuplicateLine(LineId),
    #[error("store id {0} appears twice")]
    DuplicateStore(StoreId),
    #[error("store {store_id}, product {product}: price must be 1..={max} KRW", max = limits::MAX_UNIT_PRICE_KRW)]
    InvalidPrice {
        store_id: StoreId,
        product: ProductKey,
    },
    #[error("{field}: {message}")]
    InvalidParameter {
        field: &'static str,
        message: String,
    },
    #[error("too large: {0}")]
    TooLarge(String),
    /// No basket line is available at any candidate. Carries every line with
    /// its reason.
    #[error("no store or mall can supply any line of the basket")]
    NoPlanPossible { missing: Vec<Missing> },
}

impl PlanError {
    pub(crate) fn param(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidParameter {
            field,
            message: message.into(),
        }
    }
}
