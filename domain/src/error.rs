use thiserror::Error;

/// A failure of a storage port. Messages are for operators' logs and must not
/// carry secrets or personal data.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RepoError {
    /// The store could not be reached or the query failed.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// A uniqueness or integrity rule of the store was violated.
    #[error("storage conflict: {0}")]
    Conflict(String),
    /// A row could not be turned back into a valid domain value.
    #[error("corrupt row: {0}")]
    Corrupt(String),
}
