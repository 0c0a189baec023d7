//! The preferences store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::RepoError;
use crate::preferences::{Preferences, StoredPreferences};
use crate::user::UserId;

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PreferencesRepository: Send + Sync {
    /// `None` when the user never saved preferences.
    async fn get(&self, user: UserId) -> Result<Option<StoredPreferences>, RepoError>;
    /// Inserts or replaces the user's preferences.
    async fn put(
        &self,
        user: UserId,
        preferences: &Preferences,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError>;
}
