//! An in-memory [`CatalogRepository`] for tests (feature `mocks`): the
//! port's contract on a `Vec`, so use cases and assistants can be tested on a
//! real catalog without a database.

use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use super::ports::CatalogRepository;
use super::search::{rank, ProductQuery};
use super::{
    latest_offers, nearest, CatalogBatch, CatalogCounts, GeoPoint, NearbyStore, Offer, Product,
    ProductId, Store, StoreId, StoreKind,
};
use crate::RepoError;

#[derive(Default)]
struct Inner {
    /// In insertion order (the order ties are ranked in); ids are unique.
    products: Vec<Product>,
    stores: Vec<Store>,
    offers: Vec<Offer>,
}

/// Products, stores and offers held in memory; every port method follows the
/// contract of [`CatalogRepository`].
#[derive(Default)]
pub struct InMemoryCatalog(Mutex<Inner>);

impl InMemoryCatalog {
    /// A catalog of these products (no stores, no offers).
    pub fn with_products(products: Vec<Product>) -> Self {
        let catalog = Self::default();
        catalog.upsert_products(products);
        catalog
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn upsert_products(&self, products: impl IntoIterator<Item = Product>) {
        let mut g = self.inner();
        for p in products {
            match g.products.iter_mut().find(|q| q.id() == p.id()) {
                Some(q) => *q = p,
                None => g.products.push(p),
            }
        }
    }

    /// The product with this id.
    pub fn product(&self, id: &ProductId) -> Option<Product> {
        self.inner().products.iter().find(|p| p.id() == id).cloned()
    }

    /// Every product, in insertion order.
    pub fn products(&self) -> Vec<Product> {
        self.inner().products.clone()
    }

    /// Every store, in insertion order.
    pub fn stores(&self) -> Vec<Store> {
        self.inner().stores.clone()
    }

    /// [`CatalogRepository::upsert_catalog`] without the `async`: for test
    /// doubles of other ports that write catalog rows in their own
    /// transaction (e.g. a price sync call).
    pub fn upsert(&self, batch: &CatalogBatch) -> Result<CatalogCounts, RepoError> {
        {
            let g = self.inner();
            let known_store = |id: &StoreId| {
                batch.stores.iter().any(|s| s.id() == id) || g.stores.iter().any(|s| s.id() == id)
            };
            let known_product = |id: &ProductId| {
                batch.products.iter().any(|p| p.id() == id)
                    || g.products.iter().any(|p| p.id() == id)
            };
            if let Some(o) = batch
                .offers
                .iter()
                .find(|o| !known_store(&o.store_id) || !known_product(&o.product_id))
            {
                return Err(RepoError::Conflict(format!(
                    "offer of {} at {} names an unknown store or product",
                    o.product_id, o.store_id
                )));
            }
        }
        self.upsert_products(batch.products.iter().cloned());
        let mut g = self.inner();
        for s in &batch.stores {
            match g.stores.iter_mut().find(|t| t.id() == s.id()) {
                Some(t) => *t = s.clone(),
                None => g.stores.push(s.clone()),
            }
        }
        for o in &batch.offers {
            let same = |p: &Offer| {
                p.store_id == o.store_id
                    && p.product_id == o.product_id
                    && p.observed_at == o.observed_at
            };
            match g.offers.iter_mut().find(|p| same(p)) {
                Some(p) => *p = o.clone(),
                None => g.offers.push(o.clone()),
            }
        }
        Ok(counts(&g))
    }
}

fn counts(g: &Inner) -> CatalogCounts {
    let n = |len: usize| u64::try_from(len).unwrap_or(u64::MAX);
    CatalogCounts {
        stores: n(g.stores.len()),
        products: n(g.products.len()),
        offers: n(g.offers.len()),
    }
}

#[async_trait]
impl CatalogRepository for InMemoryCatalog {
    async fn search_products(
        &self,
        query: &ProductQuery,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Product>, RepoError> {
        Ok(rank(self.products(), query)
            .into_iter()
            .skip(offset)
            .take(limit)
            .collect())
    }

    async fn get_products(&self, ids: &[ProductId]) -> Result<Vec<Product>, RepoError> {
        let mut found: Vec<Product> = self
            .inner()
            .products
            .iter()
            .filter(|p| ids.contains(p.id()))
            .cloned()
            .collect();
        found.sort_by(|a, b| a.id().cmp(b.id()));
        Ok(found)
    }

    async fn list_stores_near(
        &self,
        point: GeoPoint,
        radius_m: f64,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<NearbyStore>, RepoError> {
        Ok(nearest(self.stores(), point, radius_m)
            .into_iter()
            .skip(offset)
            .take(limit)
            .collect())
    }

    async fn list_online_malls(&self) -> Result<Vec<Store>, RepoError> {
        let mut malls: Vec<Store> = self
            .stores()
            .into_iter()
            .filter(|s| s.kind() == StoreKind::Online)
            .collect();
        malls.sort_by(|a, b| a.id().cmp(b.id()));
        Ok(malls)
    }

    async fn offers_for(
        &self,
        product_ids: &[ProductId],
        store_ids: &[StoreId],
    ) -> Result<Vec<Offer>, RepoError> {
        let offers = self
            .inner()
            .offers
            .iter()
            .filter(|o| product_ids.contains(&o.product_id) && store_ids.contains(&o.store_id))
            .cloned()
            .collect();
        Ok(latest_offers(offers))
    }

    async fn upsert_catalog(&self, batch: &CatalogBatch) -> Result<CatalogCounts, RepoError> {
        self.upsert(batch)
    }

    async fn catalog_counts(&self) -> Result<CatalogCounts, RepoError> {
        Ok(counts(&self.inner()))
    }
}
