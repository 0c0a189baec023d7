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
