//! The catalog store.

use async_trait::async_trait;

use crate::catalog::search::ProductQuery;
use crate::catalog::{
    CatalogBatch, CatalogCounts, GeoPoint, NearbyStore, Offer, Product, ProductId, Store, StoreId,
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
