//! An in-memory [`CatalogRepository`] for tests (feature `mocks`): the
//! port's contract on a `Vec`, so use cases and assistants can be tested on a
//! real catalog without a database.

use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::ports::CatalogRepository;
use super::search::{rank, ProductQuery};
use super::{
    latest_offers, lows_of, nearest, CatalogBatch, CatalogCounts, GeoPoint, NearbyStore, Offer,
    PriceLow, PricePoint, Product, ProductId, Store, StoreId, StoreKind,
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

    async fn list_offline_stores(&self) -> Result<Vec<Store>, RepoError> {
        let mut shops: Vec<Store> = self
            .stores()
            .into_iter()
            .filter(|s| s.kind() == StoreKind::Offline)
            .collect();
        shops.sort_by(|a, b| a.id().cmp(b.id()));
        Ok(shops)
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

    async fn price_history(
        &self,
        product: &ProductId,
        since: DateTime<Utc>,
    ) -> Result<Vec<PricePoint>, RepoError> {
        let mut points: Vec<PricePoint> = self
            .inner()
            .offers
            .iter()
            .filter(|o| &o.product_id == product && o.observed_at >= since)
            .map(|o| PricePoint {
                store_id: o.store_id.clone(),
                price: o.price,
                observed_at: o.observed_at,
                discounted: o.discounted,
                origin: o.provenance.origin,
            })
            .collect();
        points.sort_by(|a, b| (&a.store_id, a.observed_at).cmp(&(&b.store_id, b.observed_at)));
        Ok(points)
    }

    async fn price_lows(
        &self,
        product_ids: &[ProductId],
        store_ids: &[StoreId],
        since: DateTime<Utc>,
    ) -> Result<Vec<PriceLow>, RepoError> {
        let g = self.inner();
        Ok(lows_of(
            g.offers
                .iter()
                .filter(|o| {
                    o.observed_at >= since
                        && product_ids.contains(&o.product_id)
                        && store_ids.contains(&o.store_id)
                })
                .map(|o| (o.product_id.clone(), o.store_id.clone(), o.price)),
        ))
    }

    async fn upsert_catalog(&self, batch: &CatalogBatch) -> Result<CatalogCounts, RepoError> {
        self.upsert(batch)
    }

    async fn catalog_counts(&self) -> Result<CatalogCounts, RepoError> {
        Ok(counts(&self.inner()))
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::catalog::{NewProduct, PriceKrw, Unit};

    fn product(id: &str, name: &str) -> Product {
        Product::new(NewProduct {
            id: id.into(),
            name: name.into(),
            name_en: None,
            aliases: Vec::new(),
            category: "test".into(),
            unit: Unit::Ea,
            size: 1,
            barcode: None,
        })
        .expect("product")
    }

    fn id(raw: &str) -> ProductId {
        ProductId::parse(raw).expect("id")
    }

    #[tokio::test]
    async fn products_are_upserted_by_id_and_read_in_id_order() {
        let catalog =
            InMemoryCatalog::with_products(vec![product("p2", "두부"), product("p1", "우유")]);
        let batch = CatalogBatch {
            products: vec![product("p2", "국산콩 두부")],
            ..CatalogBatch::default()
        };
        let counts = catalog.upsert_catalog(&batch).await.expect("upsert");
        assert_eq!(counts.products, 2);
        let got = catalog
            .get_products(&[id("p2"), id("p1"), id("nope")])
            .await
            .expect("get");
        let names: Vec<&str> = got.iter().map(Product::name).collect();
        assert_eq!(names, ["우유", "국산콩 두부"]);
    }

    #[tokio::test]
    async fn an_offer_of_an_unknown_store_is_a_conflict_and_writes_nothing() {
        let catalog = InMemoryCatalog::default();
        let batch = CatalogBatch {
            products: vec![product("p1", "우유")],
            offers: vec![Offer {
                store_id: StoreId::parse("nowhere").expect("store id"),
                product_id: id("p1"),
                price: PriceKrw::new(1_000).expect("price"),
                observed_at: DateTime::from_timestamp(0, 0).unwrap_or_default(),
                in_stock: true,
                discounted: false,
                flagged_outlier: false,
                provenance: crate::catalog::Provenance::of(crate::catalog::PriceOrigin::Sample),
            }],
            ..CatalogBatch::default()
        };
        let err = catalog.upsert_catalog(&batch).await;
        assert!(matches!(err, Err(RepoError::Conflict(_))), "{err:?}");
        assert_eq!(
            catalog.catalog_counts().await.expect("counts"),
            CatalogCounts::default()
        );
    }
}
