//! The scheduler loop body (`Scheduler::tick`) over a real store, driven by
//! an injected clock: DST and month ends, retries, crashes, two instances.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use ttokjang::scheduler::{Scheduler, SchedulerSettings};
use ttokjang::system::OsRandom;
use ttokjang_domain::page::PageRequest;
use ttokjang_domain::planner::PlanMode;
use ttokjang_domain::ports::RunQueue;
use ttokjang_domain::reservation::{
    Channel, NewReservation, Reservation, ReservationId, ReservationRun, ReservationStatus,
    RunStatus, ScheduleInput, Title,
};
use ttokjang_domain::user::User;
use ttokjang_tests::runner::{RecordingNotifier, ScriptedRunner};
use ttokjang_tests::FixedClock;
use uuid::Uuid;

use crate::fixtures::user;
use crate::Backend;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("rfc3339")
        .with_timezone(&Utc)
}

struct Rig {
    clock: Arc<FixedClock>,
    runner: Arc<ScriptedRunner>,
    notifier: Arc<RecordingNotifier>,
    scheduler: Scheduler,
}

fn rig(queue: Arc<dyn RunQueue>, owner: &str, now: DateTime<Utc>) -> Rig {
    let clock = Arc::new(FixedClock::new(now));
    let runner = ScriptedRunner::new();
    let notifier = RecordingNotifier::new();
    let scheduler = Scheduler::new(
        queue,
        runner.clone(),
        notifier.clone(),
        clock.clone(),
        Arc::new(OsRandom),
        SchedulerSettings::new(owner),
    );
    Rig {
        clock,
        runner,
        notifier,
        scheduler,
    }
}

impl Rig {
    async fn tick_at(&self, now: DateTime<Utc>) -> ttokjang::scheduler::TickReport {
        self.clock.set(now);
        self.scheduler.tick(now).await.expect("tick")
    }
}

async fn shopper(b: &Backend, now: DateTime<Utc>) -> User {
    let u = user(&format!("s{}@example.com", Uuid::new_v4().simple()), now);
    b.users.create(&u, None, now).await.expect("user");
    u
}

fn reservation(owner: &User, schedule: ScheduleInput, now: DateTime<Utc>) -> Reservation {
    Reservation::create(
        ReservationId(Uuid::new_v4()),
        owner.id,
        NewReservation {
            title: Title::parse("정기 장보기").expect("title"),
            mode: PlanMode::Online,
            schedule: schedule.parse().expect("schedule"),
            channel: Channel::InApp,
            planned_items: None,
        },
        now,
    )
    .expect("reservation")
}

fn weekly(time: &str, day: i64, tz: &str) -> ScheduleInput {
    ScheduleInput {
        schedule_type: "weekly".into(),
        time_of_day: Some(time.into()),
        days_of_week: Some(vec![day]),
        timezone: Some(tz.into()),
        ..ScheduleInput::default()
    }
}

/// Every run of `r`, oldest first.
async fn runs(b: &Backend, owner: &User, r: ReservationId) -> Vec<ReservationRun> {
    let mut out = Vec::new();
    let mut page = PageRequest {
        limit: 100,
        after: None,
    };
    loop {
        let p = b.reservations.runs(owner.id, r, &page).await.expect("runs");
        out.extend(p.items);
        match p.next_cursor {
            Some(c) => page.after = Some(c),
            None => break,
        }
    }
    out.reverse();
    out
}

/// Ticks every `step` from `from` to `to` (inclusive).
async fn walk(rig: &Rig, from: DateTime<Utc>, to: DateTime<Utc>, step: Duration) {
    let mut t = from;
    while t <= to {
        rig.tick_at(t).await;
        t += step;
    }
}

