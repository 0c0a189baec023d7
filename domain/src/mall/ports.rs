//! Where malls' delivery terms are kept.

use async_trait::async_trait;

use super::DeliveryTerms;
use crate::catalog::StoreId;
use crate::RepoError;

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait MallTermsRepository: Send + Sync {
    /// Every mall's configured terms, by mall id.
    async fn list_terms(&self) -> Result<Vec<DeliveryTerms>, RepoError>;
    /// Writes one mall's terms (insert or replace).
    async fn save_terms(&self, terms: &DeliveryTerms) -> Result<(), RepoError>;
    /// Inserts the terms of malls that have none yet and leaves the others
    /// (the operator's edits) alone; returns how many were inserted. Atomic.
    async fn seed_terms(&self, defaults: &[DeliveryTerms]) -> Result<usize, RepoError>;
    /// Removes one mall's terms; `false` when it had none.
    async fn delete_terms(&self, mall: &StoreId) -> Result<bool, RepoError>;
}
