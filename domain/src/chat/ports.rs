//! The chat history store.

use async_trait::async_trait;

use crate::error::RepoError;
use crate::user::UserId;

/// Per-user chat history.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ChatHistoryRepository: Send + Sync {
    /// Stores the messages (in order) and drops the user's oldest beyond
    /// `keep`, in one transaction.
    async fn append(
        &self,
        user: UserId,
        messages: &[crate::chat::history::ChatMessage],
        keep: usize,
    ) -> Result<(), RepoError>;
    /// The user's latest `limit` messages, oldest first.
    async fn recent(
        &self,
        user: UserId,
        limit: usize,
    ) -> Result<Vec<crate::chat::history::ChatMessage>, RepoError>;
    /// Deletes the user's history; returns how many messages went.
    async fn clear(&self, user: UserId) -> Result<u64, RepoError>;
}
