//! The plan use cases: generate plans for a basket (offline or online), store
//! the answer as a plan request, and find a stored plan to select.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::Duration;
use thiserror::Error;
use uuid::Uuid;

use super::prices::{PriceGateway, SourceStatus};
use super::view::{
    FrontierView, ItemView, LatLng, MetaView, MissingView, OptimalityView, PlanAnswer, PlanView,
    ProductView, ReasonsView, SourceView, StopView, StoreView, VsSingleStoreView,
};
use super::{PlanMode, StoredPlanRequest};
use crate::catalog::ports::CatalogRepository;
use crate::catalog::search::ProductQuery;
use crate::catalog::{GeoPoint, Offer, Product, ProductId, Store};
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
}

/// A link to one mall's checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutLink {
    pub store_id: String,
    pub redirect_url: String,
}

pub struct PlanService {
    catalog: Arc<dyn CatalogRepository>,
    prices: Arc<dyn PriceGateway>,
    requests: Arc<dyn PlanRequestRepository>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
    allowlist: RedirectAllowlist,
    lifetime: Duration,
}

impl PlanService {
    pub fn new(
        catalog: Arc<dyn CatalogRepository>,
        prices: Arc<dyn PriceGateway>,
        requests: Arc<dyn PlanRequestRepository>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
        allowlist: RedirectAllowlist,
        lifetime: Duration,
    ) -> Self {
        Self {
            catalog,
            prices,
            requests,
            clock,
            random,
            allowlist,
            lifetime,
        }
    }

    pub fn allowlist(&self) -> &RedirectAllowlist {
        &self.allowlist
    }

