//! What planning needs from the shopper's own data: the stored basket,
//! preferences and location (the defaults of a plan request), and the order a
//! selected plan becomes.

use std::sync::Arc;

use async_trait::async_trait;
use thiserror::Error;

use super::service::{PlanLine, PlanSettings, Selection};
use super::PlanMode;
use crate::basket::BasketService;
use crate::catalog::GeoPoint;
use crate::mall::Region;
use crate::order::{
    LineInput, Order, OrderError, OrderService, OrderSource, OrderStatus, PlanOrderInput,
};
use crate::preferences::PreferencesService;
use crate::profile::{ProfileError, ProfileService};
use crate::user::{InvalidValue, UserId};
use crate::RepoError;

/// The defaults of a plan request from the shopper's stored data.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDefaults {
    pub lines: Vec<PlanLine>,
    pub settings: PlanSettings,
}

#[derive(Debug, Error)]
pub enum RecordError {
    /// Another plan of the same request was selected before.
    #[error("a different plan of this request was already selected")]
    OtherPlanSelected,
    #[error("the plan cannot become an order: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<InvalidValue>),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PlanContext: Send + Sync {
    /// The stored settings, and the stored basket's lines when `with_basket`
    /// (a request that brings its own basket does not pay for reading it).
    async fn defaults(&self, user: UserId, with_basket: bool) -> Result<PlanDefaults, RepoError>;
    /// Records the selected plan as an order, idempotently: selecting the same
    /// plan of a request again returns the order made the first time.
    async fn record_order(&self, user: UserId, selection: &Selection)
        -> Result<Order, RecordError>;
}

/// The shopper's stored basket, preferences, location and orders.
pub struct StoredPlanContext {
    baskets: Arc<BasketService>,
    preferences: Arc<PreferencesService>,
    profiles: Arc<ProfileService>,
    orders: Arc<OrderService>,
}

impl StoredPlanContext {
    pub fn new(
        baskets: Arc<BasketService>,
        preferences: Arc<PreferencesService>,
        profiles: Arc<ProfileService>,
        orders: Arc<OrderService>,
    ) -> Self {
        Self {
            baskets,
            preferences,
            profiles,
            orders,
        }
    }
}

#[async_trait]
impl PlanContext for StoredPlanContext {
    async fn defaults(&self, user: UserId, with_basket: bool) -> Result<PlanDefaults, RepoError> {
        let lines = if with_basket {
            self.baskets
                .get(user)
                .await?
                .items()
                .iter()
                .map(|i| PlanLine {
                    id: i.id.0.to_string(),
                    product_id: i.product_id.as_ref().map(|p| p.as_str().to_owned()),
                    name: i.name.as_str().to_owned(),
                    quantity: u32::try_from(i.quantity.get()).unwrap_or(1),
                })
                .collect()
        } else {
            Vec::new()
        };
        let prefs = self.preferences.get(user).await?.preferences;
        let (location, region) = match self.profiles.get(user).await {
            Ok(p) => (
                p.planning_location(),
                Region::of_address(p.address.as_ref().map(|a| a.as_str())),
            ),
            Err(ProfileError::Repo(e)) => return Err(e),
            Err(_) => (crate::profile::Location::DEFAULT, Region::Mainland),
        };
        let origin = GeoPoint::new(location.lat(), location.lng())
            .map_err(|e| RepoError::Corrupt(format!("stored location: {e}")))?;
        // The longest route the shopper's travel budget allows.
        let max_route_m = i64::from(prefs.travel_mode.speed_km_per_h())
            * 1000
            * i64::from(prefs.max_travel_minutes)
            / 60;
        Ok(PlanDefaults {
            lines,
            settings: PlanSettings {
                origin,
                max_stores: prefs.max_stores,
                max_distance_m: i64::from(prefs.max_distance_m),
                max_route_m: Some(max_route_m),
                departure_at: None,
                travel_cost_krw_per_km: i64::from(prefs.travel_cost_krw_per_km),
                excluded_chains: prefs
                    .excluded_chains
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect(),
                preferred_chains: prefs
                    .preferred_chains
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect(),
                travel_mode: prefs.travel_mode,
                value_of_time_krw_per_hour: i64::from(prefs.value_of_time_krw_per_hour),
                minutes_per_stop: i64::from(prefs.minutes_per_stop),
                region,
            },
        })
    }

    async fn record_order(
        &self,
        user: UserId,
        selection: &Selection,
    ) -> Result<Order, RecordError> {
        let plan = &selection.plan;
        let mode = selection.request.mode;
        let lines = plan
            .stops
            .iter()
            .flat_map(|s| {
                s.items.iter().map(move |i| LineInput {
                    name: i.product.name.clone(),
                    product_id: Some(i.product.id.clone()),
                    store_id: Some(s.store.id.clone()),
                    store_name: Some(s.store.name.clone()),
                    quantity: i64::from(i.quantity),
                    unit_price_krw: i.unit_price_krw,
                })
            })
            .collect();
        let (source, status) = match mode {
            PlanMode::Offline => (OrderSource::OfflinePlan, OrderStatus::Placed),
            PlanMode::Online => (OrderSource::OnlinePlan, OrderStatus::CheckoutPending),
        };
        let input = PlanOrderInput {
            source,
            plan_request_id: selection.request.id.to_string(),
            plan_id: plan.plan_id.clone(),
            status,
            lines,
            fees_krw: plan.travel_krw + plan.delivery_krw + plan.surcharge_krw,
        };
        let (order, _created) =
            self.orders
                .place_from_plan(user, input)
                .await
                .map_err(|e| match e {
                    OrderError::Invalid(v) => RecordError::Invalid(v),
                    OrderError::Repo(r) => RecordError::Repo(r),
                })?;
        if order.plan_id.as_ref().map(|p| p.as_str()) != Some(plan.plan_id.as_str()) {
            return Err(RecordError::OtherPlanSelected);
        }
        Ok(order)
    }
}
