//! The shopper's stored data as planning needs it.

use async_trait::async_trait;
use ttokjang_domain::catalog::GeoPoint;
use ttokjang_domain::planner::context::{PlanContext, PlanDefaults, RecordedOrder};
use ttokjang_domain::planner::service::{PlanSettings, Selection};
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;

/// Until baskets and orders are stored: an empty basket, default settings and
/// no orders.
pub struct NoShopperData;

pub fn default_settings() -> Result<PlanSettings, RepoError> {
    Ok(PlanSettings {
        origin: GeoPoint::new(37.4985, 127.0292).map_err(|e| RepoError::Corrupt(e.to_string()))?,
        max_stores: 3,
        max_distance_m: 3000,
        travel_cost_krw_per_km: 500,
        excluded_chains: Vec::new(),
    })
}

#[async_trait]
impl PlanContext for NoShopperData {
    async fn defaults(&self, _user: UserId) -> Result<PlanDefaults, RepoError> {
        Ok(PlanDefaults {
            lines: Vec::new(),
            settings: default_settings()?,
        })
    }

    async fn record_order(
        &self,
        _user: UserId,
        _selection: &Selection,
    ) -> Result<RecordedOrder, RepoError> {
        Err(RepoError::Unavailable("orders are not stored yet".into()))
    }
}
