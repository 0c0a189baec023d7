//! The sync use case against an in-memory state and scripted feeds.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::feed::*;
use super::ports::*;
use super::service::*;
use super::{Call, Source};
use crate::catalog::memory::InMemoryCatalog;
use crate::catalog::pack::Pack;
use crate::catalog::{ProductId, Unit};
use crate::ports::Clock;
use crate::RepoError;

#[derive(Default)]
struct Call_ {
    done: bool,
    holder: Option<(String, DateTime<Utc>)>,
    outcome: Option<String>,
}

#[derive(Default)]
struct Inner {
    calls: BTreeMap<String, Call_>,
    budget: HashMap<NaiveDate, u32>,
    /// (place, product, day) → record
    history: HashMap<(String, ProductId, NaiveDate), PriceRecord>,
    last_error: Option<LastError>,
}

#[derive(Default)]
struct Memory {
    state: Mutex<Inner>,
    /// The catalog rows a completed call writes with it.
    catalog: InMemoryCatalog,
}

impl Memory {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl SyncStateRepository for Memory {
    async fn enqueue(&self, _: Source, keys: &[String], _: DateTime<Utc>) -> Result<(), RepoError> {
        let mut g = self.inner();
        for k in keys {
            g.calls.entry(k.clone()).or_default();
        }
        Ok(())
    }
    async fn pending(&self, _: Source) -> Result<Vec<String>, RepoError> {
        Ok(self
            .inner()
            .calls
            .iter()
            .filter(|(_, c)| !c.done)
            .map(|(k, _)| k.clone())
            .collect())
    }
    async fn claim(
        &self,
        _: Source,
        key: &str,
        holder: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        budget_day: NaiveDate,
        budget: u32,
    ) -> Result<Claim, RepoError> {
        let mut g = self.inner();
        let used = g.budget.get(&budget_day).copied().unwrap_or(0);
        let Some(c) = g.calls.get_mut(key) else {
            return Err(RepoError::Conflict("no such call".into()));
        };
        if c.done {
            return Ok(Claim::AlreadyDone);
        }
        if c.holder
            .as_ref()
            .is_some_and(|(h, t)| h != holder && *t > now)
        {
            return Ok(Claim::Held);
        }
        if used >= budget {
            return Ok(Claim::BudgetSpent);
        }
        c.holder = Some((holder.to_owned(), lease_until));
        *g.budget.entry(budget_day).or_default() += 1;
        Ok(Claim::Claimed)
    }
    async fn complete(
        &self,
        _: Source,
        holder: &str,
        result: &CallResult,
        _: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let mut g = self.inner();
        let held = g
            .calls
            .get(&result.key)
            .is_some_and(|c| !c.done && c.holder.as_ref().is_some_and(|(h, _)| h == holder));
        if !held {
            return Err(RepoError::Conflict("not held".into()));
        }
        self.catalog.upsert(&result.batch)?;
        for r in &result.records {
            g.history.insert(
                (r.place.clone(), r.product_id.clone(), r.survey_day),
                r.clone(),
            );
        }
        for f in &result.follow_ups {
            g.calls.entry(f.clone()).or_default();
        }
        if let Some(c) = g.calls.get_mut(&result.key) {
            c.done = true;
            c.outcome = Some(result.outcome.clone());
        }
        Ok(())
    }
    async fn fail(
        &self,
        _: Source,
        key: &str,
        _: &str,
        error: &FeedError,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let mut g = self.inner();
        if let Some(c) = g.calls.get_mut(key) {
            c.holder = None;
            c.done = error.is_final();
            c.outcome = Some(error.kind().into());
        }
        g.last_error = Some(LastError {
            at: now,
            call: key.into(),
            kind: error.kind().into(),
            message: error.to_string(),
        });
        Ok(())
    }
    async fn calls_on(&self, _: Source, day: NaiveDate) -> Result<u32, RepoError> {
        Ok(self.inner().budget.get(&day).copied().unwrap_or(0))
    }
    async fn status(&self, _: Source) -> Result<SourceStatus, RepoError> {
        let g = self.inner();
        Ok(SourceStatus {
            rows: g.history.len() as u64,
            calls_done: g.calls.values().filter(|c| c.done).count() as u64,
            calls_pending: g.calls.values().filter(|c| !c.done).count() as u64,
            last_error: g.last_error.clone(),
            ..SourceStatus::default()
        })
    }
}

struct FixedClock(Mutex<DateTime<Utc>>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl FixedClock {
    fn at(t: DateTime<Utc>) -> Self {
        Self(Mutex::new(t))
    }
    fn advance(&self, d: Duration) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) += d;
    }
}

