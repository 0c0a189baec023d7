//! The in-memory catalog cache answers exactly as the store it fronts, and a
//! write through it is seen at once.

use std::sync::Arc;
use std::time::Duration;

use ttokjang::catalog_cache::CachedCatalog;
use ttokjang_domain::catalog::search::ProductQuery;
use ttokjang_domain::catalog::{GeoPoint, PriceKrw, ProductId, StoreId};
use ttokjang_domain::ports::CatalogRepository;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_catalog_agrees_with_the_store_and_sees_its_own_writes() {
    let (store, _dir) = ttokjang_tests::sqlite_store();
    ttokjang_tests::catalog_fixture::load(store.as_ref()).await;
    let cache = CachedCatalog::new(store.clone(), Duration::from_secs(60));
    let products: Vec<ProductId> = ["milk", "eggs", "tofu", "ramen", "nothing"]
        .iter()
        .map(|p| ProductId::parse(p).expect("id"))
        .collect();
    let stores: Vec<StoreId> = ["mart-a", "mart-b", "mall-x"]
        .iter()
        .map(|s| StoreId::parse(s).expect("id"))
        .collect();
    let here = GeoPoint::new(37.4985, 127.0292).expect("point");
    for _ in 0..2 {
        // Twice: the second round is served from memory.
        for q in ["우유", "달걀", "tofu", "없는상품"] {
            let q = ProductQuery::parse(q).expect("query");
            assert_eq!(
                cache.search_products(&q, 0, 5).await.expect("cache"),
                store.search_products(&q, 0, 5).await.expect("store")
            );
        }
        assert_eq!(
            cache.get_products(&products).await.expect("c"),
            store.get_products(&products).await.expect("s")
        );
        assert_eq!(
            cache.offers_for(&products, &stores).await.expect("c"),
            store.offers_for(&products, &stores).await.expect("s")
        );
        assert_eq!(
            cache
                .offers_for(&products[..2], &stores[..1])
                .await
                .expect("c"),
            store
                .offers_for(&products[..2], &stores[..1])
                .await
                .expect("s")
        );
        assert_eq!(
            cache
                .list_stores_near(here, 3000.0, 0, 10)
                .await
                .expect("c"),
            store
                .list_stores_near(here, 3000.0, 0, 10)
                .await
                .expect("s")
        );
        assert_eq!(
            cache.list_online_malls().await.expect("c"),
            store.list_online_malls().await.expect("s")
        );
    }
    // A new price written through the cache is seen at once.
    let mut batch = ttokjang_tests::catalog_fixture::batch();
    batch
        .offers
        .retain(|o| o.store_id.as_str() == "mart-a" && o.product_id.as_str() == "milk");
    batch.stores.clear();
    batch.products.clear();
    let newer = batch.offers[0].observed_at + chrono::Duration::hours(1);
    batch.offers[0].observed_at = newer;
    batch.offers[0].price = PriceKrw::new(1_234).expect("price");
    cache.upsert_catalog(&batch).await.expect("upsert");
    let offers = cache
        .offers_for(&products[..1], &stores[..1])
        .await
        .expect("offers");
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].price.krw(), 1_234);
    let _keep: Arc<dyn CatalogRepository> = Arc::new(cache);
}

/// The store, counting the look-ups that reach it.
struct Counting {
    inner: Arc<dyn CatalogRepository>,
    offers: std::sync::atomic::AtomicUsize,
    near: std::sync::atomic::AtomicUsize,
}