    /// Plans the basket, stores the answer and returns it with its JSON.
    pub async fn generate(
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
        let (plans, stores, sources, optimality, basis) = match mode {
            PlanMode::Offline => self.offline(&engine_lines, &product_ids, settings).await?,
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
        let views = plans
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut view = plan_view(i, p, &stores, &names, &line_names, &unknown);
                if mode == PlanMode::Offline {
                    add_minutes(&mut view, settings.travel_mode);
                    view.reasons = basis
                        .as_ref()
                        .map(|b| reasons(&view, b, settings.travel_mode));
                }
                view
            })
            .collect();
        let answer = PlanAnswer {
            plan_request_id: self.random.uuid().to_string(),
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
            },
        };
        let id = Uuid::parse_str(&answer.plan_request_id)
            .map_err(|_| RepoError::Corrupt("plan request id".into()))?;
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
        })
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

    #[allow(clippy::type_complexity)]
    async fn offline(
        &self,
        lines: &[plan::BasketLine],
        products: &[ProductId],
        settings: &PlanSettings,
    ) -> Result<
        (
            Result<Vec<plan::Plan>, PlanError>,
            HashMap<String, Store>,
            Vec<SourceView>,
            OptimalityView,
            Option<ReasonBasis>,
        ),
        PlanningError,
    > {
        let started = std::time::Instant::now();
        let radius = settings.max_distance_m.max(0);
        #[allow(clippy::cast_precision_loss)]
        let near = self
            .catalog
            .list_stores_near(settings.origin, radius as f64, 0, MAX_STORES_IN_REACH + 1)
            .await?;
        if near.len() > MAX_STORES_IN_REACH {
            return Err(PlanningError::Invalid(vec![InvalidValue::new(
                "max_distance_m",
                format!(
                    "more than {MAX_STORES_IN_REACH} stores lie within {radius} m; choose a smaller radius"
                ),
            )]));
        }
        let stores: Vec<Store> = near
            .into_iter()
            .map(|n| n.store)
            .filter(|s| !excluded(s, &settings.excluded_chains))
            .collect();
        let store_ids: Vec<_> = stores.iter().map(|s| s.id().clone()).collect();
        let offers = if store_ids.is_empty() || products.is_empty() {
            Vec::new()
        } else {
            self.catalog.offers_for(products, &store_ids).await?
        };
        let mut prices = price_table(&offers);
        let origin = engine_point(settings.origin)?;
        let mut candidates = Vec::with_capacity(stores.len());
        for s in &stores {
            let Some(loc) = s.location() else { continue };
            candidates.push(plan::StoreCandidate {
                id: s.id().as_str().into(),
                name: s.name().to_owned(),
                location: engine_point(loc)?,
                prices: prices.remove(s.id().as_str()).unwrap_or_default(),
                preferred: in_chains(s, &settings.preferred_chains),
            });
        }
        let mut input = plan::OfflineInput::new(origin, lines.to_vec(), candidates);
        input.max_stores = settings.max_stores;
        input.max_distance_m = Some(radius);
        input.max_route_m = settings.max_route_m;
        input.travel_cost_krw_per_km = settings.travel_cost_krw_per_km;
        input.time_value = Some(plan::TimeValue {
            krw_per_hour: settings.value_of_time_krw_per_hour,
            minutes_per_stop: settings.minutes_per_stop,
            speed_km_per_h: i64::from(settings.travel_mode.speed_km_per_h()),
        });
        let outcome = if lines.is_empty() {
            Err(PlanError::EmptyBasket)
        } else {
            plan::plan_offline_outcome(&input)
        };
        let optimality = outcome
            .as_ref()
            .map(|o| OptimalityView::from_engine(&o.optimality))
            .unwrap_or_default();
        let basis = outcome.as_ref().ok().map(|o| ReasonBasis {
            frontier: o.frontier.clone(),
            single_store: o.single_store.clone(),
        });
        let result = outcome.map(|o| o.plans);
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let sources = vec![SourceView {
            id: "catalog".into(),
            status: SourceStatus::Ok,
            latency_ms,
        }];
        let by_id = stores
            .into_iter()
            .map(|s| (s.id().as_str().to_owned(), s))
            .collect();
        Ok((result, by_id, sources, optimality, basis))
    }

    #[allow(clippy::type_complexity)]
    async fn online(
        &self,
        lines: &[plan::BasketLine],
        products: &[ProductId],
        settings: &PlanSettings,
    ) -> Result<
        (
            Result<Vec<plan::Plan>, PlanError>,
            HashMap<String, Store>,
            Vec<SourceView>,
            OptimalityView,
            Option<ReasonBasis>,
        ),
        PlanningError,
    > {
        let malls: Vec<Store> = self
            .catalog
            .list_online_malls()
            .await?
            .into_iter()
            .filter(|s| !excluded(s, &settings.excluded_chains))
            .collect();
        let mall_ids: Vec<_> = malls.iter().map(|s| s.id().clone()).collect();
        let reports = if products.is_empty() {
            Vec::new()
        } else {
            self.prices.gather(&mall_ids, products).await
        };
        let offers: Vec<Offer> = reports
            .iter()
            .flat_map(|r| r.offers.iter().cloned())
            .collect();
        let mut prices = price_table(&offers);
        let answered: std::collections::HashSet<&str> = reports
            .iter()
            .filter(|r| r.status == SourceStatus::Ok)
            .map(|r| r.source_id.as_str())
            .collect();
        let candidates: Vec<plan::MallCandidate> = malls
            .iter()
            .filter(|m| answered.contains(m.id().as_str()))
            .filter_map(|m| {
                let terms = m.mall()?;
                Some(plan::MallCandidate {
                    id: m.id().as_str().into(),
                    name: m.name().to_owned(),
                    prices: prices.remove(m.id().as_str()).unwrap_or_default(),
                    delivery_fee_krw: terms.delivery_fee_krw(),
                    free_delivery_threshold_krw: terms.free_delivery_threshold_krw(),
                    min_order_krw: Some(terms.min_order_krw()).filter(|m| *m > 0),
                })
            })
            .collect();
        let input = plan::OnlineInput {
            lines: lines.to_vec(),
            malls: candidates,
        };
        let result = if lines.is_empty() {
            Err(PlanError::EmptyBasket)
        } else {
            plan::plan_online(&input)
        };
        let sources = reports
            .iter()
            .map(|r| SourceView {
                id: r.source_id.clone(),
                status: r.status,
                latency_ms: r.latency_ms,
            })
            .collect();
        let by_id = malls
            .into_iter()
            .map(|s| (s.id().as_str().to_owned(), s))
            .collect();
        // The online engine is exact over every mall (see `plan::online`).
        let optimality = OptimalityView {
            stores_in_reach: input.malls.len(),
            stores_searched: input.malls.len(),
            ..OptimalityView::default()
        };
        Ok((result, by_id, sources, optimality, None))
    }

    /// One of the user's stored plan requests, whose `payload` is the answer
    /// exactly as it was sent: `NotFound` for another user's id, an unknown
    /// or malformed one; `Expired` once `expires_at` has passed (until the
    /// request is pruned, then `NotFound`).
    pub async fn stored(
        &self,
        user: UserId,
        plan_request_id: &str,
    ) -> Result<StoredPlanRequest, SelectError> {
        let id = Uuid::parse_str(plan_request_id).map_err(|_| SelectError::NotFound)?;
        let request = self
            .requests
            .find(user, id)
            .await?
            .ok_or(SelectError::NotFound)?;
        if request.is_expired_at(self.clock.now()) {
            return Err(SelectError::Expired);
        }
        Ok(request)
    }

    /// Finds a stored plan of the user's for selection.
    pub async fn find(
        &self,
        user: UserId,
        mode: PlanMode,
        plan_request_id: &str,
        plan_id: &str,
    ) -> Result<Selection, SelectError> {
        let id = Uuid::parse_str(plan_request_id).map_err(|_| SelectError::NotFound)?;
        let request = self
            .requests
            .find(user, id)
            .await?
            .ok_or(SelectError::NotFound)?;
        if request.mode != mode {
            return Err(SelectError::WrongMode(request.mode.as_str()));
        }
        if request.is_expired_at(self.clock.now()) {
            return Err(SelectError::Expired);
        }
        let answer: PlanAnswer = serde_json::from_str(&request.payload)
            .map_err(|_| RepoError::Corrupt("stored plan answer".into()))?;
        let plan = answer
            .plans
            .iter()
            .find(|p| p.plan_id == plan_id)
            .cloned()
            .ok_or_else(|| SelectError::UnknownPlan(plan_id.to_owned()))?;
        Ok(Selection {
            request,
            answer,
            plan,
        })
    }

    /// Checks `return_url` (when given) against the allowlist. Done before
    /// anything is stored, so a refused URL leaves no trace.
    pub fn check_return_url(
        &self,
        return_url: Option<&str>,
    ) -> Result<Option<String>, RedirectRefused> {
        return_url
            .map(|u| self.allowlist.check(u).map(|s| s.into_string()))
            .transpose()
    }

    /// The checkout links of an online plan: each mall's checkout URL (with the
    /// shopper's `return_url`, if any, as a query parameter), every one checked
    /// against the allowlist and handed out normalised.
    pub fn checkout_links(
        &self,
        plan: &PlanView,
        return_url: Option<&str>,
    ) -> Result<Vec<CheckoutLink>, RedirectRefused> {
        let mut links = Vec::new();
        for stop in &plan.stops {
            let Some(checkout) = &stop.store.checkout_url else {
                continue;
            };
            let base = self.allowlist.check(checkout)?;
            let full = match return_url {
                Some(r) => {
                    let mut u = url::Url::parse(base.as_str())
                        .map_err(|_| RedirectRefused("the checkout URL is not valid"))?;
                    u.query_pairs_mut().append_pair("return_url", r);
                    self.allowlist.check(u.as_str())?.into_string()
                }
                None => base.into_string(),
            };
            links.push(CheckoutLink {
                store_id: stop.store.id.clone(),
                redirect_url: full,
            });
        }
        Ok(links)
    }
}

