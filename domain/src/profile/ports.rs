//! The profile store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::RepoError;
use crate::profile::Profile;
use crate::user::UserId;

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ProfileRepository: Send + Sync {
    /// The profile (display name from the account); `None` for an unknown user.
    async fn get(&self, user: UserId) -> Result<Option<Profile>, RepoError>;
    /// Atomically: sets the account's display name and inserts or replaces the
    /// profile, `updated_at = now`. `false` (and nothing written) for an unknown user.
    async fn save(
        &self,
        user: UserId,
        profile: &Profile,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
}
