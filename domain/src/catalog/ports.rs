//! The catalog store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

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
}
