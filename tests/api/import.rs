//! `ttokjang import prices`: the shipped example file, imported twice.

use std::path::PathBuf;

use ttokjang::import::{import_file, import_files, ImportOptions};
use ttokjang_domain::catalog::{CatalogCounts, ProductId, StoreId};
use ttokjang_domain::ports::{CatalogRepository, ProductReviewRepository};

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("docs")
        .join("examples")
        .join("prices-sample.csv")
}

async fn imports_twice_with_the_same_counts<S: CatalogRepository + ProductReviewRepository>(
    catalog: &S,
) {
    let first = import_file(catalog, &example()).await.expect("import");
    assert_eq!(first.rows_read, 31);
    assert_eq!(first.imported, 24);
    assert_eq!(first.rejected.total, 7, "{first}");
    let lines: Vec<u64> = first.rejected.kept.iter().map(|r| r.line).collect();
    assert_eq!(lines, [25, 26, 27, 28, 29, 31, 32], "{first}");
    let reasons = first
        .rejected
        .kept
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
async fn imports_onto_the_sample_catalog<S: CatalogRepository + ProductReviewRepository>(
    catalog: &S,
) {
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

fn price_row(store: &str, product: &str, name: &str, price: i64, day: u32) -> String {
    format!(
        "{store},이마트 {store}점,LM,서울 강남구,37.49{},127.03,{product},{name},ML,1000,2026-11-{day:02},{price},N\n",
        store.len()
    )
}

const HEADER: &str = "store_id,store_name,store_type,address,lat,lng,product_id,product_name,unit,size,inspection_day,price,discount\n";

/// Two files streamed in batches of 7 rows: every good row lands once, bad
/// rows are skipped (never half stored), and outliers are judged against the
/// median of both files together.
async fn streams_files_in_batches_with_global_medians<S>(store: &S, dir: &std::path::Path)
where
    S: CatalogRepository + ProductReviewRepository,
{
    // File a: 40 stores sell P1 at 3,000원 (and P2 at 1,000원).
    let mut a = HEADER.to_owned();
    for i in 0..40 {
        a.push_str(&price_row(
            &format!("A{i:02}"),
            "P1",
            "스트림우유 1L",
            3_000,
            20,
        ));
        a.push_str(&price_row(
            &format!("A{i:02}"),
            "P2",
            "스트림두유 1L",
            1_000,
            20,
        ));
    }
    // A bad row in the middle: skipped, the rest of its batch still lands.
    a.push_str("A00,이마트,LM,주소,97.0,127.0,P1,스트림우유 1L,ML,1000,2026-11-20,3000,N\n");
    // File b: 5 stores sell P1 at 9,000원 — alone their median is 9,000 and
    // nothing is odd; over the whole data set the median is 3,000 and all
    // five are outliers. A repeated row of file a is a duplicate.
    let mut b = HEADER.to_owned();
    for i in 0..5 {
        b.push_str(&price_row(
            &format!("B{i:02}"),
            "P1",
            "스트림우유 1L",
            9_000,
            20,
        ));
    }
    b.push_str(&price_row("A00", "P1", "스트림우유 1L", 3_000, 20));
    let (pa, pb) = (dir.join("a.csv"), dir.join("b.csv"));
    std::fs::write(&pa, a).expect("write a");
    std::fs::write(&pb, b).expect("write b");

    let alone = import_files(
        store,
        store,
        std::slice::from_ref(&pb),
        ImportOptions { batch_rows: 2 },
        chrono::Utc::now(),
    )
    .await
    .expect("b alone");
    // Alone, file b's one 3,000원 row is the odd one out.
    assert_eq!(alone.outliers_flagged, 1, "{alone}");

    let paths = [pa.clone(), pb.clone()];
    let both = import_files(
        store,
        store,
        &paths,
        ImportOptions { batch_rows: 7 },
        chrono::Utc::now(),
    )
    .await
    .expect("both");
    assert_eq!(both.rows_read, 81 + 6, "{both}");
    assert_eq!(both.imported, 85, "{both}");
    assert_eq!(both.batches, 13, "85 offers in batches of 7");
    assert_eq!(both.outliers_flagged, 5, "{both}");
    assert_eq!(both.rejected.total, 2, "{both}");
    assert_eq!(both.rejected.kept.len(), 2);
    assert!(both.rejected.kept[0].reason.contains("bad coordinate"));
    assert!(
        both.rejected.kept[1].reason.contains("a.csv line 2"),
        "{both}"
    );
    assert_eq!(
        both.catalog,
        CatalogCounts {
            stores: 45,
            products: 2,
            offers: 85
        }
    );
    let p1 = ProductId::parse("kca-P1").expect("id");
    let offers = store
        .offers_for(
            &[p1],
            &[
                StoreId::parse("kca-B00").expect("id"),
                StoreId::parse("kca-A00").expect("id"),
            ],
        )
        .await
        .expect("offers");
    let flags: Vec<(&str, bool)> = offers
        .iter()
        .map(|o| (o.store_id.as_str(), o.flagged_outlier))
        .collect();
    assert_eq!(flags, [("kca-A00", false), ("kca-B00", true)]);
    // Again, in other batches: nothing changes.
    let again = import_files(
        store,
        store,
        &paths,
        ImportOptions { batch_rows: 1000 },
        chrono::Utc::now(),
    )
    .await
    .expect("again");
    assert_eq!(again.catalog, both.catalog);
    assert_eq!(again.batches, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_stream_in_batches_with_global_medians_on_sqlite() {
    let (store, dir) = ttokjang_tests::sqlite_store();
    streams_files_in_batches_with_global_medians(store.as_ref(), dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_stream_in_batches_with_global_medians_on_postgres() {
    let Some((store, _db)) = ttokjang_tests::pg_store() else {
        return;
    };
    let dir = tempfile_dir();
    streams_files_in_batches_with_global_medians(store.as_ref(), dir.path()).await;
}

fn tempfile_dir() -> ttokjang_tests::TempDirGuard {
    ttokjang_tests::TempDirGuard::new()
}

/// A product like a catalog one goes to the review list, never merged; the
/// operator merges it (its prices move, later imports follow) or keeps it.
async fn doubtful_products_wait_for_the_operator<S>(store: &S, dir: &std::path::Path)
where
    S: CatalogRepository + ProductReviewRepository,
{
    let sample = ttokjang::sample::batch().expect("sample");
    store.upsert_catalog(&sample).await.expect("sample");
    let maeil = sample
        .products
        .iter()
        .find(|p| p.name().contains("매일우유"))
        .expect("the sample has 매일우유")
        .clone();
    let base = maeil.name().to_owned();
    let mut text = HEADER.to_owned();
    // Same pack, a name that only contains the catalog's: doubtful.
    let unit = maeil.unit().as_str();
    let size = maeil.size();
    for (i, (pid, name)) in [
        ("Q1", format!("{base} 저지방")),
        ("Q2", format!("{base} 멸균")),
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!(
            "S{i},홈플러스 S{i}점,LM,서울,37.5,127.0{i},{pid},{name},{unit},{size},2026-11-20,2500,N\n"
        ));
    }
    let path = dir.join("doubt.csv");
    std::fs::write(&path, text).expect("write");
    let first = import_file(store, &path).await.expect("import");
    assert_eq!(first.review.len(), 2, "{first}");
    assert_eq!(first.review_added, 2);
    assert_eq!(first.merged_products, 0);
    let listed = ttokjang::review::list(store, false).await.expect("list");
    assert!(
        listed.contains("kca-Q1") && listed.contains("2 pending"),
        "{listed}"
    );

    let now = chrono::Utc::now();
    // Bad decisions are refused and change nothing.
    assert!(ttokjang::review::merge(store, "kca-Q1", "kca-Q1", now)
        .await
        .is_err());
    assert!(ttokjang::review::merge(store, "kca-Q1", "nope", now)
        .await
        .is_err());
    assert!(
        ttokjang::review::merge(store, "kca-Q9", maeil.id().as_str(), now)
            .await
            .is_err()
    );
    assert!(ttokjang::review::distinct(store, "bad id!", now)
        .await
        .is_err());

    let done = ttokjang::review::merge(store, "kca-Q1", maeil.id().as_str(), now)
        .await
        .expect("merge");
    assert!(done.contains("merged into"), "{done}");
    ttokjang::review::distinct(store, "kca-Q2", now)
        .await
        .expect("distinct");
    assert!(
        ttokjang::review::merge(store, "kca-Q2", maeil.id().as_str(), now)
            .await
            .is_err()
    );
    let q1 = ProductId::parse("kca-Q1").expect("id");
    assert!(store.get_products(&[q1]).await.expect("get").is_empty());
    let offers = store
        .offers_for(
            &[maeil.id().clone()],
            &[StoreId::parse("kca-S0").expect("id")],
        )
        .await
        .expect("offers");
    assert_eq!(offers.len(), 1, "the price moved to the catalog product");

    // Importing again follows the decisions: Q1 by its source id, Q2 kept.
    let again = import_file(store, &path).await.expect("again");
    assert_eq!(again.merged_products, 1, "{again}");
    assert!(again.review.is_empty(), "{again}");
    assert_eq!(again.review_added, 0);
    assert_eq!(
        store
            .get_products(&[ProductId::parse("kca-Q1").expect("id")])
            .await
            .expect("get")
            .len(),
        0,
        "never recreated"
    );
    let listed = ttokjang::review::list(store, true).await.expect("all");
    assert!(
        listed.contains("→ distinct") && listed.contains("0 pending"),
        "{listed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doubtful_products_wait_for_the_operator_on_sqlite() {
    let (store, dir) = ttokjang_tests::sqlite_store();
    doubtful_products_wait_for_the_operator(store.as_ref(), dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doubtful_products_wait_for_the_operator_on_postgres() {
    let Some((store, _db)) = ttokjang_tests::pg_store() else {
        return;
    };
    let dir = tempfile_dir();
    doubtful_products_wait_for_the_operator(store.as_ref(), dir.path()).await;
}