impl Counting {
    fn offers(&self) -> usize {
        self.offers.load(std::sync::atomic::Ordering::SeqCst)
    }
    fn near(&self) -> usize {
        self.near.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl CatalogRepository for Counting {
    async fn search_products(
        &self,
        q: &ProductQuery,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<ttokjang_domain::catalog::Product>, ttokjang_domain::RepoError> {
        self.inner.search_products(q, offset, limit).await
    }
    async fn get_products(
        &self,
        ids: &[ProductId],
    ) -> Result<Vec<ttokjang_domain::catalog::Product>, ttokjang_domain::RepoError> {
        self.inner.get_products(ids).await
    }
    async fn list_stores_near(
        &self,
        point: GeoPoint,
        radius_m: f64,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<ttokjang_domain::catalog::NearbyStore>, ttokjang_domain::RepoError> {
        self.near.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // Slow enough that the concurrent callers all arrive during it.
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.inner
            .list_stores_near(point, radius_m, offset, limit)
            .await
    }
    async fn list_offline_stores(
        &self,
    ) -> Result<Vec<ttokjang_domain::catalog::Store>, ttokjang_domain::RepoError> {
        // The cache's spatial index is built from this look-up.
        self.near.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.inner.list_offline_stores().await
    }
    async fn list_online_malls(
        &self,
    ) -> Result<Vec<ttokjang_domain::catalog::Store>, ttokjang_domain::RepoError> {
        self.inner.list_online_malls().await
    }
    async fn offers_for(
        &self,
        products: &[ProductId],
        stores: &[StoreId],
    ) -> Result<Vec<ttokjang_domain::catalog::Offer>, ttokjang_domain::RepoError> {
        self.offers
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.inner.offers_for(products, stores).await
    }
    async fn price_history(
        &self,
        product: &ProductId,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<ttokjang_domain::catalog::PricePoint>, ttokjang_domain::RepoError> {
        self.inner.price_history(product, since).await
    }
    async fn price_lows(
        &self,
        products: &[ProductId],
        stores: &[StoreId],
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<ttokjang_domain::catalog::PriceLow>, ttokjang_domain::RepoError> {
        self.inner.price_lows(products, stores, since).await
    }
    async fn upsert_catalog(
        &self,
        batch: &ttokjang_domain::catalog::CatalogBatch,
    ) -> Result<ttokjang_domain::catalog::CatalogCounts, ttokjang_domain::RepoError> {
        self.inner.upsert_catalog(batch).await
    }
    async fn catalog_counts(
        &self,
    ) -> Result<ttokjang_domain::catalog::CatalogCounts, ttokjang_domain::RepoError> {
        self.inner.catalog_counts().await
    }
}

/// When cached answers go stale under load, one request refreshes them and
/// the others keep answering from the stale copy (no stampede on the store);
/// answers older than twice the TTL are never used.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_answer_is_refreshed_once_while_the_others_use_it() {
    let (store, _dir) = ttokjang_tests::sqlite_store();
    ttokjang_tests::catalog_fixture::load(store.as_ref()).await;
    let counting = Arc::new(Counting {
        inner: store.clone(),
        offers: 0.into(),
        near: 0.into(),
    });
    let ttl = Duration::from_millis(400);
    let cache = Arc::new(CachedCatalog::new(counting.clone(), ttl));
    let products: Vec<ProductId> = ["milk", "eggs", "tofu"]
        .iter()
        .map(|p| ProductId::parse(p).expect("id"))
        .collect();
    let stores: Vec<StoreId> = ["mart-a", "mart-b"]
        .iter()
        .map(|s| StoreId::parse(s).expect("id"))
        .collect();
    let here = GeoPoint::new(37.4985, 127.0292).expect("point");
    let expected_offers = store.offers_for(&products, &stores).await.expect("s");
    let expected_near = store
        .list_stores_near(here, 3000.0, 0, 10)
        .await
        .expect("s");

    let burst = |cache: Arc<CachedCatalog>| {
        let (products, stores) = (products.clone(), stores.clone());
        async move {
            let mut calls = tokio::task::JoinSet::new();
            for _ in 0..20 {
                let (cache, products, stores) = (cache.clone(), products.clone(), stores.clone());
                calls.spawn(async move {
                    (
                        cache.offers_for(&products, &stores).await.expect("offers"),
                        cache
                            .list_stores_near(here, 3000.0, 0, 10)
                            .await
                            .expect("near"),
                    )
                });
            }
            calls.join_all().await
        }
    };
    // Warm: one look-up each.
    cache.offers_for(&products, &stores).await.expect("c");
    cache
        .list_stores_near(here, 3000.0, 0, 10)
        .await
        .expect("c");
    assert_eq!((counting.offers(), counting.near()), (1, 1));
    // Fresh: nothing reaches the store.
    for (o, n) in burst(cache.clone()).await {
        assert_eq!((&o, &n), (&expected_offers, &expected_near));
    }
    assert_eq!((counting.offers(), counting.near()), (1, 1));
    // Stale (past the TTL, within twice it): 20 concurrent callers, one refresh.
    tokio::time::sleep(ttl + Duration::from_millis(50)).await;
    for (o, n) in burst(cache.clone()).await {
        assert_eq!((&o, &n), (&expected_offers, &expected_near));
    }
    assert_eq!((counting.offers(), counting.near()), (2, 2));
    // Too old to use (past twice the TTL since the refresh): fetched again.
    tokio::time::sleep(ttl * 2 + Duration::from_millis(50)).await;
    assert_eq!(
        cache.offers_for(&products, &stores).await.expect("c"),
        expected_offers
    );
    assert_eq!(counting.offers(), 3);
}
