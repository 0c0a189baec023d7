//! The candidates of a plan request: the offline stores in reach with their
//! catalog prices, or the online malls with the prices their sources answered
//! under the gateway's deadline; and what the engine made of them.

use std::collections::{BTreeMap, HashMap};

use super::prices::{ProductLink, SourceStatus};
use super::render::ReasonBasis;
use super::routing::{self, RoutingError};
use super::service::{PlanLine, PlanService, PlanSettings, PlanningError, MAX_STORES_IN_REACH};
use super::substitutes::{kind_words, same_kind, substitutes};
use super::view::{OptimalityView, PlanView, RoutingView, SkippedStoreView, SourceView};
use crate::catalog::search::ProductQuery;
use crate::catalog::{GeoPoint, Offer, Product, ProductId, Store, StoreId};
use crate::mall::{DeliveryTerms, Region};
use crate::plan::{self, PlanError};
use crate::user::InvalidValue;
use chrono::{DateTime, Utc};

/// What one mode's planning produced: the engine's plans (or why none), the
/// stores by id, each price source's report, the optimality, offline what
/// the reasons are worked out from and the trip's routing and skipped
/// stores, online the malls' details, and the offers priced from (ordered
/// by product then store: each line's provenance is looked up in them).
pub(super) type Gathered = (
    Result<Vec<plan::Plan>, PlanError>,
    HashMap<String, Store>,
    Vec<SourceView>,
    OptimalityView,
    Option<ReasonBasis>,
    Option<Trip>,
    Option<OnlineDetails>,
    Vec<Offer>,
);

/// Offline: where the legs came from and which stores were closed.
pub(super) struct Trip {
    pub(super) routing: RoutingView,
    pub(super) skipped: Vec<SkippedStoreView>,
    pub(super) skipped_total: usize,
}

/// Most skipped stores listed in an answer.
const MAX_SKIPPED_LISTED: usize = 10;

/// Online: each mall's delivery terms as priced, the listings behind the
/// offers and the shopper's region.
#[derive(Debug, Default)]
pub(super) struct OnlineDetails {
    /// By mall id.
    pub(super) terms: HashMap<String, DeliveryTerms>,
    /// By (mall id, product id).
    pub(super) links: HashMap<(String, String), ProductLink>,
    pub(super) region: Region,
}