fn excluded(store: &Store, excluded_chains: &[String]) -> bool {
    in_chains(store, excluded_chains)
}

fn in_chains(store: &Store, chains: &[String]) -> bool {
    chains
        .iter()
        .any(|c| c.trim().eq_ignore_ascii_case(store.chain()))
}

fn engine_point(p: GeoPoint) -> Result<plan::GeoPoint, PlanningError> {
    plan::GeoPoint::new(p.lat(), p.lng())
        .map_err(|e| PlanningError::Invalid(vec![InvalidValue::new("location", e.to_string())]))
}

/// store id → product id → price row.
fn price_table(offers: &[Offer]) -> HashMap<String, HashMap<plan::ProductKey, plan::UnitPrice>> {
    let mut table: HashMap<String, HashMap<plan::ProductKey, plan::UnitPrice>> = HashMap::new();
    // Rows are sized for every product (offers come by product) so that
    // they never rehash while they fill.
    let products = 1 + offers
        .windows(2)
        .filter(|w| w[0].product_id != w[1].product_id)
        .count();
    for o in offers {
        // Outliers are flagged by the catalog and kept out of plans.
        if o.flagged_outlier {
            continue;
        }
        let price = plan::UnitPrice {
            price_krw: o.price.krw(),
            in_stock: o.in_stock,
        };
        let product = plan::ProductKey::from(o.product_id.as_str());
        // No key allocation for a store already in the table.
        if let Some(row) = table.get_mut(o.store_id.as_str()) {
            row.insert(product, price);
        } else {
            let mut row = HashMap::with_capacity(products);
            row.insert(product, price);
            table.insert(o.store_id.as_str().to_owned(), row);
        }
    }
    table
}

fn missing_view(m: &plan::Missing, line_names: &HashMap<&str, &str>) -> MissingView {
    let reason = serde_json::to_value(m.reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "not_sold".into());
    MissingView {
        basket_item_id: m.line_id.0.clone(),
        name: line_names
            .get(m.line_id.0.as_str())
            .copied()
            .unwrap_or_default()
            .to_owned(),
        quantity: m.quantity,
        reason,
    }
}

