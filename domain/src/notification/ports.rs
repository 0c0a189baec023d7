//! The in-app inbox store.

use async_trait::async_trait;

use crate::error::RepoError;
use crate::user::UserId;

/// The in-app inbox.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait NotificationRepository: Send + Sync {
    /// Stores `notification`; `false` (nothing stored) when one for the same
    /// run exists already.
    async fn add(
        &self,
        notification: &crate::notification::Notification,
    ) -> Result<bool, RepoError>;
    /// The user's notifications, newest first (by `created_at`, then id).
    async fn list(
        &self,
        user: UserId,
        page: &crate::page::PageRequest,
    ) -> Result<crate::page::Page<crate::notification::Notification>, RepoError>;
}
