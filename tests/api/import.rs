//! `ttokjang import prices`: the shipped example file, imported twice.

use std::path::PathBuf;

use ttokjang::import::import_file;
use ttokjang_domain::catalog::CatalogCounts;
use ttokjang_domain::ports::CatalogRepository;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("docs")
        .join("examples")
        .join("prices-sample.csv")
}

async fn imports_twice_with_the_same_counts(catalog: &dyn CatalogRepository) {
    let first = import_file(catalog, &example()).await.expect("import");
    assert_eq!(first.rows_read, 31);
    assert_eq!(first.imported, 24);
    let lines: Vec<usize> = first.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [25, 26, 27, 28, 29, 31, 32], "{first}");
    let reasons = first
        .rejected
        .iter()
        .map(|r| r.reason.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for want in [
        "bad coordinate",
        "non-positive",
        "unknown unit",
        "bad date",
        "unknown store_type",
        "duplicate of line 30",
        "discount",
    ] {
        assert!(reasons.contains(want), "{want} in {reasons}");
    }
    assert_eq!(first.outliers_flagged, 1, "19,800원 eggs");
    let want = CatalogCounts {
        stores: 7,
        products: 5,
        offers: 24,
    };
    assert_eq!(first.catalog, want);

    let second = import_file(catalog, &example()).await.expect("re-import");
    assert_eq!(second.catalog, want, "re-import is idempotent");
    assert_eq!(catalog.catalog_counts().await, Ok(want));
    assert!(second.to_string().contains("line 25: bad coordinate"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_file_imports_idempotently_on_sqlite() {
    let (store, _dir) = ttokjang_tests::sqlite_store();
    imports_twice_with_the_same_counts(store.as_ref()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_file_imports_idempotently_on_postgres() {
    let Some((store, _db)) = ttokjang_tests::pg_store() else {
        return;
    };
    imports_twice_with_the_same_counts(store.as_ref()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_file_or_header_is_an_error_and_writes_nothing() {
    let (store, dir) = ttokjang_tests::sqlite_store();
    assert!(import_file(store.as_ref(), &dir.path().join("nope.csv"))
        .await
        .is_err());
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "store,price\n1,2\n").expect("write");
    assert!(import_file(store.as_ref(), &bad).await.is_err());
    assert_eq!(store.catalog_counts().await, Ok(CatalogCounts::default()));
}

/// Imported products that are the sample catalog's goods (same name and pack)
/// are priced as them: no second "서울우유 1L".
async fn imports_onto_the_sample_catalog(catalog: &dyn CatalogRepository) {
    let sample = ttokjang::sample::batch().expect("sample");
    let before = catalog.upsert_catalog(&sample).await.expect("sample");
    let report = import_file(catalog, &example()).await.expect("import");
    assert_eq!(report.products_in_file, 5);
    assert_eq!(report.merged_products, 5, "{report}");
    assert!(report.review.is_empty(), "{report}");
    assert_eq!(report.catalog.products, before.products, "no new products");
    let q = ttokjang_domain::catalog::search::ProductQuery::parse("서울우유 1L").expect("q");
    let hits = catalog.search_products(&q, 0, 50).await.expect("search");
    let same: Vec<_> = hits.iter().filter(|p| p.name() == "서울우유 1L").collect();
    assert_eq!(same.len(), 1, "one 서울우유 1L");
    // The imported prices are offers of the sample product.
    let offers = catalog
        .offers_for(
            &[same[0].id().clone()],
            &[ttokjang_domain::catalog::StoreId::parse("kca-LM0001").expect("id")],
        )
        .await
        .expect("offers");
    assert_eq!(offers.len(), 1);
    // Again: nothing changes.
    let again = import_file(catalog, &example()).await.expect("again");
    assert_eq!(again.catalog, report.catalog);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_goods_become_the_sample_products_on_sqlite() {
    let (store, _dir) = ttokjang_tests::sqlite_store();
    imports_onto_the_sample_catalog(store.as_ref()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_goods_become_the_sample_products_on_postgres() {
    let Some((store, _db)) = ttokjang_tests::pg_store() else {
        return;
    };
    imports_onto_the_sample_catalog(store.as_ref()).await;
}
