//! The candidates of a plan request: the offline stores in reach with their
//! catalog prices, or the online malls with the prices their sources answered
//! under the gateway's deadline; and what the engine made of them.

use std::collections::{BTreeMap, HashMap};

use super::prices::SourceStatus;
use super::render::ReasonBasis;
use super::service::{PlanLine, PlanService, PlanSettings, PlanningError, MAX_STORES_IN_REACH};
use super::substitutes::{kind_words, same_kind, substitutes};
use super::view::{OptimalityView, PlanView, SourceView};
use crate::catalog::search::ProductQuery;
use crate::catalog::{GeoPoint, Offer, Product, ProductId, Store, StoreId};
use crate::plan::{self, PlanError};
use crate::user::InvalidValue;

/// What one mode's planning produced: the engine's plans (or why none), the
/// stores by id, each price source's report, the optimality and, offline,
/// what the reasons are worked out from.
pub(super) type Gathered = (
    Result<Vec<plan::Plan>, PlanError>,
    HashMap<String, Store>,
    Vec<SourceView>,
    OptimalityView,
    Option<ReasonBasis>,
);

impl PlanService {
    pub(super) async fn offline(
        &self,
        lines: &[plan::BasketLine],
        products: &[ProductId],
        settings: &PlanSettings,
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
