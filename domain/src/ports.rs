//! Ports: everything the domain needs from the outside world.
//!
//! Storage ports are coarse and use-case shaped; each method that must be atomic
//! says so, and the adapter owns the transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;
use uuid::Uuid;

use crate::basket::Basket;
use crate::catalog::search::ProductQuery;
use crate::catalog::{
    CatalogBatch, CatalogCounts, GeoPoint, NearbyStore, Offer, Product, ProductId, Store, StoreId,
};
use crate::error::RepoError;
use crate::order::{Order, OrderCursor, OrderId};
use crate::payment::idempotency::{Claim, IdempotencyKey, RequestHash, StoredResponse};
use crate::payment::{
    Completion, ConfirmOutcome, IntentId, PaymentIntent, PaymentMethod, PaymentMethodId,
};
use crate::preferences::{Preferences, StoredPreferences};
use crate::profile::Profile;
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
    /// The session with its user, in one look-up: every signed-in request
    /// asks this (the access check), so it is one statement, not two.
    async fn find_with_user(&self, id: SessionId) -> Result<Option<(Session, User)>, RepoError>;
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

// ---- The shopper's own data: basket, preferences, profile, orders ----

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SaveBasketError {
    /// The stored version is not the one the write was based on; nothing written.
    #[error("the basket changed since the version given")]
    Stale,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CreateReservationError {
    #[error("at most {max} live reservations per shopper")]
    LimitReached { max: u32 },
    /// An active or paused reservation of the owner is identical (title,
    /// mode, schedule, channel, items).
    #[error("an identical reservation exists")]
    Duplicate {
        existing: crate::reservation::ReservationId,
    },
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

/// What [`OrderRepository::create`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedOrder {
    pub order: Order,
    /// `false` when an order with the same (user, plan request) existed: that
    /// one is returned and nothing was written.
    pub created: bool,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OrderRepository: Send + Sync {
    /// Atomically stores the order with its lines. Idempotent per
    /// `(user_id, plan_request_id)` when the order names a plan request: of
    /// any number of (concurrent) creates with one key exactly one inserts,
    /// the others get the stored order back.
    async fn create(&self, order: &Order) -> Result<CreatedOrder, RepoError>;
    /// The user's order with that id; another user's order is `None`.
    async fn find(&self, user: UserId, id: OrderId) -> Result<Option<Order>, RepoError>;
    /// Atomically sets the `checked` state of the named lines (by index) of
    /// the user's order and returns the order as it is afterwards; another
    /// user's order is `None` and nothing changes. Indexes past the order's
    /// lines are ignored (the caller checks them).
    async fn set_checked(
        &self,
        user: UserId,
        id: OrderId,
        checks: &[crate::order::LineCheck],
    ) -> Result<Option<Order>, RepoError>;
    /// Up to `limit` of the user's orders, newest first (`created_at` desc,
    /// then id desc), strictly after `after` when given.
    async fn list(
        &self,
        user: UserId,
        after: Option<OrderCursor>,
        limit: u32,
    ) -> Result<Vec<Order>, RepoError>;
}

/// Reservations, per shopper. Every read and write names the owner: another
/// user's reservation is never found.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ReservationRepository: Send + Sync {
    /// Atomically: counts the owner's live (not completed, not cancelled)
    /// reservations and inserts `reservation` only if there are fewer than
    /// `max_live` and none of the owner's active or paused ones is identical
    /// (same title, mode, schedule, time zone, channel, webhook and items).
    async fn create(
        &self,
        reservation: &crate::reservation::Reservation,
        max_live: u32,
    ) -> Result<(), CreateReservationError>;
    async fn find(
        &self,
        user: UserId,
        id: crate::reservation::ReservationId,
    ) -> Result<Option<crate::reservation::Reservation>, RepoError>;
    /// Newest first (by `created_at`, then id).
    async fn list(
        &self,
        user: UserId,
        page: &crate::page::PageRequest,
    ) -> Result<crate::page::Page<crate::reservation::Reservation>, RepoError>;
    /// Writes what the shopper can change (title, mode, schedule, channel,
    /// status, next run, retry count, `updated_at`); the scheduler's result
    /// fields are left alone. `false` when the owner has no such reservation.
    async fn update(
        &self,
        reservation: &crate::reservation::Reservation,
    ) -> Result<bool, RepoError>;
    /// The reservation's runs, newest first (by `scheduled_for`, then id);
    /// empty for another user's reservation.
    async fn runs(
        &self,
        user: UserId,
        id: crate::reservation::ReservationId,
        page: &crate::page::PageRequest,
    ) -> Result<crate::page::Page<crate::reservation::ReservationRun>, RepoError>;
    /// Atomically: stores `run` (a queued "run now") unless the reservation
    /// already has a queued or running run; `false` then.
    async fn enqueue(&self, run: &crate::reservation::ReservationRun) -> Result<bool, RepoError>;
}

/// A run the caller now holds the lease of, with its reservation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedRun {
    pub run: crate::reservation::ReservationRun,
    pub reservation: crate::reservation::Reservation,
    /// Occurrences skipped by the catch-up policy when this run was claimed.
    pub missed: u32,
}

/// How a run ended, and what that does to its reservation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFinish {
    pub status: crate::reservation::RunStatus,
    pub summary: String,
    /// The plan request the run produced, if any.
    pub plan_request_id: Option<String>,
    pub finished_at: DateTime<Utc>,
    pub progress: crate::reservation::Progress,
}

