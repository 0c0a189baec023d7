//! The scheduled price sync, on each backend, against the local fake feeds:
//! the job runs once per slot, a spent budget resumes after midnight in Korea,
//! two schedulers (two instances) never both run a slot nor make a call
//! twice, and a real server's scheduler syncs the configured source and shows
//! it in `GET /catalog/sources` and `/metrics`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::Value;
use ttokjang::pricefeeds::chamgagyeok::Chamgagyeok;
use ttokjang_domain::metrics::NoMetrics;
use ttokjang_domain::ports::{Clock, SyncJobRepository, SyncStateRepository};
use ttokjang_domain::pricesync::jobs::{ScheduledFeed, SourceJob, SyncJobs};
use ttokjang_domain::pricesync::schedule::{next_seoul_midnight, SourceSchedule};
use ttokjang_domain::pricesync::status::{SourceSetup, SourcesOverview};
use ttokjang_domain::pricesync::{latest_friday, Source};
use ttokjang_tests::feed_fake::{fake, survey_any_day, Fake};
use ttokjang_tests::http::{Db, TestApp};
use ttokjang_tests::FixedClock;

use super::pricefeeds::config;

const KEY: &str = "sched-key-7c1e9a55d0b34f2a8e6d";

fn jobs<S>(store: Arc<S>, clock: Arc<FixedClock>, f: &Fake, owner: &str, budget: u32) -> SyncJobs
where
    S: SyncStateRepository
        + SyncJobRepository
        + ttokjang_domain::ports::CatalogRepository
        + 'static,
{
    let feed = Chamgagyeok::new(config(&f.url)).expect("client");
    SyncJobs {
        state: store.clone(),
        catalog: store.clone(),
        jobs: store,
        clock,
        metrics: Arc::new(NoMetrics),
        sources: vec![SourceJob {
            feed: ScheduledFeed::Chamgagyeok(Arc::new(feed)),
            schedule: SourceSchedule::default(),
        }],
        daily_budget: budget,
        owner: owner.into(),
    }
}

fn all_once(f: &Fake) {
    for (k, n) in f.calls() {
        assert_eq!(n, 1, "{k} made {n} times");
    }
}