fn store_view(id: &str, stores: &HashMap<String, Store>, fallback_name: &str) -> StoreView {
    match stores.get(id) {
        Some(s) => StoreView {
            id: id.to_owned(),
            name: s.name().to_owned(),
            chain: s.chain().to_owned(),
            kind: s.kind().as_str().to_owned(),
            location: s.location().map(|p| LatLng {
                lat: p.lat(),
                lng: p.lng(),
            }),
            address: s.address().map(str::to_owned),
            checkout_url: s.mall().map(|m| m.checkout_url().to_owned()),
        },
        None => StoreView {
            id: id.to_owned(),
            name: fallback_name.to_owned(),
            chain: String::new(),
            kind: String::new(),
            location: None,
            address: None,
            checkout_url: None,
        },
    }
}

fn plan_view(
    index: usize,
    p: &plan::Plan,
    stores: &HashMap<String, Store>,
    products: &HashMap<&str, &Product>,
    line_names: &HashMap<&str, &str>,
    unknown: &[MissingView],
) -> PlanView {
    let mut labels = vec![p.label.as_str().to_owned()];
    labels.extend(p.other_labels.iter().map(|l| l.as_str().to_owned()));
    let stops = p
        .stops
        .iter()
        .map(|s| StopView {
            store: store_view(&s.store_id.0, stores, &s.store_name),
            items: s
                .items
                .iter()
                .map(|a| ItemView {
                    basket_item_id: a.line_id.0.clone(),
                    product: ProductView {
                        id: a.product.0.clone(),
                        name: products
                            .get(a.product.0.as_str())
                            .map_or_else(|| a.product.0.clone(), |p| p.name().to_owned()),
                    },
                    quantity: a.quantity,
                    unit_price_krw: a.unit_price_krw,
                    subtotal_krw: a.subtotal_krw,
                })
                .collect(),
            subtotal_krw: s.subtotal_krw,
            delivery_krw: s.delivery_krw,
            leg_distance_m: s.leg_distance_m,
            minutes: 0,
        })
        .collect();
    let mut missing_items: Vec<MissingView> = unknown.to_vec();
    missing_items.extend(p.missing.iter().map(|m| missing_view(m, line_names)));
    PlanView {
        plan_id: format!("p{}", index + 1),
        label: p.label.as_str().to_owned(),
        labels,
        total_krw: p.total_krw,
        goods_krw: p.goods_krw,
        travel_krw: p.travel_krw,
        delivery_krw: p.delivery_krw,
        distance_m: p.distance_m,
        travel_minutes: 0,
        stops,
        missing_items,
        reasons: None,
    }
}

/// What the reasons of every offline plan are worked out from.
struct ReasonBasis {
    frontier: Vec<plan::FrontierPoint>,
    single_store: Option<plan::Plan>,
}

/// Estimated minutes for `distance_m` at the travel mode's door-to-door
/// speed, rounded up.
fn minutes(distance_m: i64, mode: TravelMode) -> i64 {
    let per_hour = i64::from(mode.speed_km_per_h()).max(1) * 1000;
    (distance_m.max(0) * 60 + per_hour - 1) / per_hour
}

/// Minutes per leg and for the whole route (the way home included).
fn add_minutes(view: &mut PlanView, mode: TravelMode) {
    for stop in &mut view.stops {
        stop.minutes = u32::try_from(minutes(stop.leg_distance_m, mode)).unwrap_or(u32::MAX);
    }
    view.travel_minutes = u32::try_from(minutes(view.distance_m, mode)).unwrap_or(u32::MAX);
}

fn reasons(view: &PlanView, basis: &ReasonBasis, mode: TravelMode) -> ReasonsView {
    let vs_single_store = basis.single_store.as_ref().and_then(|single| {
        let stop = single.stops.first()?;
        Some(VsSingleStoreView {
            store_id: stop.store_id.0.clone(),
            store_name: stop.store_name.clone(),
            total_krw: single.total_krw,
            saved_krw: single.total_krw - view.total_krw,
            extra_distance_m: view.distance_m - single.distance_m,
            extra_minutes: i64::from(view.travel_minutes) - minutes(single.distance_m, mode),
            missing_items: single.missing.len(),
        })
    });
    let frontier = basis
        .frontier
        .iter()
        .map(|f| FrontierView {
            stops: f.stops,
            total_krw: f.total_krw,
            missing_items: f.missing,
            distance_m: f.distance_m,
        })
        .collect();
    ReasonsView {
        vs_single_store,
        frontier,
    }
}
