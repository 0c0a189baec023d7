//! The whole price sync on each backend: the real 참가격 adapter against the
//! local fake server, the state in the database. A full survey day, the
//! budget and next-day resume, a kill in the middle of a call, and (on
//! PostgreSQL) two instances syncing at once — each call made once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use ttokjang::pricefeeds::chamgagyeok::Chamgagyeok;
use ttokjang_domain::ports::{CatalogRepository, Clock, SyncStateRepository};
use ttokjang_domain::pricesync::service::{PriceSync, Stop, SyncConfig};
use ttokjang_domain::pricesync::Source;
use ttokjang_tests::FixedClock;

use super::pricefeeds::{config, fake, Fake, Rule};

const DAY: &str = "20261120";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("day")
}

fn envelope(items: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><header><resultCode>00</resultCode>\
         <resultMsg>NORMAL SERVICE.</resultMsg></header><body><items>{items}</items></body></response>"
    )
}

/// `stores` stores, 3 products, every store selling all three; the price
/// call of `slow` (if any) answers after 3 s.
fn survey(stores: usize, slow: Option<&'static str>) -> Rule {
    Arc::new(move |path, q| {
        let op = path.rsplit('/').next().unwrap_or("");
        let body = match op {
            "getStoreInfoSvc" => envelope(
                &(1..=stores)
                    .map(|i| {
                        format!(
                            "<item><entpId>{i}</entpId><entpName>롯데마트 {i}호점</entpName>\
                             <entpTypeCode>LM</entpTypeCode><roadAddrBasic>서울 {i}</roadAddrBasic>\
                             <xMapCoord>37.5</xMapCoord><yMapCoord>127.0</yMapCoord></item>"
                        )
                    })
                    .collect::<String>(),
            ),
            "getProductInfoSvc" => envelope(
                "<item><goodId>11</goodId><goodName>서울우유 1L</goodName><goodTotalCnt>1000</goodTotalCnt><goodTotalDivCode>ML</goodTotalDivCode></item>\
                 <item><goodId>12</goodId><goodName>계란 30구</goodName><goodTotalCnt>30</goodTotalCnt><goodTotalDivCode>개</goodTotalDivCode></item>\
                 <item><goodId>13</goodId><goodName>두부 300g</goodName><goodTotalCnt>300</goodTotalCnt><goodTotalDivCode>g</goodTotalDivCode></item>",
            ),
            "getProductPriceInfoSvc" => {
                let entp = q.get("entpId").cloned().unwrap_or_default();
                if q.get("goodInspectDay").map(String::as_str) != Some(DAY) {
                    envelope("")
                } else {
                    let delay = if slow == Some(entp.as_str()) { 3_000 } else { 0 };
                    let items: String = [("11", 2980), ("12", 7980), ("13", 1980)]
                        .iter()
                        .map(|(g, p)| {
                            format!(
                                "<item><goodInspectDay>{DAY}</goodInspectDay><entpId>{entp}</entpId>\
                                 <goodId>{g}</goodId><goodPrice>{p}</goodPrice><goodDcYn>N</goodDcYn>\
                                 <plusoneYn>N</plusoneYn></item>"
                            )
                        })
                        .collect();
                    return (200, envelope(&items), delay);
                }
            }
            _ => return (404, String::new(), 0),
        };
        (200, body, 0)
    })
}

fn calls(f: &Fake) -> HashMap<String, usize> {
    f.calls()
}

fn sync<'a, S: SyncStateRepository + CatalogRepository>(
    store: &'a S,
    clock: &'a FixedClock,
    holder: &str,
    budget: u32,
) -> PriceSync<'a> {
    let mut config = SyncConfig::new(holder);
    config.daily_budget = budget;
    PriceSync {
        state: store,
        catalog: store,
        clock,
        config,
    }
}

fn quiet(_: ttokjang_domain::pricesync::service::SyncEvent) {}

fn adapter(f: &Fake) -> Chamgagyeok {
    let mut c = config(&f.url);
    c.timeout = Duration::from_secs(10);
    Chamgagyeok::new(c).expect("client")
}

