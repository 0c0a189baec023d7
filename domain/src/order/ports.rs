//! The order store.

use async_trait::async_trait;

use crate::error::RepoError;
use crate::order::{Order, OrderCursor, OrderId};
use crate::user::UserId;

/// What [`OrderRepository::create`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedOrder {
    pub order: Order,
    /// `false` when an order with the same (user, plan request) existed: that
    /// one is returned and nothing was written.
    pub created: bool,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OrderRepository: Send + Sync {
    /// Atomically stores the order with its lines. Idempotent per
    /// `(user_id, plan_request_id)` when the order names a plan request: of
    /// any number of (concurrent) creates with one key exactly one inserts,
    /// the others get the stored order back.
    async fn create(&self, order: &Order) -> Result<CreatedOrder, RepoError>;
    /// The user's order with that id; another user's order is `None`.
    async fn find(&self, user: UserId, id: OrderId) -> Result<Option<Order>, RepoError>;
    /// Atomically sets the `checked` state of the named lines (by index) of
    /// the user's order and returns the order as it is afterwards; another
    /// user's order is `None` and nothing changes. Indexes past the order's
    /// lines are ignored (the caller checks them).
    async fn set_checked(
        &self,
        user: UserId,
        id: OrderId,
        checks: &[crate::order::LineCheck],
    ) -> Result<Option<Order>, RepoError>;
    /// Up to `limit` of the user's orders, newest first (`created_at` desc,
    /// then id desc), strictly after `after` when given.
    async fn list(
        &self,
        user: UserId,
        after: Option<OrderCursor>,
        limit: u32,
    ) -> Result<Vec<Order>, RepoError>;
}
