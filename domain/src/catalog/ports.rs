//! The catalog store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::catalog::identity::{ReviewDecision, ReviewEntry, ReviewItem};
use crate::catalog::search::ProductQuery;
use crate::catalog::{
    CatalogBatch, CatalogCounts, GeoPoint, NearbyStore, Offer, PriceLow, PricePoint, Product,
    ProductId, Store, StoreId,
};
use crate::error::RepoError;

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
    /// Every offline store, by id (what an in-memory spatial index is built
    /// from; see `app/src/catalog_cache.rs`).
    async fn list_offline_stores(&self) -> Result<Vec<Store>, RepoError>;
    /// Every online mall, by id.
    async fn list_online_malls(&self) -> Result<Vec<Store>, RepoError>;
    /// The current offer of each (store, product) pair among these products
    /// and stores, ordered by product then store: the latest observation (by
    /// `observed_at`; an older observation written later never replaces a
    /// newer one) with its provenance and the price it replaced. Read from
    /// the current prices, never by scanning the history.
    async fn offers_for(
        &self,
        product_ids: &[ProductId],
        store_ids: &[StoreId],
    ) -> Result<Vec<Offer>, RepoError>;
    /// The history of `product`: every observation at or after `since`, at
    /// every store, ordered by store then time.
    async fn price_history(
        &self,
        product: &ProductId,
        since: DateTime<Utc>,
    ) -> Result<Vec<PricePoint>, RepoError>;
    /// For each (product, store) pair among these with observations at or
    /// after `since`: the lowest price and how many observations there are,
    /// ordered by product then store.
    async fn price_lows(
        &self,
        product_ids: &[ProductId],
        store_ids: &[StoreId],
        since: DateTime<Utc>,
    ) -> Result<Vec<PriceLow>, RepoError>;
    /// Atomically and idempotently: upserts the batch's stores (by id),
    /// products (by id) and offers (by store, product, observed_at) into the
    /// history, and each offer into the current prices unless a newer
    /// observation of its (store, product) is already there. Either the
    /// whole batch is written or nothing (`Conflict` when an offer names a
    /// store or product that exists neither in the batch nor in the store).
    async fn upsert_catalog(&self, batch: &CatalogBatch) -> Result<CatalogCounts, RepoError>;
    /// How many stores, products and offers are stored.
    async fn catalog_counts(&self) -> Result<CatalogCounts, RepoError>;
    /// Atomically and idempotently upserts these offers (by store, product,
    /// observed_at), whose stores and products exist: one batch of a
    /// streaming import. Unlike `upsert_catalog` it counts nothing.
    async fn write_offers(&self, offers: &[Offer]) -> Result<(), RepoError> {
        let batch = CatalogBatch {
            offers: offers.to_vec(),
            ..CatalogBatch::default()
        };
        self.upsert_catalog(&batch).await.map(|_| ())
    }
}

/// How resolving a review ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Done(ReviewEntry),
    /// No review lists this product.
    NotListed,
    /// The review was decided before (nothing changed).
    AlreadyDecided(ReviewEntry),
    /// The product to merge into does not exist.
    UnknownTarget,
}

/// The review list of [`crate::catalog::identity`]: products kept apart
/// because they might be a product the catalog already has.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ProductReviewRepository: Send + Sync {
    /// Lists these items as pending; a product listed before (whatever its
    /// status) is left as it is. Returns how many were added.
    async fn add_reviews(&self, items: &[ReviewItem], at: DateTime<Utc>) -> Result<u64, RepoError>;
    /// The reviews, oldest first; only the pending ones when `pending_only`.
    async fn list_reviews(&self, pending_only: bool) -> Result<Vec<ReviewEntry>, RepoError>;
    /// The reviews of these products (any status).
    async fn reviews_for(&self, ids: &[ProductId]) -> Result<Vec<ReviewEntry>, RepoError>;
    /// Decides a pending review, atomically. `Merge { into }`: the product's
    /// offers move to `into` (where `into` already has an offer at the same
    /// store and instant, that one is kept), the product is deleted and the
    /// review keeps `into` so later imports map the source id there.
    /// `Distinct`: only the review changes. `into` must differ from the
    /// product (checked by the caller).
    async fn resolve_review(
        &self,
        product: &ProductId,
        decision: &ReviewDecision,
        at: DateTime<Utc>,
    ) -> Result<Resolved, RepoError>;
}