/// A slot runs once; a spent budget resumes after midnight in Korea and not
/// before; the next slot runs again (and makes no call already made).
async fn once_per_slot_and_resume<S>(store: Arc<S>)
where
    S: SyncStateRepository
        + SyncJobRepository
        + ttokjang_domain::ports::CatalogRepository
        + 'static,
{
    let f = fake(survey_any_day(8, 3)).await;
    // 2027-01-15 17:00 KST, a Friday: the slot is 04:00 that day.
    let clock = Arc::new(FixedClock::new(ttokjang_tests::t0()));
    let now = || clock.now();
    let sched = jobs(store.clone(), clock.clone(), &f, "box-a", 6);
    let first = sched.tick(now()).await.expect("tick");
    assert_eq!(first.len(), 1);
    let run = &first[0];
    assert_eq!(run.source, Source::Chamgagyeok);
    assert_eq!(run.outcome, "budget_spent");
    assert_eq!(run.calls_made(), 6);
    assert_eq!(run.retry_at, Some(next_seoul_midnight(now())));
    assert!(run.recorded);
    let day = latest_friday((now() + chrono::Duration::hours(9)).date_naive());
    assert_eq!(run.days[0].0, day);

    // Polls in the same slot before midnight: nothing runs, nothing is called.
    for minutes in [1, 60, 300] {
        clock.advance(chrono::Duration::minutes(minutes));
        assert!(sched.tick(now()).await.expect("tick").is_empty());
    }
    assert_eq!(f.count(), 6);
    let overview = SourcesOverview {
        state: store.clone(),
        jobs: store.clone(),
        clock: clock.clone(),
        setups: vec![SourceSetup {
            source: Source::Chamgagyeok,
            configured: true,
            schedule: SourceSchedule::default(),
            daily_budget: 6,
        }],
    };
    let report = &overview.list().await.expect("overview")[0];
    assert_eq!(report.calls_today, 6);
    assert_eq!(report.status.calls_pending, 4);
    assert_eq!(report.next_run_at, Some(next_seoul_midnight(now())));
    assert_eq!(
        report.job.as_ref().and_then(|j| j.last_outcome.as_deref()),
        Some("budget_spent")
    );
    assert!(!report.stale);

    // After midnight in Korea the rest is synced, once.
    clock.set(next_seoul_midnight(now()) + chrono::Duration::minutes(1));
    let resumed = sched.tick(now()).await.expect("tick");
    assert_eq!(resumed.len(), 1);
    assert_eq!(resumed[0].outcome, "ok");
    assert_eq!(resumed[0].calls_made(), 4);
    assert_eq!(resumed[0].days[0].0, day, "the same survey day resumes");
    assert!(sched.tick(now()).await.expect("tick").is_empty());
    all_once(&f);
    assert_eq!(f.count(), 10);
    let status = store.status(Source::Chamgagyeok).await.expect("status");
    assert_eq!(status.rows, 24);
    assert_eq!(status.last_survey_day, Some(day));

    // The next slot (04:00 KST) runs again; every call was made: none again.
    clock.set(next_seoul_midnight(now()) - chrono::Duration::hours(20));
    let next = sched.tick(now()).await.expect("tick");
    assert_eq!(next.len(), 1, "{next:?}");
    assert_eq!(next[0].calls_made(), 0);
    assert_eq!(next[0].outcome, "ok");
    assert_eq!(f.count(), 10);
    f.handle.stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_sync_runs_once_per_slot_and_resumes_on_sqlite() {
    let (store, _dir) = ttokjang_tests::sqlite_store();
    once_per_slot_and_resume(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_sync_runs_once_per_slot_and_resumes_on_postgres() {
    let Some((store, _db)) = ttokjang_tests::pg_store() else {
        return;
    };
    once_per_slot_and_resume(store).await;
}

/// Two instances' schedulers (the app's own, built from configuration, each
/// with its own database pool) poll at the same moment, twice: one runs the
/// slot, every call is made once.
async fn two_schedulers(db: Db) {
    let f = fake(survey_any_day(10, 3)).await;
    let base = format!("{}/B551919/ProductPriceInfoService", f.url);
    let Some(app) = TestApp::start(
        db,
        &[
            ("CHAMGAGYEOK_BASE_URL", &base),
            ("CHAMGAGYEOK_SERVICE_KEY", KEY),
        ],
    )
    .await
    else {
        return;
    };
    let (one, two) = (app.services().await, app.services().await);
    let a = ttokjang::server::scheduler(&app.config, &one).expect("scheduler one");
    let b = ttokjang::server::scheduler(&app.config, &two).expect("scheduler two");
    let now: DateTime<Utc> = Utc::now();
    let (ra, rb) = tokio::join!(a.tick_price_sync(now), b.tick_price_sync(now));
    let (ra, rb) = (ra.expect("one"), rb.expect("two"));
    assert_eq!(ra.len() + rb.len(), 1, "{ra:?} {rb:?}");
    let (ra2, rb2) = tokio::join!(a.tick_price_sync(now), b.tick_price_sync(now));
    assert!(ra2.expect("one").is_empty() && rb2.expect("two").is_empty());
    assert_eq!(f.count(), 12, "stores, products and 10 stores' prices");
    all_once(&f);
    f.handle.stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_run_a_slot_once_on_sqlite() {
    two_schedulers(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_run_a_slot_once_on_postgres() {
    two_schedulers(Db::Postgres).await;
}

async fn sources(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.get_auth("/api/v1/catalog/sources", token).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn source<'a>(body: &'a Value, id: &str) -> &'a Value {
    body["sources"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("no {id} in {body}"))
}

/// A real server with the scheduler on (polling every second) and only the
/// 참가격 key set: the scheduler syncs 참가격 by itself, once, and
/// `GET /catalog/sources` and `/metrics` show it; KAMIS is not configured.
async fn server_syncs_and_reports(db: Db) {
    let f = fake(survey_any_day(5, 3)).await;
    let base = format!("{}/B551919/ProductPriceInfoService", f.url);
    let Some(app) = TestApp::start(
        db,
        &[
            ("SCHEDULER_ENABLED", "true"),
            ("SCHEDULER_POLL_S", "1"),
            ("CHAMGAGYEOK_BASE_URL", &base),
            ("CHAMGAGYEOK_SERVICE_KEY", KEY),
            ("PRICE_SYNC_DAILY_BUDGET", "100"),
        ],
    )
    .await
    else {
        return;
    };
    let token = app.signup_token("sources@example.com").await;
    let res = app
        .call(Method::GET, "/api/v1/catalog/sources", None, None)
        .await;
    assert_eq!(res.status().as_u16(), 401, "signed-in like the catalog");
    let mut body = Value::Null;
    for _ in 0..200 {
        body = sources(&app, &token).await;
        let c = source(&body, "chamgagyeok");
        if c["rows"] == 15 && c["running"] == false && !c["last_run_outcome"].is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let c = source(&body, "chamgagyeok");
    assert_eq!(c["rows"], 15, "{body}");
    assert_eq!(c["configured"], true);
    assert_eq!(c["name"], "참가격");
    assert_eq!(c["last_run_outcome"], "ok");
    assert_eq!(c["calls_today"], 7);
    assert_eq!(c["daily_budget"], 100);
    assert_eq!(c["calls_pending"], 0);
    assert_eq!(c["stale"], false);
    assert!(c["last_error"].is_null());
    assert!(c["last_success_at"].is_string());
    assert_eq!(c["schedule"]["every_days"], 1);
    assert_eq!(c["schedule"]["at"], "04:00");
    assert_eq!(c["schedule"]["time_zone"], "Asia/Seoul");
    let friday = latest_friday((Utc::now() + chrono::Duration::hours(9)).date_naive());
    assert_eq!(c["last_survey_day"], friday.format("%Y-%m-%d").to_string());
    let next: DateTime<Utc> = c["next_run_at"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("next_run_at in {c}"));
    assert!(next > Utc::now(), "the next slot, tomorrow: {c}");
    let k = source(&body, "kamis");
    assert_eq!(k["configured"], false);
    assert!(k["next_run_at"].is_null());
    assert_eq!(k["rows"], 0);
    assert_eq!(k["stale"], false);
    assert!(!body.to_string().contains(KEY), "no key in {body}");
    assert!(!body.to_string().contains(&f.url), "no feed URL in {body}");

    // More polls in the same slot call nothing.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(f.count(), 7);
    all_once(&f);

    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for want in [
        "ttokjang_price_sync_calls_total{source=\"chamgagyeok\"} 7\n",
        "ttokjang_price_sync_budget_remaining{source=\"chamgagyeok\"} 93\n",
        "ttokjang_price_sync_expected_interval_seconds{source=\"chamgagyeok\"} 604800\n",
        "ttokjang_price_sync_stored_rows{source=\"chamgagyeok\"} 15\n",
    ] {
        assert!(metrics.contains(want), "missing {want} in\n{metrics}");
    }
    let last = metrics
        .lines()
        .find(|l| {
            l.starts_with(
                "ttokjang_price_sync_last_success_timestamp_seconds{source=\"chamgagyeok\"}",
            )
        })
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no last success in\n{metrics}"));
    #[allow(clippy::cast_precision_loss)]
    let now_s = Utc::now().timestamp() as f64;
    assert!((now_s - last).abs() < 120.0, "{last} vs {now_s}");
    assert!(
        !metrics.contains("source=\"kamis\""),
        "KAMIS is not configured"
    );
    assert!(!metrics.contains(KEY));
    f.handle.stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_s_scheduler_syncs_and_reports_on_sqlite() {
    server_syncs_and_reports(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_s_scheduler_syncs_and_reports_on_postgres() {
    server_syncs_and_reports(Db::Postgres).await;
}
