//! What planning needs from the shopper's own data: the stored basket and
//! preferences (the defaults of a plan request) and the order a selected plan
//! becomes.

use async_trait::async_trait;
use serde_json::Value;

use super::service::{PlanLine, PlanSettings, Selection};
use crate::user::UserId;
use crate::RepoError;

/// The defaults of a plan request from the shopper's stored data.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDefaults {
    pub lines: Vec<PlanLine>,
    pub settings: PlanSettings,
}

/// The order a selected plan became.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedOrder {
    pub id: String,
    /// The order as the orders API shows it.
    pub body: Value,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PlanContext: Send + Sync {
    async fn defaults(&self, user: UserId) -> Result<PlanDefaults, RepoError>;
    /// Records the selected plan as an order, idempotently: selecting the same
    /// plan request again returns the order made the first time.
    async fn record_order(
        &self,
        user: UserId,
        selection: &Selection,
    ) -> Result<RecordedOrder, RepoError>;
}
