//! The plan use cases: generate plans for a basket (offline or online) and
//! store the answer as a plan request. Around it: the candidates of each mode
//! ([`super::sources`]), the answer's views ([`super::render`]), selection of
//! a stored plan ([`super::select`]) and the one entry point that applies a
//! request's overrides ([`super::generate`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::Duration;
use thiserror::Error;

use super::context::PlanContext;
use super::freshness::{annotate, line_pairs, PriceFreshness, PricesMetaView};
use super::prices::{PriceGateway, SourceStatus};
use super::render::{add_minutes, missing_view, plan_view, reasons};
use super::routing::Routing;
use super::view::{LatLng, MetaView, MissingView, PlanAnswer, PlanView};
use super::{PlanMode, StoredPlanRequest};
use crate::catalog::ports::CatalogRepository;
use crate::catalog::search::ProductQuery;
use crate::catalog::{GeoPoint, Product, ProductId, StoreId};
use crate::mall::ports::MallTermsRepository;
use crate::mall::Region;
use crate::plan::{self, PlanError};
use crate::planner::ports::PlanRequestRepository;
use crate::preferences::TravelMode;
use crate::redirect::{RedirectAllowlist, RedirectRefused};
use crate::system::{Clock, RandomSource};
use crate::user::{InvalidValue, UserId};
use crate::RepoError;

/// One basket line to plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanLine {
    pub id: String,
    pub product_id: Option<String>,
    pub name: String,
    pub quantity: u32,
}

/// The shopper's settings for one plan request (stored preferences, possibly
/// overridden in the request).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSettings {
    pub origin: GeoPoint,
    pub max_stores: u8,
    pub max_distance_m: i64,
    /// The longest route the shopper's travel budget allows (`None`: no limit).
    pub max_route_m: Option<i64>,
    pub travel_cost_krw_per_km: i64,
    pub excluded_chains: Vec<String>,
    /// Stores of these chains win ties between equally good offline plans
    /// (see `plan::offline`); they never make a plan dearer.
    pub preferred_chains: Vec<String>,
    /// How the shopper travels (minutes per leg and per plan).
    pub travel_mode: TravelMode,
    /// The value of the shopper's time (원/hour) and minutes per stop: the
    /// `best_value` plan's objective.
    pub value_of_time_krw_per_hour: i64,
    pub minutes_per_stop: i64,
    /// When the shopper leaves (offline: stores closed on arrival are
    /// skipped); `None`: now.
    pub departure_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Where online orders are delivered (from the profile's address): sets
    /// the malls' regional surcharges.
    pub region: Region,
}

/// Every store within the shopper's radius is a candidate (no cut to the
/// nearest ones). Past this many stores in the radius the request is refused
/// with a clear error (a 30 km radius in Seoul holds ≈ 4 600 of 10 000
/// stores); it is a refusal, never a silent cut.
pub const MAX_STORES_IN_REACH: usize = 20_000;
/// Names shorter than this cannot be matched to a product.
pub const MIN_NAME_CHARS: usize = 2;