/// A scripted 참가격: `n` stores, 3 products, prices for every store; some
/// calls fail as told; every call counted.
struct Script {
    stores: usize,
    day: NaiveDate,
    fail: Mutex<HashMap<String, Vec<FeedError>>>,
    made: Mutex<Vec<String>>,
}

impl Script {
    fn new(stores: usize) -> Self {
        Self {
            stores,
            day: day(),
            fail: Mutex::new(HashMap::new()),
            made: Mutex::new(Vec::new()),
        }
    }
    fn failing(self, what: &str, errors: Vec<FeedError>) -> Self {
        self.fail
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(what.into(), errors);
        self
    }
    fn record(&self, what: &str) -> Result<(), FeedError> {
        self.made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(what.into());
        let mut f = self.fail.lock().unwrap_or_else(PoisonError::into_inner);
        match f.get_mut(what) {
            Some(list) if !list.is_empty() => Err(list.remove(0)),
            _ => Ok(()),
        }
    }
    fn made(&self) -> Vec<String> {
        self.made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default()
}

#[async_trait]
impl ChamgagyeokFeed for Script {
    async fn stores(&self) -> Result<FeedPage<FeedStore>, FeedError> {
        self.record("stores")?;
        let mut rows: Vec<FeedStore> = (0..self.stores)
            .map(|i| FeedStore {
                entp_id: format!("{:04}", i + 1),
                name: format!("이마트 {i}호점"),
                type_code: "LM".into(),
                area_code: None,
                lat: 37.5,
                lng: 127.03,
                address: "서울".into(),
            })
            .collect();
        rows.push(FeedStore {
            entp_id: "9999".into(),
            name: "이상한 가게".into(),
            type_code: "ZZ".into(),
            area_code: None,
            lat: 37.5,
            lng: 127.0,
            address: "서울".into(),
        });
        Ok(FeedPage::new(rows, Vec::new()))
    }
    async fn products(&self) -> Result<FeedPage<FeedProduct>, FeedError> {
        self.record("products")?;
        let rows = [
            ("P1", "서울우유 1L"),
            ("P2", "계란 30구"),
            ("P3", "두부 300g"),
        ]
        .iter()
        .map(|(id, name)| FeedProduct {
            good_id: (*id).into(),
            name: (*name).into(),
            category_code: None,
            pack: Pack::parse(name),
            basis: None,
        })
        .collect();
        Ok(FeedPage::new(
            rows,
            vec![BadRow {
                index: 3,
                reason: "goodId missing".into(),
            }],
        ))
    }
    async fn store_prices(
        &self,
        day: NaiveDate,
        entp_id: &str,
    ) -> Result<FeedPage<FeedPrice>, FeedError> {
        self.record(&format!("prices:{entp_id}"))?;
        if day != self.day {
            return Ok(FeedPage::new(Vec::new(), Vec::new()));
        }
        let rows = ["P1", "P2", "P3", "P404"]
            .iter()
            .enumerate()
            .map(|(i, g)| FeedPrice {
                day,
                entp_id: entp_id.into(),
                good_id: (*g).into(),
                price_krw: 1000 + i as i64 * 100,
                discounted: i == 1,
                discount_period: None,
                plus_one: i == 2,
            })
            .collect();
        Ok(FeedPage::new(rows, Vec::new()))
    }
    async fn standard(&self, _: StandardClass) -> Result<FeedPage<StandardCode>, FeedError> {
        Ok(FeedPage::new(Vec::new(), Vec::new()))
    }
}

fn t0() -> DateTime<Utc> {
    // 2026-11-21 10:00 KST.
    DateTime::from_timestamp(1_795_222_800, 0).unwrap_or_default()
}

fn sync<'a>(mem: &'a Memory, clock: &'a FixedClock, budget: u32, holder: &str) -> PriceSync<'a> {
    let mut config = SyncConfig::new(holder);
    config.daily_budget = budget;
    PriceSync {
        state: mem,
        catalog: &mem.catalog,
        clock,
        config,
    }
}

fn quiet(_: SyncEvent) {}

#[tokio::test]
async fn a_full_day_stores_every_price_with_provenance() {
    let mem = Memory::default();
    let clock = FixedClock::at(t0());
    let feed = Script::new(5);
    let s = sync(&mem, &clock, 1_800, "a")
        .chamgagyeok(&feed, day(), &quiet)
        .await;
    let s = s.expect("sync");
    assert_eq!(s.calls_made, 7, "stores + products + 5 stores");
    assert_eq!(s.completed, 7);
    assert_eq!(s.pending, 0);
    assert_eq!(s.stopped, None);
    // The odd store type and the unknown goodId of every store: reported.
    let reasons: Vec<&str> = s.bad_rows.iter().map(|(_, b)| b.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("unknown entpTypeCode")));
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.contains("unknown goodId P404"))
            .count(),
        5
    );
    assert!(reasons.contains(&"goodId missing"));
    let g = mem.inner();
    assert_eq!(g.history.len(), 15);
    assert_eq!(mem.catalog.stores().len(), 5);
    let rec = g
        .history
        .get(&(
            "0001".into(),
            ProductId::parse("kca-P3").expect("id"),
            day(),
        ))
        .expect("record");
    assert!(rec.plus_one);
    assert_eq!(rec.fetched_at, t0());
    assert_eq!(rec.source, Source::Chamgagyeok);
    assert_eq!(mem.catalog.products().len(), 3);
    let milk = mem
        .catalog
        .product(&ProductId::parse("kca-P1").expect("id"))
        .expect("milk");
    assert_eq!((milk.unit(), milk.size()), (Unit::Ml, 1000));
}