pub async fn weekly_run_walks_new_york_dst_and_month_ends(b: &Backend) {
    let start = utc("2026-02-25T00:00:00Z");
    let kim = shopper(b, start).await;
    // Sundays 02:30 in New York: 2026-03-08 02:30 does not exist.
    let r = reservation(&kim, weekly("02:30", 7, "America/New_York"), start);
    b.reservations.create(&r, 20).await.expect("create");
    let rig = rig(b.run_queue.clone(), "walker", start);
    walk(&rig, start, utc("2026-04-06T00:00:00Z"), Duration::hours(1)).await;
    let got: Vec<_> = runs(b, &kim, r.id)
        .await
        .iter()
        .map(|r| (r.scheduled_for, r.status))
        .collect();
    let ok = RunStatus::Success;
    assert_eq!(
        got,
        [
            (utc("2026-03-01T07:30:00Z"), ok), // after February's end, 02:30 EST
            (utc("2026-03-08T07:30:00Z"), ok), // the gap: once, at 03:30 EDT
            (utc("2026-03-15T06:30:00Z"), ok), // 02:30 EDT
            (utc("2026-03-22T06:30:00Z"), ok),
            (utc("2026-03-29T06:30:00Z"), ok),
            (utc("2026-04-05T06:30:00Z"), ok), // after March's end
        ],
        "{}",
        b.name
    );
    assert_eq!(rig.runner.calls(r.id), 6);
    assert_eq!(rig.notifier.count(), 6);
    let after = b
        .reservations
        .find(kim.id, r.id)
        .await
        .expect("find")
        .expect("some");
    assert_eq!(after.next_run_at, Some(utc("2026-04-12T06:30:00Z")));
    assert_eq!(after.status, ReservationStatus::Active);

    // Autumn: Sundays 01:30 happen twice on 2026-11-01; the run happens once.
    let fall = utc("2026-10-28T00:00:00Z");
    let r = reservation(&kim, weekly("01:30", 7, "America/New_York"), fall);
    b.reservations.create(&r, 20).await.expect("create");
    walk(
        &rig,
        fall,
        utc("2026-11-09T00:00:00Z"),
        Duration::minutes(30),
    )
    .await;
    let got: Vec<_> = runs(b, &kim, r.id)
        .await
        .iter()
        .map(|r| r.scheduled_for)
        .collect();
    assert_eq!(
        got,
        [utc("2026-11-01T05:30:00Z"), utc("2026-11-08T06:30:00Z")]
    );
}

pub async fn failed_runs_retry_with_backoff_then_the_reservation_fails(b: &Backend) {
    let start = utc("2026-11-24T00:00:00Z");
    let kim = shopper(b, start).await;
    let r = reservation(&kim, weekly("09:00", 6, "Asia/Seoul"), start);
    b.reservations.create(&r, 20).await.expect("create");
    let rig = rig(b.run_queue.clone(), "w", start);
    rig.runner.fail_next(r.id, 100);
    let mut now = r.next_run_at.expect("next");
    for _ in 0..10 {
        let report = rig.tick_at(now).await;
        let current = b
            .reservations
            .find(kim.id, r.id)
            .await
            .expect("find")
            .expect("some");
        match current.next_run_at {
            Some(next) => {
                assert_eq!(report.failed, 1);
                let wait = next - now;
                assert!(
                    wait >= Duration::seconds(150) && wait <= Duration::hours(1),
                    "{wait}"
                );
                now = next;
            }
            None => break,
        }
    }
    let current = b
        .reservations
        .find(kim.id, r.id)
        .await
        .expect("find")
        .expect("some");
    assert_eq!(current.status, ReservationStatus::Failed);
    let all = runs(b, &kim, r.id).await;
    assert_eq!(
        all.iter()
            .map(|r| (r.attempt, r.status))
            .collect::<Vec<_>>(),
        [
            (1, RunStatus::Failed),
            (2, RunStatus::Failed),
            (3, RunStatus::Failed),
            (4, RunStatus::Failed)
        ],
        "the first attempt and three retries"
    );
    assert_eq!(rig.runner.calls(r.id), 4);
}

