//! The in-app inbox store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

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
    /// Marks the user's unread notifications with these ids read at `now`;
    /// ids of other users' or of already read notifications change nothing.
    /// Returns how many were marked.
    async fn mark_read(
        &self,
        user: UserId,
        ids: &[Uuid],
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError>;
    /// Marks every unread notification of the user read at `now`.
    async fn mark_all_read(&self, user: UserId, now: DateTime<Utc>) -> Result<u64, RepoError>;
    /// How many of the user's notifications are unread.
    async fn unread_count(&self, user: UserId) -> Result<u64, RepoError>;
}
