//! The basket store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::basket::Basket;
use crate::error::RepoError;
use crate::user::UserId;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SaveBasketError {
    /// The stored version is not the one the write was based on; nothing written.
    #[error("the basket changed since the version given")]
    Stale,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait BasketRepository: Send + Sync {
    /// The stored basket, or `Basket::empty` (version 0) when none was stored.
    async fn get(&self, user: UserId) -> Result<Basket, RepoError>;
    /// Atomically stores `basket.items()` as the whole basket of
    /// `basket.user_id` and returns it with `version + 1` and `updated_at = now`.
    /// With `expected_version: Some(v)` it is a compare-and-set: the write
    /// happens only if the stored version is still `v` (0: nothing stored yet),
    /// else `Stale` and nothing changes. With `None` it writes unconditionally.
    async fn save(
        &self,
        basket: &Basket,
        expected_version: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Basket, SaveBasketError>;
}