#[tokio::test]
async fn the_budget_stops_a_run_and_the_next_day_resumes_without_repeating() {
    let mem = Memory::default();
    let clock = FixedClock::at(t0());
    let feed = Script::new(10);
    let first = sync(&mem, &clock, 5, "a")
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert_eq!(first.calls_made, 5);
    assert_eq!(first.stopped, Some(Stop::BudgetSpent));
    assert_eq!(first.pending, 7);
    // Same day again: nothing left in the budget, no call made.
    let again = sync(&mem, &clock, 5, "a")
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert_eq!(again.calls_made, 0);
    // The next day (KST) the rest is fetched; nothing is fetched twice.
    clock.advance(Duration::days(1));
    let next = sync(&mem, &clock, 1_800, "a")
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert_eq!(next.calls_made, 7);
    assert_eq!(next.pending, 0);
    let made = feed.made();
    let unique: HashSet<&String> = made.iter().collect();
    assert_eq!(unique.len(), made.len(), "no call repeated: {made:?}");
    assert_eq!(made.len(), 12);
    // Idempotent: the same survey again makes no call and changes nothing.
    let rows = mem.inner().history.len();
    let same = sync(&mem, &clock, 1_800, "a")
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert_eq!(same.calls_made, 0);
    assert_eq!(mem.inner().history.len(), rows);
}