#[derive(Debug, Error)]
pub enum PlanningError {
    #[error("the basket is empty")]
    EmptyBasket,
    #[error("some items need a clearer name")]
    ClarificationRequired { lines: Vec<(String, String)> },
    #[error("invalid request")]
    Invalid(Vec<InvalidValue>),
    /// An override of the stored defaults was refused (see `PlanOverrides`).
    #[error(transparent)]
    Override(#[from] super::generate::OverrideRefused),
    /// The shopper's stored basket or settings could not be read.
    #[error("the stored basket or settings could not be read: {0}")]
    Defaults(RepoError),
    /// No line can be bought. `degraded`: a price source failed or missed
    /// its deadline, so the cause may be on our side (the HTTP adapter answers
    /// 503 then, and 422 when the basket itself cannot be supplied).
    #[error("no store or mall can supply any item of the basket")]
    NoPlanPossible {
        missing: Vec<MissingView>,
        degraded: bool,
    },
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SelectError {
    #[error("plan request not found")]
    NotFound,
    #[error("plan request expired")]
    Expired,
    #[error("no plan {0} in this request")]
    UnknownPlan(String),
    #[error("the plan request is for {0} shopping")]
    WrongMode(&'static str),
    #[error(transparent)]
    Redirect(#[from] RedirectRefused),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// A stored plan found for selection.
#[derive(Debug, Clone)]
pub struct Selection {
    pub request: StoredPlanRequest,
    pub answer: PlanAnswer,
    pub plan: PlanView,
}

/// A generated answer and its JSON, serialised once: the same bytes are
/// stored with the plan request and sent to the shopper.
#[derive(Debug, Clone)]
pub struct Generated {
    pub answer: PlanAnswer,
    pub json: String,
    /// How many lines were planned.
    pub lines: usize,
}

/// A link to one mall's checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutLink {
    pub store_id: String,
    pub redirect_url: String,
}

/// The ports plan generation reads and writes.
#[derive(Clone)]
pub struct PlanPorts {
    pub catalog: Arc<dyn CatalogRepository>,
    pub prices: Arc<dyn PriceGateway>,
    pub requests: Arc<dyn PlanRequestRepository>,
    /// The shopper's stored basket and settings (the defaults of a request).
    pub shopper: Arc<dyn PlanContext>,
    /// The online malls' delivery terms (operator configuration).
    pub malls: Arc<dyn MallTermsRepository>,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn RandomSource>,
}

pub struct PlanService {
    pub(super) catalog: Arc<dyn CatalogRepository>,
    pub(super) prices: Arc<dyn PriceGateway>,
    pub(super) requests: Arc<dyn PlanRequestRepository>,
    pub(super) shopper: Arc<dyn PlanContext>,
    pub(super) malls: Arc<dyn MallTermsRepository>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) random: Arc<dyn RandomSource>,
    pub(super) allowlist: RedirectAllowlist,
    pub(super) lifetime: Duration,
    /// A road routing service; `None`: the built-in estimate
    /// ([`super::routing`]).
    pub(super) routing: Option<Arc<dyn Routing>>,
    pub(super) freshness: PriceFreshness,
}

impl PlanService {
    pub fn new(ports: PlanPorts, allowlist: RedirectAllowlist, lifetime: Duration) -> Self {
        let PlanPorts {
            catalog,
            prices,
            requests,
            shopper,
            malls,
            clock,
            random,
        } = ports;
        Self {
            catalog,
            prices,
            requests,
            shopper,
            malls,
            clock,
            random,
            allowlist,
            lifetime,
            routing: None,
            freshness: PriceFreshness::default(),
        }
    }

    /// Offline legs from this routing service (with the estimate as its
    /// fallback) instead of the estimate alone.
    #[must_use]
    pub fn with_routing(mut self, routing: Arc<dyn Routing>) -> Self {
        self.routing = Some(routing);
        self
    }

    /// The service clock's time.
    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// When prices count as stale and the "lowest in N days" window.
    #[must_use]
    pub fn with_freshness(mut self, freshness: PriceFreshness) -> Self {
        self.freshness = freshness;
        self
    }

    pub fn allowlist(&self) -> &RedirectAllowlist {
        &self.allowlist
    }

    pub(crate) fn shopper(&self) -> &dyn PlanContext {
        self.shopper.as_ref()
    }

    /// Plans these lines with these settings, stores the answer and returns
    /// it with its JSON. Callers go through [`PlanService::generate_for`],
    /// which reads the defaults and applies the overrides.
    pub(crate) async fn generate(
        &self,
        user: UserId,
        mode: PlanMode,
        lines: &[PlanLine],
        settings: &PlanSettings,
    ) -> Result<Generated, PlanningError> {
        if lines.is_empty() {
            return Err(PlanningError::EmptyBasket);
        }
        let resolved = self.resolve(lines).await?;
        let now = self.clock.now();
        let product_ids: Vec<ProductId> = {
            let mut ids: Vec<ProductId> = resolved.values().map(|p| p.id().clone()).collect();
            ids.sort();
            ids.dedup();
            ids
        };
        let engine_lines: Vec<plan::BasketLine> = lines
            .iter()
            .filter_map(|l| {
                resolved
                    .get(&l.id)
                    .map(|p| plan::BasketLine::new(l.id.as_str(), p.id().as_str(), l.quantity))
            })
            .collect();
        let departure = settings.departure_at.unwrap_or(now);
        let (plans, stores, sources, optimality, basis, trip, details, offers) = match mode {
            PlanMode::Offline => {
                self.offline(&engine_lines, &product_ids, settings, departure)
                    .await?
            }
            PlanMode::Online => self.online(&engine_lines, &product_ids, settings).await?,
        };
        let unknown: Vec<MissingView> = lines
            .iter()
            .filter(|l| !resolved.contains_key(&l.id))
            .map(|l| MissingView {
                basket_item_id: l.id.clone(),
                name: l.name.clone(),
                quantity: l.quantity,
                reason: "unknown_product".into(),
                substitutes: Vec::new(),
            })
            .collect();
        let names: HashMap<&str, &Product> =
            resolved.values().map(|p| (p.id().as_str(), p)).collect();
        let line_names: HashMap<&str, &str> = lines
            .iter()
            .map(|l| (l.id.as_str(), l.name.as_str()))
            .collect();
        let degraded = sources.iter().any(|s| s.status != SourceStatus::Ok);
        let plans = match plans {
            Ok(plans) => plans,
            Err(PlanError::NoPlanPossible { missing }) => {
                let mut all = unknown;
                all.extend(missing.iter().map(|m| missing_view(m, &line_names)));
                // Lines that exist somewhere but fit no plan (e.g. below every
                // minimum order) are reported too, so every line has a reason.
                for l in &engine_lines {
                    if !all.iter().any(|m| m.basket_item_id == l.id.0) {
                        all.push(MissingView {
                            basket_item_id: l.id.0.clone(),
                            name: line_names
                                .get(l.id.0.as_str())
                                .copied()
                                .unwrap_or_default()
                                .to_owned(),
                            quantity: l.quantity,
                            reason: "not_covered_by_plan".into(),
                            substitutes: Vec::new(),
                        });
                    }
                }
                return Err(PlanningError::NoPlanPossible {
                    missing: all,
                    degraded,
                });
            }
            Err(PlanError::EmptyBasket) => {
                return Err(PlanningError::NoPlanPossible {
                    missing: unknown,
                    degraded,
                });
            }
            Err(e) => {
                return Err(PlanningError::Invalid(vec![InvalidValue::new(
                    "basket",
                    e.to_string(),
                )]))
            }
        };
        let mut views: Vec<PlanView> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut view = plan_view(
                    i,
                    p,
                    &stores,
                    &names,
                    &line_names,
                    &unknown,
                    (details.as_ref(), &self.allowlist),
                );
                if mode == PlanMode::Offline {
                    add_minutes(&mut view, p, &stores);
                    view.reasons = basis.as_ref().map(|b| reasons(&view, b));
                }
                view
            })
            .collect();
        let prices = self.line_prices(&mut views, &offers, now).await?;
        self.add_substitutes(&mut views, lines, &resolved, &stores)
            .await?;
        let id = self.random.uuid();
        let answer = PlanAnswer {
            plan_request_id: id,
            mode,
            plans: views,
            meta: MetaView {
                degraded,
                sources,
                generated_at: now,
                expires_at: now + self.lifetime,
                optimality,
                origin: (mode == PlanMode::Offline).then(|| LatLng {
                    lat: settings.origin.lat(),
                    lng: settings.origin.lng(),
                }),
                travel_mode: (mode == PlanMode::Offline)
                    .then(|| settings.travel_mode.as_str().to_owned()),
                departure_at: (mode == PlanMode::Offline).then_some(departure),
                routing: trip.as_ref().map(|t| t.routing.clone()),
                skipped_stores: trip.as_ref().map(|t| t.skipped.clone()).unwrap_or_default(),
                skipped_stores_total: trip.as_ref().map_or(0, |t| t.skipped_total),
                region: details.as_ref().map(|d| d.region.as_str().to_owned()),
                prices: Some(prices),
            },
        };
        // Sized for a usual answer (~15 KB for 30 lines), so it does not regrow.
        let mut payload = Vec::with_capacity(32 * 1024);
        serde_json::to_writer(&mut payload, &answer)
            .map_err(|e| RepoError::Corrupt(format!("plan answer not serialisable: {e}")))?;
        let payload = String::from_utf8(payload)
            .map_err(|_| RepoError::Corrupt("plan answer not UTF-8".into()))?;
        let stored = StoredPlanRequest {
            id,
            user_id: user,
            mode,
            payload,
            created_at: now,
            expires_at: answer.meta.expires_at,
        };
        self.requests.save(&stored).await?;
        Ok(Generated {
            answer,
            json: stored.payload,
            lines: lines.len(),
        })
    }

    /// Each line's price provenance and flags (`item.price`) and the
    /// answer's summary. The lows come from the history of the lines' own
    /// (product, store) pairs only, in one look-up.
    async fn line_prices(
        &self,
        views: &mut [PlanView],
        offers: &[crate::catalog::Offer],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<PricesMetaView, PlanningError> {
        let pairs = line_pairs(views);
        let lows = if pairs.is_empty() {
            Vec::new()
        } else {
            let mut products: Vec<ProductId> = Vec::new();
            let mut stores: Vec<StoreId> = Vec::new();
            for (p, s) in &pairs {
                if let (Ok(p), Ok(s)) = (ProductId::parse(p), StoreId::parse(s)) {
                    products.push(p);
                    stores.push(s);
                }
            }
            products.sort();
            products.dedup();
            stores.sort();
            stores.dedup();
            let since = now - Duration::days(i64::from(self.freshness.low_window_days));
            self.catalog.price_lows(&products, &stores, since).await?
        };
        Ok(annotate(views, offers, &lows, now, self.freshness))
    }

    /// Matches basket lines to catalog products: by id when given, else by the
    /// best search hit for the name. Lines with no match are reported as
    /// `unknown_product`; names too short to match need clarification.
    async fn resolve(
        &self,
        lines: &[PlanLine],
    ) -> Result<BTreeMap<String, Product>, PlanningError> {
        let mut problems = Vec::new();
        let mut unclear = Vec::new();
        for l in lines {
            // The basket's own limit, so that every plan can become an order.
            let (lo, hi) = (crate::basket::Quantity::MIN, crate::basket::Quantity::MAX);
            if !(lo..=hi).contains(&i64::from(l.quantity)) {
                problems.push(InvalidValue::new(
                    "quantity",
                    format!("item {} must be {lo} to {hi}", l.id),
                ));
            }
            if l.product_id.is_none() && l.name.trim().chars().count() < MIN_NAME_CHARS {
                unclear.push((l.id.clone(), l.name.clone()));
            }
        }
        if !problems.is_empty() {
            return Err(PlanningError::Invalid(problems));
        }
        if !unclear.is_empty() {
            return Err(PlanningError::ClarificationRequired { lines: unclear });
        }
        let by_id: Vec<ProductId> = lines
            .iter()
            .filter_map(|l| l.product_id.as_deref())
            .filter_map(|id| ProductId::parse(id).ok())
            .collect();
        let known: HashMap<String, Product> = self
            .catalog
            .get_products(&by_id)
            .await?
            .into_iter()
            .map(|p| (p.id().as_str().to_owned(), p))
            .collect();
        let mut resolved = BTreeMap::new();
        for l in lines {
            let product = match &l.product_id {
                Some(id) => known.get(id).cloned(),
                None => match ProductQuery::parse(&l.name) {
                    Ok(q) => self
                        .catalog
                        .search_products(&q, 0, 1)
                        .await?
                        .into_iter()
                        .next(),
                    Err(_) => None,
                },
            };
            if let Some(p) = product {
                resolved.insert(l.id.clone(), p);
            }
        }
        Ok(resolved)
    }
}