pub async fn a_crash_during_a_run_ends_with_exactly_one_completed_run(b: &Backend) {
    let start = utc("2026-11-24T00:00:00Z");
    let kim = shopper(b, start).await;
    let r = reservation(&kim, weekly("09:00", 6, "Asia/Seoul"), start);
    b.reservations.create(&r, 20).await.expect("create");
    let due = r.next_run_at.expect("next");
    // Instance A claims the run, then dies before finishing it.
    let lease = SchedulerSettings::new("a").lease;
    let a = b
        .run_queue
        .claim_due(due, 10, "a", lease)
        .await
        .expect("claim");
    assert_eq!(a.len(), 1);
    drop(a);
    // Instance B, restarted on the same database: nothing to do until the lease ends.
    let restarted = rig(b.second_run_queue(), "b", due);
    let report = restarted.tick_at(due + Duration::minutes(1)).await;
    assert_eq!(report.claimed, 0);
    let report = restarted.tick_at(due + lease + Duration::seconds(1)).await;
    assert_eq!((report.claimed, report.finished), (1, 1));
    // And never again.
    restarted.tick_at(due + lease + Duration::minutes(2)).await;
    let all = runs(b, &kim, r.id).await;
    assert_eq!(all.len(), 1, "{}: one run row", b.name);
    assert_eq!(all[0].status, RunStatus::Success);
    assert_eq!(all[0].lease_owner.as_deref(), Some("b"));
    assert_eq!(restarted.runner.calls(r.id), 1);
    let after = b
        .reservations
        .find(kim.id, r.id)
        .await
        .expect("find")
        .expect("some");
    assert_eq!(after.next_run_at, Some(due + Duration::days(7)));
}

pub async fn two_schedulers_run_500_due_reservations_exactly_once(b: &Backend) {
    let start = utc("2026-11-24T00:00:00Z");
    let kim = shopper(b, start).await;
    let mut ids = Vec::new();
    for i in 0..500 {
        // Distinct titles: identical live reservations are refused.
        let mut r = reservation(&kim, weekly("09:00", 6, "Asia/Seoul"), start);
        r.title = Title::parse(&format!("정기 장보기 {i}")).expect("title");
        b.reservations.create(&r, 1000).await.expect("create");
        ids.push(r.id);
    }
    let due = utc("2026-11-28T00:00:00Z") + Duration::minutes(1);
    let one = Arc::new(rig(b.run_queue.clone(), "instance-1", due));
    let two = Arc::new(rig(b.second_run_queue(), "instance-2", due));
    let (x, y) = (one.clone(), two.clone());
    let (r1, r2) = tokio::join!(
        tokio::spawn(async move { x.tick_at(due).await }),
        tokio::spawn(async move { y.tick_at(due).await })
    );
    let (r1, r2) = (r1.expect("tick 1"), r2.expect("tick 2"));
    assert_eq!(r1.claimed + r2.claimed, 500, "{r1:?} {r2:?}");
    assert_eq!(r1.lost + r2.lost, 0);
    // Both tick again: nothing is due any more.
    assert_eq!(one.tick_at(due + Duration::minutes(1)).await.claimed, 0);
    assert_eq!(two.tick_at(due + Duration::minutes(1)).await.claimed, 0);

    // From the run records: one successful run per reservation, for its occurrence.
    let mut by_owner: HashMap<String, u32> = HashMap::new();
    for id in &ids {
        let all = runs(b, &kim, *id).await;
        assert_eq!(
            all.len(),
            1,
            "{}: reservation {id} ran {} times",
            b.name,
            all.len()
        );
        assert_eq!(all[0].status, RunStatus::Success);
        assert_eq!(all[0].scheduled_for, utc("2026-11-28T00:00:00Z"));
        *by_owner
            .entry(all[0].lease_owner.clone().unwrap_or_default())
            .or_default() += 1;
    }
    assert_eq!(one.runner.total_calls() + two.runner.total_calls(), 500);
    assert_eq!(by_owner.values().sum::<u32>(), 500);
    eprintln!("{}: runs per instance {by_owner:?}", b.name);
}