async fn full_day_budget_and_resume<S: SyncStateRepository + CatalogRepository>(store: &S) {
    let f = fake(survey(8, None)).await;
    let feed = adapter(&f);
    let clock = FixedClock::new(ttokjang_tests::t0());
    // Budget 6: stores, products and 4 of the 8 stores today.
    let first = sync(store, &clock, "a", 6)
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert_eq!(first.calls_made, 6);
    assert_eq!(first.stopped, Some(Stop::BudgetSpent));
    assert_eq!(first.pending, 4);
    assert_eq!(
        store
            .calls_on(
                Source::Chamgagyeok,
                (clock.now() + chrono::Duration::hours(9)).date_naive()
            )
            .await,
        Ok(6)
    );
    clock.advance(chrono::Duration::days(1));
    let next = sync(store, &clock, "a", 6)
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert_eq!(next.calls_made, 4);
    assert_eq!(next.pending, 0);
    assert!(calls(&f).values().all(|n| *n == 1), "{:?}", calls(&f));
    let status = store.status(Source::Chamgagyeok).await.expect("status");
    assert_eq!(status.rows, 24);
    assert_eq!(status.last_survey_day, Some(day()));
    assert_eq!(status.calls_pending, 0);
    assert!(status.last_success_at.is_some());
    // The same survey again: no call, no change.
    let counts = store.catalog_counts().await.expect("counts");
    let again = sync(store, &clock, "a", 6)
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert_eq!(again.calls_made, 0);
    assert_eq!(store.catalog_counts().await.expect("counts"), counts);
    assert_eq!(counts.offers, 24);
    f.handle.stop(false).await;
}

async fn kill_and_resume<S: SyncStateRepository + CatalogRepository>(store: &S) {
    let f = fake(survey(5, Some("3"))).await;
    let feed = adapter(&f);
    let clock = FixedClock::new(ttokjang_tests::t0());
    // Killed while store 3's answer is on its way.
    let killed = tokio::time::timeout(
        Duration::from_millis(1_500),
        sync(store, &clock, "killed", 1_800).chamgagyeok(&feed, day(), &quiet),
    )
    .await;
    assert!(killed.is_err(), "the run was cut off");
    let before = calls(&f);
    assert_eq!(before.get("getProductPriceInfoSvc:3"), Some(&1));
    assert_eq!(before.get("getProductPriceInfoSvc:4"), None);
    // A new process right away: store 3 is still leased to the dead one.
    let fresh = sync(store, &clock, "fresh", 1_800)
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert_eq!(fresh.skipped, 1);
    assert_eq!(fresh.pending, 1);
    // After the lease ran out it is taken over; nothing else is repeated.
    clock.advance(chrono::Duration::minutes(6));
    let f2 = fake(survey(5, None)).await;
    let feed2 = adapter(&f2);
    let resumed = sync(store, &clock, "fresh", 1_800)
        .chamgagyeok(&feed2, day(), &quiet)
        .await
        .expect("sync");
    assert_eq!(resumed.calls_made, 1);
    assert_eq!(resumed.pending, 0);
    let after = calls(&f);
    for (k, n) in &after {
        assert_eq!(*n, 1, "{k} made {n} times");
    }
    assert_eq!(calls(&f2).len(), 1);
    let status = store.status(Source::Chamgagyeok).await.expect("status");
    assert_eq!(status.rows, 15, "no duplicate price");
    assert_eq!(store.catalog_counts().await.expect("counts").offers, 15);
    f.handle.stop(false).await;
    f2.handle.stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_day_budget_and_resume_on_sqlite() {
    let (store, _dir) = ttokjang_tests::sqlite_store();
    full_day_budget_and_resume(store.as_ref()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_day_budget_and_resume_on_postgres() {
    let Some((store, _db)) = ttokjang_tests::pg_store() else {
        return;
    };
    full_day_budget_and_resume(store.as_ref()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_and_resume_on_sqlite() {
    let (store, _dir) = ttokjang_tests::sqlite_store();
    kill_and_resume(store.as_ref()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_and_resume_on_postgres() {
    let Some((store, _db)) = ttokjang_tests::pg_store() else {
        return;
    };
    kill_and_resume(store.as_ref()).await;
}

/// Two instances on one PostgreSQL, each with its own pool, at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_make_each_call_once_on_postgres() {
    let Some((one, db)) = ttokjang_tests::pg_store() else {
        return;
    };
    let two = ttokjang_postgres::PgStore::open(db.url()).expect("second instance");
    let f = fake(survey(12, None)).await;
    let (fa, fb) = (adapter(&f), adapter(&f));
    let clock = FixedClock::new(ttokjang_tests::t0());
    let (sa, sb) = (
        sync(one.as_ref(), &clock, "one", 1_800),
        sync(&two, &clock, "two", 1_800),
    );
    let (a, b) = tokio::join!(
        sa.chamgagyeok(&fa, day(), &quiet),
        sb.chamgagyeok(&fb, day(), &quiet),
    );
    let (a, b) = (a.expect("one"), b.expect("two"));
    assert_eq!(a.calls_made + b.calls_made, 14, "{a:?} {b:?}");
    for (k, n) in calls(&f) {
        assert_eq!(n, 1, "{k} made {n} times");
    }
    let status = one.status(Source::Chamgagyeok).await.expect("status");
    assert_eq!(status.rows, 36);
    f.handle.stop(false).await;
}
