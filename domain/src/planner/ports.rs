//! What plan generation stores: its answers, one per generate call. (The
//! price sources it reads are in [`super::prices`] and [`super::context`].)

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::RepoError;
use crate::user::UserId;

/// Stored plan requests (the answers of plan generation), one per generate call.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PlanRequestRepository: Send + Sync {
    async fn save(&self, request: &crate::planner::StoredPlanRequest) -> Result<(), RepoError>;
    /// The request if it exists *and belongs to `user`*; another user's id is `None`.
    async fn find(
        &self,
        user: UserId,
        id: Uuid,
    ) -> Result<Option<crate::planner::StoredPlanRequest>, RepoError>;
    /// Deletes requests that expired before `before` and that no order,
    /// reservation run or notification names; returns how many.
    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError>;
}