#[tokio::test]
async fn failures_are_typed_recorded_and_retried_later() {
    let mem = Memory::default();
    let clock = FixedClock::at(t0());
    let feed = Script::new(3)
        .failing("prices:0001", vec![FeedError::Timeout])
        .failing("prices:0002", vec![FeedError::Malformed("not XML".into())])
        .failing("prices:0003", vec![FeedError::UnknownId("0003".into())]);
    let s = sync(&mem, &clock, 1_800, "a")
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    let kinds: Vec<&str> = s.failures.iter().map(|(_, e)| e.kind()).collect();
    assert_eq!(kinds, ["timeout", "malformed", "unknown_id"]);
    // The unknown id is a final answer; the other two wait for a retry.
    assert_eq!(s.pending, 2);
    let status = mem.status(Source::Chamgagyeok).await.expect("status");
    assert_eq!(status.last_error.map(|e| e.kind), Some("unknown_id".into()));
    let retry = sync(&mem, &clock, 1_800, "a")
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert_eq!(retry.calls_made, 2);
    assert_eq!(retry.pending, 0);
}

#[tokio::test]
async fn a_refused_key_or_spent_quota_ends_the_run_and_transient_failures_in_a_row_too() {
    for (err, stop) in [
        (
            FeedError::KeyRefused("SERVICE_KEY_IS_NOT_REGISTERED_ERROR".into()),
            Stop::Fatal(FeedError::KeyRefused(
                "SERVICE_KEY_IS_NOT_REGISTERED_ERROR".into(),
            )),
        ),
        (
            FeedError::QuotaExhausted,
            Stop::Fatal(FeedError::QuotaExhausted),
        ),
    ] {
        let mem = Memory::default();
        let clock = FixedClock::at(t0());
        let feed = Script::new(3).failing("stores", vec![err]);
        let s = sync(&mem, &clock, 1_800, "a")
            .chamgagyeok(&feed, day(), &quiet)
            .await
            .expect("sync");
        assert_eq!(s.stopped, Some(stop));
        assert_eq!(s.calls_made, 1);
    }
    let mem = Memory::default();
    let clock = FixedClock::at(t0());
    let feed = Script::new(6)
        .failing("prices:0001", vec![FeedError::Server(503)])
        .failing("prices:0002", vec![FeedError::Network("refused".into())])
        .failing("prices:0003", vec![FeedError::Server(502)]);
    let s = sync(&mem, &clock, 1_800, "a")
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert_eq!(s.stopped, Some(Stop::Failing));
    assert_eq!(s.pending, 6);
}

#[tokio::test]
async fn an_empty_survey_day_is_a_normal_outcome() {
    let mem = Memory::default();
    let clock = FixedClock::at(t0());
    let feed = Script::new(2);
    let other = day() - Duration::days(1);
    let s = sync(&mem, &clock, 1_800, "a")
        .chamgagyeok(&feed, other, &quiet)
        .await
        .expect("sync");
    assert_eq!(s.empty_days, 2);
    assert!(s.failures.is_empty());
    assert_eq!(s.pending, 0);
    assert!(mem.inner().history.is_empty());
}

#[tokio::test]
async fn a_call_held_by_another_instance_is_left_to_it() {
    let mem = Memory::default();
    let clock = FixedClock::at(t0());
    let key = Call::Stores { day: day() }.key();
    mem.enqueue(Source::Chamgagyeok, std::slice::from_ref(&key), t0())
        .await
        .expect("enqueue");
    let got = mem
        .claim(
            Source::Chamgagyeok,
            &key,
            "other",
            t0(),
            t0() + Duration::minutes(5),
            day(),
            10,
        )
        .await
        .expect("claim");
    assert_eq!(got, Claim::Claimed);
    let feed = Script::new(2);
    let s = sync(&mem, &clock, 1_800, "a")
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert!(!feed.made().contains(&"stores".to_owned()));
    assert_eq!(s.skipped, 1);
    // Once the other holder's lease ran out, the call is taken over.
    clock.advance(Duration::minutes(6));
    let s = sync(&mem, &clock, 1_800, "a")
        .chamgagyeok(&feed, day(), &quiet)
        .await
        .expect("sync");
    assert!(feed.made().contains(&"stores".to_owned()));
    assert_eq!(s.pending, 0);
}
