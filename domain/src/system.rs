//! Ports every feature shares: the time, randomness and the store's health.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::RepoError;

/// The time, injectable so tests can move it.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// Identifiers and secrets. Production uses the OS's CSPRNG.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait RandomSource: Send + Sync {
    fn uuid(&self) -> Uuid;
    fn secret_bytes(&self) -> [u8; 32];
}

/// What `/readyz` asks of the store: it answers and its migrations are applied.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait StoreHealth: Send + Sync {
    /// `Ok` when a trivial query succeeds and no embedded migration is pending.
    async fn check(&self) -> Result<(), RepoError>;
    /// A short name for logs and metrics: "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    /// The connection pool's figures for metrics; `None` when there is no pool.
    fn pool_state(&self) -> Option<PoolState> {
        None
    }
}

/// A snapshot of a store's connection pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    /// Open connections (in use + idle).
    pub connections: u32,
    /// Open connections waiting for work.
    pub idle: u32,
    /// The most connections the pool will open.
    pub max: u32,
}
