//! Ports of the price sync: the feeds and the persisted sync state.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::feed::{
    FeedError, FeedPage, FeedPrice, FeedProduct, FeedStore, KamisPrice, StandardClass, StandardCode,
};
use super::Source;
use crate::catalog::{CatalogBatch, PriceKrw, ProductId};
use crate::RepoError;

/// 참가격 `ProductPriceInfoService`.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ChamgagyeokFeed: Send + Sync {
    /// `getStoreInfoSvc`: every store.
    async fn stores(&self) -> Result<FeedPage<FeedStore>, FeedError>;
    /// `getProductInfoSvc`: every product.
    async fn products(&self) -> Result<FeedPage<FeedProduct>, FeedError>;
    /// `getProductPriceInfoSvc` with `goodInspectDay` and `entpId`: one
    /// store's prices of one survey day. A day without a survey is `Ok` with
    /// no rows.
    async fn store_prices(
        &self,
        day: NaiveDate,
        entp_id: &str,
    ) -> Result<FeedPage<FeedPrice>, FeedError>;
    /// `getStandardInfoSvc` with `classCode`.
    async fn standard(&self, class: StandardClass) -> Result<FeedPage<StandardCode>, FeedError>;
}

/// KAMIS daily retail prices.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait KamisFeed: Send + Sync {
    /// `dailyCountyList` for one region (`p_countycode`): the latest retail
    /// prices there.
    async fn region_retail(&self, county: &str) -> Result<FeedPage<KamisPrice>, FeedError>;
}

/// What claiming a call gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This holder may make the call now (one call of the day's budget counted).
    Claimed,
    /// The call was completed before: never make it again.
    AlreadyDone,
    /// Another holder's lease on it is live.
    Held,
    /// The day's budget of calls for the source is spent.
    BudgetSpent,
}

/// One price as stored in the history, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRecord {
    pub source: Source,
    /// The catalog store, or for a regional average (KAMIS) `None`.
    pub store_id: Option<crate::catalog::StoreId>,
    /// The source's place key: the store id, or `county:1101`.
    pub place: String,
    pub product_id: ProductId,
    pub price: PriceKrw,
    /// The survey / observation day.
    pub survey_day: NaiveDate,
    pub fetched_at: DateTime<Utc>,
    pub discounted: bool,
    pub discount_period: Option<(NaiveDate, NaiveDate)>,
    pub plus_one: bool,
}

/// What a completed call writes, all together or not at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallResult {
    pub key: String,
    /// Stores, products and current offers to upsert.
    pub batch: CatalogBatch,
    /// Price history rows (idempotent per source, place, product, day).
    pub records: Vec<PriceRecord>,
    /// Calls to enqueue (the stores call enqueues each store's price call).
    pub follow_ups: Vec<String>,
    /// Rows read, rows skipped.
    pub rows: u32,
    pub bad_rows: u32,
    /// The outcome recorded for the call: `ok`, `empty_day`, `unknown_id`…
    pub outcome: String,
}

/// A source's sync state, for `GET /catalog/sources`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceStatus {
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_survey_day: Option<NaiveDate>,
    /// Price rows stored from this source.
    pub rows: u64,
    pub calls_done: u64,
    pub calls_pending: u64,
    pub last_error: Option<LastError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastError {
    pub at: DateTime<Utc>,
    pub call: String,
    pub kind: String,
    pub message: String,
}

/// The persisted state of every call, and the atomic writes of a call's
/// result. Implementations must make `claim` and `complete` atomic and safe
/// across processes sharing the store.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SyncStateRepository: Send + Sync {
    /// Adds these calls as pending; keys already present are left as they are.
    async fn enqueue(
        &self,
        source: Source,
        keys: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// Keys of the source's calls that are not done, in key order.
    async fn pending(&self, source: Source) -> Result<Vec<String>, RepoError>;
    /// Atomically: when the call is pending, not held by a live lease
    /// (`lease_until` of another holder after `now`) and fewer than `budget`
    /// calls of `source` were claimed on `budget_day`, the call is leased to
    /// `holder` until `lease_until` and one call is counted on `budget_day`.
    #[allow(clippy::too_many_arguments)]
    async fn claim(
        &self,
        source: Source,
        key: &str,
        holder: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        budget_day: NaiveDate,
        budget: u32,
    ) -> Result<Claim, RepoError>;
    /// Atomically: upserts the result's catalog rows and price records and
    /// marks the call done — only while `holder` holds it (`Conflict`
    /// otherwise, nothing written).
    async fn complete(
        &self,
        source: Source,
        holder: &str,
        result: &CallResult,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// Records a failed call: released for a later run, or done with this
    /// outcome when `is_final`.
    async fn fail(
        &self,
        source: Source,
        key: &str,
        holder: &str,
        error: &FeedError,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// Calls of `source` claimed on `day` (the budget used).
    async fn calls_on(&self, source: Source, day: NaiveDate) -> Result<u32, RepoError>;
    async fn status(&self, source: Source) -> Result<SourceStatus, RepoError>;
}

/// Each source's scheduled job: one run per slot across every instance
/// sharing the store (`schedule` module docs).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SyncJobRepository: Send + Sync {
    /// Atomically: when the job has not run for `slot` (or a retry it asked
    /// for is due at `now`) and no other holder's lease is live, leases it to
    /// `holder` until `lease_until` and answers `true`.
    async fn claim_job(
        &self,
        source: Source,
        slot: DateTime<Utc>,
        holder: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
    /// Records the run of `slot` (only while `holder` holds the job; `false`
    /// otherwise): the next run is the next slot, or `retry_at` when earlier.
    async fn finish_job(
        &self,
        source: Source,
        holder: &str,
        slot: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
        outcome: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
    /// The job's state; `None` before its first run.
    async fn job(&self, source: Source) -> Result<Option<super::schedule::JobState>, RepoError>;
}
