//! Ports: everything the domain needs from the outside world.
//!
//! Storage ports are coarse and use-case shaped; each method that must be atomic
//! says so, and the adapter owns the transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;
use uuid::Uuid;

use crate::catalog::search::ProductQuery;
use crate::catalog::{
    CatalogBatch, CatalogCounts, GeoPoint, NearbyStore, Offer, Product, ProductId, Store, StoreId,
};
use crate::error::RepoError;
use crate::session::{RefreshTokenHash, RevokeReason, Session, SessionId};
use crate::user::{EmailAddress, Invite, InviteCode, Password, PasswordHash, User, UserId};

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

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("password hashing failed: {0}")]
pub struct HashError(pub String);

/// Slow, salted password hashing (argon2id in production).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError>;
    async fn verify(&self, password: &Password, hash: &PasswordHash) -> Result<bool, HashError>;
    /// Spends the same work as `verify` against a hash of no account, so that an
    /// unknown e-mail takes as long as a wrong password.
    async fn verify_dummy(&self, password: &Password);
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CreateUserError {
    #[error("e-mail already registered")]
    EmailTaken,
    #[error("invite code unknown, used or expired")]
    InviteInvalid,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Atomically: spends `invite` (when given; it must exist, be unused and not
    /// expired at `now`) and inserts `user`. Either both happen or neither.
    async fn create(
        &self,
        user: &User,
        invite: Option<InviteCode>,
        now: DateTime<Utc>,
    ) -> Result<(), CreateUserError>;
    async fn find_by_email(&self, email: &EmailAddress) -> Result<Option<User>, RepoError>;
    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepoError>;
    async fn count(&self) -> Result<u64, RepoError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait InviteRepository: Send + Sync {
    /// Stores a new invite; `Conflict` if the code exists.
    async fn create(&self, invite: &Invite) -> Result<(), RepoError>;
    async fn find(&self, code: &InviteCode) -> Result<Option<Invite>, RepoError>;
}

/// A session found by one of its refresh tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshLookup {
    pub session: Session,
    /// True when this token was already rotated away: presenting it is reuse.
    pub spent: bool,
}

/// What an attempt to rotate a refresh token did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The presented token is now spent and `next` is the live one.
    Rotated(Session),
    /// Someone spent the presented token first (a concurrent refresh or a thief).
    AlreadySpent,
    /// No such token.
    Unknown,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SessionRepository: Send + Sync {
    /// Stores a new session with its first refresh token.
    async fn create(&self, session: &Session, refresh: &RefreshTokenHash) -> Result<(), RepoError>;
    async fn find(&self, id: SessionId) -> Result<Option<Session>, RepoError>;
    async fn find_by_refresh(
        &self,
        refresh: &RefreshTokenHash,
    ) -> Result<Option<RefreshLookup>, RepoError>;
    /// Atomically: marks `presented` spent *only if it is not spent yet* (a
    /// conditional update, so of concurrent callers exactly one wins), stores
    /// `next` as the session's live token and moves the idle expiry.
    async fn rotate(
        &self,
        presented: &RefreshTokenHash,
        next: &RefreshTokenHash,
        now: DateTime<Utc>,
        idle_expires_at: DateTime<Utc>,
    ) -> Result<Rotation, RepoError>;
    /// Ends the session (the whole refresh family). Revoking twice keeps the first reason.
    async fn revoke(
        &self,
        id: SessionId,
        now: DateTime<Utc>,
        reason: RevokeReason,
    ) -> Result<(), RepoError>;
    /// Deletes sessions that ended before `before`; returns how many.
    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError>;
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

/// Stored plan requests (the answers of plan generation), one per generate call.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PlanRequestRepository: Send + Sync {
    async fn save(&self, request: &crate::planner::StoredPlanRequest) -> Result<(), RepoError>;
    /// The request if it exists *and belongs to `user`*; another user's id is `None`.
    async fn find(
        &self,
        user: UserId,
        id: Uuid,
    ) -> Result<Option<crate::planner::StoredPlanRequest>, RepoError>;
    /// Deletes requests that expired before `before`; returns how many.
    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError>;
}

/// The catalog of products, stores, online malls and observed prices.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CatalogRepository: Send + Sync {
    /// Products matching `query`, ranked by [`crate::catalog::search::rank`];
    /// `offset` hits skipped, at most `limit` returned.
    async fn search_products(
        &self,
        query: &ProductQuery,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Product>, RepoError>;
    /// The products with these ids (unknown ids are left out), in id order.
    async fn get_products(&self, ids: &[ProductId]) -> Result<Vec<Product>, RepoError>;
    /// Offline stores within `radius_m` of `point`, nearest first (ties by id);
    /// `offset` skipped, at most `limit` returned.
    async fn list_stores_near(
        &self,
        point: GeoPoint,
        radius_m: f64,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<NearbyStore>, RepoError>;
    /// Every online mall, by id.
    async fn list_online_malls(&self) -> Result<Vec<Store>, RepoError>;
    /// The latest offer of each (store, product) pair among these products and
    /// stores, ordered by product then store.
    async fn offers_for(
        &self,
        product_ids: &[ProductId],
        store_ids: &[StoreId],
    ) -> Result<Vec<Offer>, RepoError>;
    /// Atomically and idempotently: upserts the batch's stores (by id),
    /// products (by id) and offers (by store, product, observed_at). Either the
    /// whole batch is written or nothing (`Conflict` when an offer names a
    /// store or product that exists neither in the batch nor in the store).
    async fn upsert_catalog(&self, batch: &CatalogBatch) -> Result<CatalogCounts, RepoError>;
    /// How many stores, products and offers are stored.
    async fn catalog_counts(&self) -> Result<CatalogCounts, RepoError>;
}