impl PlanService {
    pub(super) async fn offline(
        &self,
        lines: &[plan::BasketLine],
        products: &[ProductId],
        settings: &PlanSettings,
        departure: DateTime<Utc>,
    ) -> Result<Gathered, PlanningError> {
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
        let mut offers = if store_ids.is_empty() || products.is_empty() {
            Vec::new()
        } else {
            self.catalog.offers_for(products, &store_ids).await?
        };
        // The port orders by product then store; a database's collation may
        // not be byte order, and the lines' look-up needs byte order (a
        // sorted run costs one pass).
        sort_offers(&mut offers);
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
                visiting: Some(s.visiting()),
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
        input.travel = routing::estimate(settings.travel_mode);
        input.departure = Some(departure);
        let (outcome, routing_view) = if lines.is_empty() {
            (Err(PlanError::EmptyBasket), estimate_view(settings, None))
        } else {
            self.route_and_plan(input, settings).await
        };
        let stores_by_id: HashMap<&str, &Store> =
            stores.iter().map(|s| (s.id().as_str(), s)).collect();
        let trip = {
            let skipped_all = outcome
                .as_ref()
                .map(|o| o.skipped.as_slice())
                .unwrap_or(&[]);
            let mut listed: Vec<&plan::SkippedStore> = skipped_all.iter().collect();
            // Nearest first: the earliest arrival.
            listed.sort_by_key(|s| (s.arrive_at, s.store_id.clone()));
            let skipped = listed
                .into_iter()
                .take(MAX_SKIPPED_LISTED)
                .filter_map(|k| {
                    let s = stores_by_id.get(k.store_id.0.as_str())?;
                    Some(SkippedStoreView {
                        store: super::render::store_view_of(s),
                        reason: k.reason.as_str().to_owned(),
                        arrive_at: k.arrive_at,
                        opening_hours: s.hours().map(|h| h.to_string()),
                        closing_days: Some(s.visiting().closing.to_string()),
                    })
                })
                .collect();
            Trip {
                routing: routing_view,
                skipped,
                skipped_total: skipped_all.len(),
            }
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
        Ok((
            result,
            by_id,
            sources,
            optimality,
            basis,
            Some(trip),
            None,
            offers,
        ))
    }

    /// The engine over the legs of the routing service when one is
    /// configured and answers (see [`super::routing`] for which stores are
    /// routed), else over the estimate.
    async fn route_and_plan(
        &self,
        mut input: plan::OfflineInput,
        settings: &PlanSettings,
    ) -> (Result<plan::OfflineOutcome, PlanError>, RoutingView) {
        let Some(router) = self.routing.clone() else {
            return (
                plan::plan_offline_outcome(&input),
                estimate_view(settings, None),
            );
        };
        // The stores worth routing: within the radius, selling a line.
        let origin = input.origin;
        let radius = input.max_distance_m;
        let mut useful: Vec<(i64, &plan::StoreCandidate)> = input
            .stores
            .iter()
            .map(|s| (origin.distance_m(s.location), s))
            .filter(|(d, _)| radius.is_none_or(|r| *d <= r))
            .filter(|(_, s)| {
                input
                    .lines
                    .iter()
                    .any(|l| s.prices.get(&l.product).is_some_and(|p| p.in_stock))
            })
            .collect();
        useful.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        let cap = router
            .max_points()
            .min(plan::travel::MAX_TABLE_POINTS)
            .saturating_sub(1);
        if useful.is_empty() || cap == 0 {
            return (
                plan::plan_offline_outcome(&input),
                estimate_view(settings, None),
            );
        }
        let complete = useful.len() <= cap;
        let routed: Vec<plan::StoreId> = if complete {
            useful.iter().map(|(_, s)| s.id.clone()).collect()
        } else {
            // Too many for one table: the estimate's plans first, then the
            // nearest others.
            let first = match plan::plan_offline_outcome(&input) {
                Ok(o) => o,
                Err(e) => return (Err(e), estimate_view(settings, None)),
            };
            let mut routed: Vec<plan::StoreId> = Vec::with_capacity(cap);
            let chosen = first
                .plans
                .iter()
                .chain(first.single_store.iter())
                .flat_map(|p| p.stops.iter().map(|s| s.store_id.clone()));
            for id in chosen.chain(useful.iter().map(|(_, s)| s.id.clone())) {
                if routed.len() >= cap {
                    break;
                }
                if !routed.contains(&id) {
                    routed.push(id);
                }
            }
            routed
        };
        let by_id: HashMap<&plan::StoreId, &plan::StoreCandidate> =
            input.stores.iter().map(|s| (&s.id, s)).collect();
        let mut points = Vec::with_capacity(routed.len() + 1);
        points.push(settings.origin);
        for id in &routed {
            if let Some(s) = by_id.get(id) {
                if let Ok(p) = GeoPoint::new(s.location.lat(), s.location.lng()) {
                    points.push(p);
                }
            }
        }
        let n = routed.len();
        let table = match router.table(settings.travel_mode, &points).await {
            Ok(t) => plan::RouteTable::from_directed(routed, &t.metres, &t.seconds)
                .map_err(|e| RoutingError::Malformed(e.to_string())),
            Err(e) => Err(e),
        };
        match table {
            Ok(table) => {
                input.travel.table = Some(std::sync::Arc::new(table));
                let view = RoutingView {
                    source: router.name().to_owned(),
                    fallback_reason: None,
                    detour_factor: None,
                    routed_stores: n,
                    complete,
                };
                (plan::plan_offline_outcome(&input), view)
            }
            Err(e) => {
                // The fallback is visible in `meta.routing.fallback_reason`;
                // the adapter logs the cause.
                (
                    plan::plan_offline_outcome(&input),
                    estimate_view(settings, Some(e.kind())),
                )
            }
        }
    }

    pub(super) async fn online(
        &self,
        lines: &[plan::BasketLine],
        products: &[ProductId],
        settings: &PlanSettings,
    ) -> Result<Gathered, PlanningError> {
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
        let mut offers: Vec<Offer> = reports
            .iter()
            .flat_map(|r| r.offers.iter().cloned())
            .collect();
        sort_offers(&mut offers);
        let mut prices = price_table(&offers);
        let answered: std::collections::HashSet<&str> = reports
            .iter()
            .filter(|r| r.status == SourceStatus::Ok)
            .map(|r| r.source_id.as_str())
            .collect();
        // The operator's terms (read per request, so an edit applies at once);
        // a mall without them keeps its catalog row's.
        let mut configured: HashMap<String, DeliveryTerms> = self
            .malls
            .list_terms()
            .await?
            .into_iter()
            .map(|t| (t.mall_id.as_str().to_owned(), t))
            .collect();
        let mut details = OnlineDetails {
            region: settings.region,
            ..OnlineDetails::default()
        };
        for r in &reports {
            for link in &r.links {
                details.links.insert(
                    (r.source_id.clone(), link.product_id.as_str().to_owned()),
                    link.clone(),
                );
            }
        }
        let mut candidates: Vec<plan::MallCandidate> = Vec::new();
        for m in malls.iter().filter(|m| answered.contains(m.id().as_str())) {
            let id = m.id().as_str();
            let Some(terms) = configured.remove(id).or_else(|| {
                m.mall()
                    .map(|t| DeliveryTerms::from_catalog(m.id().clone(), t))
            }) else {
                continue;
            };
            candidates.push(plan::MallCandidate {
                id: id.into(),
                name: m.name().to_owned(),
                prices: prices.remove(id).unwrap_or_default(),
                delivery_fee_krw: terms.delivery_fee_krw,
                free_delivery_threshold_krw: terms.free_delivery_threshold_krw,
                min_order_krw: Some(terms.min_order_krw).filter(|m| *m > 0),
                surcharge_krw: terms.surcharge_krw(settings.region),
            });
            details.terms.insert(id.to_owned(), terms);
        }
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
        Ok((
            result,
            by_id,
            sources,
            optimality,
            None,
            None,
            Some(details),
            offers,
        ))
    }
}

fn estimate_view(settings: &PlanSettings, fallback: Option<&str>) -> RoutingView {
    #[allow(clippy::cast_precision_loss)]
    let factor = routing::detour_permille(settings.travel_mode) as f64 / 1000.0;
    RoutingView {
        source: "estimate".into(),
        fallback_reason: fallback.map(str::to_owned),
        detour_factor: Some(factor),
        routed_stores: 0,
        complete: false,
    }
}

fn sort_offers(offers: &mut [Offer]) {
    offers.sort_by(|a, b| {
        (a.product_id.as_str(), a.store_id.as_str())
            .cmp(&(b.product_id.as_str(), b.store_id.as_str()))
    });
}

impl PlanService {
    /// Fills `substitutes` on each plan's unfilled lines (see
    /// [`super::substitutes`]): the same-kind products a store of that plan
    /// sells, from the catalog. Lines of unknown products get none.
    pub(super) async fn add_substitutes(
        &self,
        views: &mut [PlanView],
        lines: &[PlanLine],
        resolved: &BTreeMap<String, Product>,
        stores: &HashMap<String, Store>,
    ) -> Result<(), PlanningError> {
        // Candidates per wanted product, found once for every plan.
        let mut kin: HashMap<ProductId, Vec<Product>> = HashMap::new();
        for view in views.iter_mut() {
            let store_ids: Vec<StoreId> = view
                .stops
                .iter()
                .filter_map(|s| StoreId::parse(&s.store.id).ok())
                .collect();
            let wanted: Vec<(usize, &Product)> = view
                .missing_items
                .iter()
                .enumerate()
                .filter(|(_, m)| m.reason != "unknown_product")
                .filter_map(|(i, m)| {
                    lines
                        .iter()
                        .any(|l| l.id == m.basket_item_id)
                        .then(|| resolved.get(&m.basket_item_id))
                        .flatten()
                        .map(|p| (i, p))
                })
                .collect();
            if wanted.is_empty() || store_ids.is_empty() {
                continue;
            }
            let mut ids: Vec<ProductId> = Vec::new();
            for (_, p) in &wanted {
                if !kin.contains_key(p.id()) {
                    let found = self.same_kind_products(p).await?;
                    kin.insert(p.id().clone(), found);
                }
                ids.extend(kin[p.id()].iter().map(|c| c.id().clone()));
            }
            ids.sort();
            ids.dedup();
            if ids.is_empty() {
                continue;
            }
            let offers = self.catalog.offers_for(&ids, &store_ids).await?;
            for (i, p) in wanted {
                view.missing_items[i].substitutes = substitutes(p, &kin[p.id()], &offers, stores);
            }
        }
        Ok(())
    }

    /// Catalog products of the same kind as `p`: a search for each of its
    /// kind words, filtered by [`same_kind`].
    async fn same_kind_products(&self, p: &Product) -> Result<Vec<Product>, PlanningError> {
        let mut found: Vec<Product> = Vec::new();
        let mut words: Vec<String> = kind_words(p).into_iter().collect();
        words.sort();
        for w in words.iter().take(4) {
            let Ok(q) = ProductQuery::parse(w) else {
                continue;
            };
            found.extend(
                self.catalog
                    .search_products(&q, 0, 30)
                    .await?
                    .into_iter()
                    .filter(|c| same_kind(p, c)),
            );
        }
        found.sort_by(|a, b| a.id().cmp(b.id()));
        found.dedup_by(|a, b| a.id() == b.id());
        Ok(found)
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