/// What the scheduler needs of storage. Both methods are atomic, so that any
/// number of schedulers on one database run each occurrence exactly once.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait RunQueue: Send + Sync {
    /// Atomically takes up to `limit` runs and leases each to `lease_owner`
    /// until `now + lease_for`:
    /// 1. queued runs ("run now") and running runs whose lease expired before
    ///    `now` (a crashed worker) — the same row, never a second run;
    /// 2. active reservations with `next_run_at <= now`: one new run row per
    ///    reservation for the occurrence chosen by
    ///    [`crate::reservation::Reservation::due`] (older ones are stored as
    ///    `missed` runs), unique on `(reservation_id, scheduled_for)`; the
    ///    reservation's `next_run_at` is cleared until the run finishes.
    ///
    /// Rows another claimer holds are skipped, not waited for.
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        lease_owner: &str,
        lease_for: chrono::Duration,
    ) -> Result<Vec<ClaimedRun>, RepoError>;
    /// Atomically records the end of a run and applies `finish.progress` to its
    /// reservation — only if the run is still running under `lease_owner`.
    /// `false` (nothing written) otherwise. `progress.next` (status, next run,
    /// retry count) applies only if the reservation is still active with no
    /// next run set: a shopper's pause, cancel or reschedule during the run wins.
    async fn finish_run(
        &self,
        run_id: Uuid,
        lease_owner: &str,
        finish: &RunFinish,
    ) -> Result<bool, RepoError>;
}

/// Carries out one reservation run (the plan feature generates a plan for the
/// shopper's basket). Failures are outcomes, not errors.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ReservationRunner: Send + Sync {
    async fn run(
        &self,
        reservation: &crate::reservation::Reservation,
    ) -> crate::reservation::RunOutcome;
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum NotifyError {
    /// The channel did not take the message (after its own retries).
    #[error("notification not delivered: {0}")]
    Delivery(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Tells the shopper how a run went, on the reservation's channel.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Notifier: Send + Sync {
    async fn notify(
        &self,
        user: UserId,
        reservation: &crate::reservation::Reservation,
        run: &crate::reservation::ReservationRun,
        outcome: &crate::reservation::RunOutcome,
    ) -> Result<(), NotifyError>;
}

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

// ---- Payments (sandbox) ----

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PaymentMethodRepository: Send + Sync {
    async fn add(&self, method: &PaymentMethod) -> Result<(), RepoError>;
    /// The user's methods, oldest first.
    async fn list(&self, user: UserId) -> Result<Vec<PaymentMethod>, RepoError>;
    /// The user's method with that id; another user's is `None`.
    async fn find(
        &self,
        user: UserId,
        id: PaymentMethodId,
    ) -> Result<Option<PaymentMethod>, RepoError>;
    /// `false` when the user has no method with that id.
    async fn delete(&self, user: UserId, id: PaymentMethodId) -> Result<bool, RepoError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PaymentIntentRepository: Send + Sync {
    async fn create(&self, intent: &PaymentIntent) -> Result<(), RepoError>;
    /// The user's intent with that id; another user's is `None`.
    async fn find(&self, user: UserId, id: IntentId) -> Result<Option<PaymentIntent>, RepoError>;
    /// The user's intents for one order, oldest first.
    async fn list_for_order(
        &self,
        user: UserId,
        order: OrderId,
    ) -> Result<Vec<PaymentIntent>, RepoError>;
    /// Σ `amount_krw` of the user's succeeded intents whose `updated_at` is at
    /// or after `since`.
    async fn succeeded_total_since(
        &self,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<i64, RepoError>;
    /// Atomically (one transaction): moves the user's intent from
    /// `requires_confirmation` to the outcome's status (a conditional update,
    /// so of concurrent confirmations exactly one wins and a charge can never
    /// be recorded twice) and, when it succeeded, the intent's order to `paid`
    /// — only if the order is neither paid nor cancelled, else nothing changes
    /// (`OrderNotPayable`).
    async fn complete(
        &self,
        user: UserId,
        id: IntentId,
        outcome: &ConfirmOutcome,
        now: DateTime<Utc>,
    ) -> Result<Completion, RepoError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait IdempotencyRepository: Send + Sync {
    /// Atomically claims `(user, key)` for a request with fingerprint
    /// `request`: inserts it if new (`New`); takes over a claim that has no
    /// answer and was made before `now - lock_timeout` by the same request
    /// (`New`: its first runner died); otherwise reports what is there —
    /// `Mismatch` (another request), `Replay` (answered) or `InProgress`.
    /// Of concurrent claims of one key exactly one gets `New`.
    async fn claim(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        request: &RequestHash,
        now: DateTime<Utc>,
        lock_timeout: chrono::Duration,
    ) -> Result<Claim, RepoError>;
    /// Stores the answer of a claimed key (the first answer stored wins).
    async fn finish(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        response: &StoredResponse,
    ) -> Result<(), RepoError>;
    /// Gives up an unanswered claim (after a transient failure) so that a
    /// retry with the same key runs again. Answered keys are kept.
    async fn release(&self, user: UserId, key: &IdempotencyKey) -> Result<(), RepoError>;
    /// Deletes keys first claimed before `before`; returns how many.
    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError>;
}
