//! `ReservationRepository`, `RunQueue` and `NotificationRepository`: storage
//! of reservations, atomic claims with leases, and the inbox.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use ttokjang_domain::basket::{ItemName, ProductRef, Quantity};
use ttokjang_domain::notification::Notification;
use ttokjang_domain::page::PageRequest;
use ttokjang_domain::planner::PlanMode;
use ttokjang_domain::ports::{ClaimedRun, CreateReservationError, RunFinish};
use ttokjang_domain::reservation::{
    Channel, NewReservation, PlannedItem, Reservation, ReservationId, ReservationRun,
    ReservationStatus, ResultStatus, RetryPolicy, RunOutcome, RunStatus, ScheduleInput, Title,
    WebhookUrl,
};
use ttokjang_domain::user::User;
use uuid::Uuid;

use crate::fixtures::{t0, user};
use crate::Backend;

/// Plan request ids the fake runs report.
const PR_CONTRACT: uuid::Uuid = uuid::Uuid::from_u128(0xc0a7_0000_0000_4000_8000_0000_0000_0001);
const PR_READ: uuid::Uuid = uuid::Uuid::from_u128(0xc0a7_0000_0000_4000_8000_0000_0000_0002);

pub fn weekly(owner: &User, title: &str, at: DateTime<Utc>) -> Reservation {
    Reservation::create(
        ReservationId(Uuid::new_v4()),
        owner.id,
        NewReservation {
            title: Title::parse(title).expect("title"),
            mode: PlanMode::Offline,
            schedule: ScheduleInput {
                schedule_type: "weekly".into(),
                time_of_day: Some("09:00".into()),
                days_of_week: Some(vec![6]),
                ..ScheduleInput::default()
            }
            .parse()
            .expect("schedule"),
            channel: Channel::InApp,
            planned_items: None,
        },
        at,
    )
    .expect("reservation")
}

async fn kim(b: &Backend) -> User {
    let u = user(&format!("kim{}@example.com", Uuid::new_v4().simple()), t0());
    b.users.create(&u, None, t0()).await.expect("user");
    u
}

/// A reservation due at its `next_run_at`, stored.
pub(crate) async fn stored(b: &Backend, owner: &User, title: &str) -> Reservation {
    let r = weekly(owner, title, t0());
    b.reservations.create(&r, 1000).await.expect("create");
    r
}

pub(crate) fn finish_with(
    claimed: &ClaimedRun,
    plan_request: Option<uuid::Uuid>,
    status: ResultStatus,
    at: DateTime<Utc>,
) -> RunFinish {
    RunFinish {
        plan_request_id: plan_request,
        ..finish(claimed, status, at)
    }
}

fn finish(claimed: &ClaimedRun, status: ResultStatus, at: DateTime<Utc>) -> RunFinish {
    RunFinish {
        status: status.into(),
        summary: "요약".into(),
        // A run with plans links to them.
        plan_request_id: (status != ResultStatus::Failed).then_some(PR_CONTRACT),
        finished_at: at,
        progress: claimed.reservation.after_run(
            &claimed.run,
            status,
            at,
            &RetryPolicy::default(),
            0.5,
        ),
    }
}

pub async fn reservation_round_trips_for_its_owner_only(b: &Backend) {
    let kim = kim(b).await;
    let lee = self::kim(b).await;
    let mut r = weekly(&kim, "주말 장보기", t0());
    r.channel = Channel::Webhook(WebhookUrl::parse("https://hooks.example.com/t").expect("url"));
    b.reservations.create(&r, 20).await.expect("create");
    assert_eq!(
        b.reservations.find(kim.id, r.id).await.expect("find"),
        Some(r.clone())
    );
    assert_eq!(
        b.reservations.find(lee.id, r.id).await.expect("find"),
        None,
        "{}",
        b.name
    );

    let mut changed = r.clone();
    changed.pause(t0() + Duration::minutes(1)).expect("pause");
    changed.title = Title::parse("평일 장보기").expect("title");
    assert!(b.reservations.update(&changed).await.expect("update"));
    assert_eq!(
        b.reservations.find(kim.id, r.id).await.expect("find"),
        Some(changed.clone())
    );
    let mut stranger = changed.clone();
    stranger.user_id = lee.id;
    assert!(
        !b.reservations.update(&stranger).await.expect("update"),
        "not lee's"
    );
}

pub async fn list_pages_newest_first_and_limit_counts_live_ones(b: &Backend) {
    let kim = kim(b).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let r = weekly(&kim, &format!("장보기 {i}"), t0() + Duration::seconds(i));
        b.reservations.create(&r, 5).await.expect("create");
        ids.push(r.id);
    }
    let sixth = weekly(&kim, "하나 더", t0());
    assert_eq!(
        b.reservations.create(&sixth, 5).await,
        Err(CreateReservationError::LimitReached { max: 5 })
    );
    let mut seen = Vec::new();
    let mut page = PageRequest {
        limit: 2,
        after: None,
    };
    loop {
        let p = b.reservations.list(kim.id, &page).await.expect("list");
        seen.extend(p.items.iter().map(|r| r.id));
        match p.next_cursor {
            Some(c) => page.after = Some(c),
            None => break,
        }
    }
    ids.reverse();
    assert_eq!(seen, ids, "newest first, each once");
    // A cancelled reservation frees a place.
    let mut first = b
        .reservations
        .find(kim.id, ids[0])
        .await
        .expect("find")
        .expect("some");
    first.cancel(t0()).expect("cancel");
    b.reservations.update(&first).await.expect("update");
    b.reservations.create(&sixth, 5).await.expect("room again");
}

pub async fn claim_takes_due_reservations_once_and_finish_moves_them_on(b: &Backend) {
    let kim = kim(b).await;
    let r = stored(b, &kim, "토요일").await;
    let due_at = r.next_run_at.expect("next");
    let early = b
        .run_queue
        .claim_due(
            due_at - Duration::seconds(1),
            10,
            "w1",
            Duration::minutes(5),
        )
        .await
        .expect("claim");
    assert!(early.is_empty(), "not due yet");
    let claimed = b
        .run_queue
        .claim_due(due_at, 10, "w1", Duration::minutes(5))
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    let c = &claimed[0];
    assert_eq!(
        (c.run.scheduled_for, c.run.status, c.run.attempt),
        (due_at, RunStatus::Running, 1)
    );
    assert_eq!(c.run.lease_owner.as_deref(), Some("w1"));
    let again = b
        .run_queue
        .claim_due(
            due_at + Duration::minutes(1),
            10,
            "w2",
            Duration::minutes(5),
        )
        .await
        .expect("claim");
    assert!(again.is_empty(), "claimed already");

    let done_at = due_at + Duration::seconds(5);
    let f = finish(c, ResultStatus::Success, done_at);
    assert!(
        !b.run_queue
            .finish_run(c.run.id, "w2", &f)
            .await
            .expect("finish"),
        "not w2's lease"
    );
    assert!(b
        .run_queue
        .finish_run(c.run.id, "w1", &f)
        .await
        .expect("finish"));
    assert!(
        !b.run_queue
            .finish_run(c.run.id, "w1", &f)
            .await
            .expect("finish"),
        "only once"
    );
    let after = b
        .reservations
        .find(kim.id, r.id)
        .await
        .expect("find")
        .expect("some");
    assert_eq!(after.next_run_at, Some(due_at + Duration::days(7)));
    assert_eq!(after.last_result_status, Some(ResultStatus::Success));
    assert_eq!(after.last_run_at, Some(done_at));
    let runs = b
        .reservations
        .runs(kim.id, r.id, &PageRequest::default())
        .await
        .expect("runs");
    assert_eq!(runs.items.len(), 1);
    assert_eq!(
        (runs.items[0].status, runs.items[0].summary.as_str()),
        (RunStatus::Success, "요약")
    );
    let lee = self::kim(b).await;
    let theirs = b
        .reservations
        .runs(lee.id, r.id, &PageRequest::default())
        .await
        .expect("runs");
    assert!(
        theirs.items.is_empty(),
        "another user's runs are not listed"
    );
}

pub async fn concurrent_claimers_take_each_occurrence_once(b: &Backend) {
    let kim = kim(b).await;
    let lee = self::kim(b).await;
    let mut all = HashSet::new();
    for i in 0..30 {
        let owner = if i % 2 == 0 { &kim } else { &lee };
        let r = weekly(owner, &format!("r{i}"), t0());
        b.reservations.create(&r, 1000).await.expect("create");
        all.insert(r.id);
    }
    let due = weekly(&kim, "x", t0()).next_run_at.expect("next") + Duration::minutes(1);
    let second = b.second_run_queue();
    let mut tasks = Vec::new();
    for (i, q) in [
        b.run_queue.clone(),
        second,
        b.run_queue.clone(),
        b.second_run_queue(),
    ]
    .into_iter()
    .enumerate()
    {
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let c = q
                    .claim_due(due, 4, &format!("w{i}"), Duration::minutes(5))
                    .await
                    .expect("claim");
                if c.is_empty() {
                    break;
                }
                got.extend(c);
            }
            got
        }));
    }
    let mut claimed = Vec::new();
    for t in tasks {
        claimed.extend(t.await.expect("task"));
    }
    let ids: Vec<ReservationId> = claimed.iter().map(|c| c.reservation.id).collect();
    let unique: HashSet<_> = ids.iter().copied().collect();
    assert_eq!(ids.len(), 30, "{}: each claimed once", b.name);
    assert_eq!(unique, all);
}

pub async fn expired_lease_is_claimed_again_without_a_second_run(b: &Backend) {
    let kim = kim(b).await;
    let r = stored(b, &kim, "크래시").await;
    let due_at = r.next_run_at.expect("next");
    let lease = Duration::minutes(5);
    let a = b
        .run_queue
        .claim_due(due_at, 10, "a", lease)
        .await
        .expect("claim");
    assert_eq!(a.len(), 1);
    // Worker a dies. Before its lease ends nobody takes the run over.
    let early = b
        .run_queue
        .claim_due(due_at + Duration::minutes(4), 10, "b", lease)
        .await
        .expect("claim");
    assert!(early.is_empty());
    let later = due_at + Duration::minutes(6);
    let taken = b
        .second_run_queue()
        .claim_due(later, 10, "b", lease)
        .await
        .expect("claim");
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].run.id, a[0].run.id, "the same run row");
    assert_eq!(taken[0].run.lease_owner.as_deref(), Some("b"));
    assert_eq!(taken[0].run.lease_expires_at, Some(later + lease));
    // a comes back to life: its result no longer counts.
    let f = finish(&a[0], ResultStatus::Success, later);
    assert!(!b
        .run_queue
        .finish_run(a[0].run.id, "a", &f)
        .await
        .expect("finish"));
    assert!(b
        .run_queue
        .finish_run(taken[0].run.id, "b", &f)
        .await
        .expect("finish"));
    let runs = b
        .reservations
        .runs(kim.id, r.id, &PageRequest::default())
        .await
        .expect("runs");
    assert_eq!(runs.items.len(), 1, "{}: no duplicate run", b.name);
    assert_eq!(runs.items[0].status, RunStatus::Success);
    assert_eq!(
        runs.items[0].plan_request_id,
        Some(PR_CONTRACT),
        "the run names the plan it produced"
    );
}

pub async fn catch_up_runs_the_latest_and_records_missed_ones(b: &Backend) {
    let kim = kim(b).await;
    let r = stored(b, &kim, "긴 정전").await;
    let first = r.next_run_at.expect("next");
    // Down for three Saturdays.
    let now = first + Duration::days(14) + Duration::hours(1);
    let c = b
        .run_queue
        .claim_due(now, 10, "w", Duration::minutes(5))
        .await
        .expect("claim");
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].run.scheduled_for, first + Duration::days(14));
    assert_eq!(c[0].missed, 2);
    let runs = b
        .reservations
        .runs(kim.id, r.id, &PageRequest::default())
        .await
        .expect("runs");
    let statuses: Vec<_> = runs
        .items
        .iter()
        .map(|r| (r.scheduled_for, r.status))
        .collect();
    assert_eq!(
        statuses,
        [
            (first + Duration::days(14), RunStatus::Running),
            (first + Duration::days(7), RunStatus::Missed),
            (first, RunStatus::Missed),
        ]
    );
}

pub async fn run_now_is_queued_once_and_claimed_next(b: &Backend) {
    let kim = kim(b).await;
    let r = stored(b, &kim, "지금").await;
    let now = t0() + Duration::hours(1);
    let run = ReservationRun::manual(Uuid::new_v4(), r.id, now);
    assert!(b.reservations.enqueue(&run).await.expect("enqueue"));
    let twice = ReservationRun::manual(Uuid::new_v4(), r.id, now + Duration::seconds(1));
    assert!(
        !b.reservations.enqueue(&twice).await.expect("enqueue"),
        "one open run at a time"
    );
    let c = b
        .run_queue
        .claim_due(now, 10, "w", Duration::minutes(5))
        .await
        .expect("claim");
    assert_eq!(c.len(), 1);
    assert_eq!((c[0].run.id, c[0].run.status), (run.id, RunStatus::Running));
    let f = finish(&c[0], ResultStatus::Failed, now);
    assert!(b
        .run_queue
        .finish_run(run.id, "w", &f)
        .await
        .expect("finish"));
    let after = b
        .reservations
        .find(kim.id, r.id)
        .await
        .expect("find")
        .expect("some");
    assert_eq!(
        after.next_run_at, r.next_run_at,
        "a manual run leaves the schedule alone"
    );
    assert_eq!(
        (after.retry_count, after.last_result_status),
        (0, Some(ResultStatus::Failed))
    );
    // A cancelled reservation's queued run is closed, not run.
    let later = ReservationRun::manual(Uuid::new_v4(), r.id, now + Duration::minutes(1));
    assert!(b.reservations.enqueue(&later).await.expect("enqueue"));
    let mut cancelled = after.clone();
    cancelled.cancel(now).expect("cancel");
    b.reservations.update(&cancelled).await.expect("update");
    let c = b
        .run_queue
        .claim_due(now + Duration::minutes(2), 10, "w", Duration::minutes(5))
        .await
        .expect("claim");
    assert!(c.is_empty());
    let runs = b
        .reservations
        .runs(kim.id, r.id, &PageRequest::default())
        .await
        .expect("runs");
    assert_eq!(runs.items[0].status, RunStatus::Failed);
    assert_eq!(cancelled.status, ReservationStatus::Cancelled);
}

pub async fn inbox_entries_are_read_by_their_owner_only(b: &Backend) {
    let kim = kim(b).await;
    let lee = self::kim(b).await;
    let r = stored(b, &kim, "읽음").await;
    let outcome = RunOutcome::new(ResultStatus::Success, "1곳, 9,000원").with_plan_request(PR_READ);
    let mut ids = Vec::new();
    for i in 0..3 {
        let run = ReservationRun::manual(Uuid::new_v4(), r.id, t0());
        let n = Notification::for_run(
            Uuid::new_v4(),
            &r,
            &run,
            &outcome,
            t0() + Duration::seconds(i),
        );
        assert!(b.notifications.add(&n).await.expect("add"));
        ids.push(n.id);
    }
    assert_eq!(b.notifications.unread_count(kim.id).await, Ok(3));
    assert_eq!(b.notifications.unread_count(lee.id).await, Ok(0));
    // Another user's ids mark nothing.
    assert_eq!(b.notifications.mark_read(lee.id, &ids, t0()).await, Ok(0));
    let read_at = t0() + Duration::minutes(1);
    assert_eq!(
        b.notifications
            .mark_read(kim.id, &[ids[0], Uuid::new_v4()], read_at)
            .await,
        Ok(1)
    );
    // Again: already read, nothing more.
    assert_eq!(
        b.notifications.mark_read(kim.id, &[ids[0]], read_at).await,
        Ok(0)
    );
    assert_eq!(b.notifications.unread_count(kim.id).await, Ok(2));
    let page = b
        .notifications
        .list(kim.id, &PageRequest::default())
        .await
        .expect("list");
    let first = page.items.iter().find(|n| n.id == ids[0]).expect("listed");
    assert_eq!(first.read_at, Some(read_at));
    assert_eq!(first.plan_request_id, Some(PR_READ));
    assert!(page
        .items
        .iter()
        .filter(|n| n.id != ids[0])
        .all(|n| n.read_at.is_none()));
    assert_eq!(b.notifications.mark_all_read(kim.id, read_at).await, Ok(2));
    assert_eq!(b.notifications.unread_count(kim.id).await, Ok(0));
}

pub async fn inbox_lists_newest_first_and_keeps_one_entry_per_run(b: &Backend) {
    let kim = kim(b).await;
    let lee = self::kim(b).await;
    let r = stored(b, &kim, "알림").await;
    let outcome = RunOutcome::new(ResultStatus::Success, "2곳, 31,200원");
    let mut ids = Vec::new();
    for i in 0..3 {
        let run = ReservationRun::manual(Uuid::new_v4(), r.id, t0());
        let n = Notification::for_run(
            Uuid::new_v4(),
            &r,
            &run,
            &outcome,
            t0() + Duration::seconds(i),
        );
        assert!(b.notifications.add(&n).await.expect("add"));
        let again = Notification {
            id: Uuid::new_v4(),
            ..n.clone()
        };
        assert!(!b.notifications.add(&again).await.expect("add"), "same run");
        ids.push(n.id);
    }
    let page = b
        .notifications
        .list(
            kim.id,
            &PageRequest {
                limit: 2,
                after: None,
            },
        )
        .await
        .expect("list");
    assert_eq!(
        page.items.iter().map(|n| n.id).collect::<Vec<_>>(),
        [ids[2], ids[1]]
    );
    assert_eq!(page.items[0].body, "2곳, 31,200원");
    let rest = b
        .notifications
        .list(
            kim.id,
            &PageRequest {
                limit: 2,
                after: page.next_cursor,
            },
        )
        .await
        .expect("list");
    assert_eq!(
        rest.items.iter().map(|n| n.id).collect::<Vec<_>>(),
        [ids[0]]
    );
    assert_eq!(rest.next_cursor, None);
    assert!(b
        .notifications
        .list(lee.id, &PageRequest::default())
        .await
        .expect("list")
        .items
        .is_empty());
}

fn planned(lines: &[(Option<&str>, &str, i64)]) -> Option<Vec<PlannedItem>> {
    Some(
        lines
            .iter()
            .map(|(product, name, quantity)| PlannedItem {
                product_id: product.map(|p| ProductRef::parse(p).expect("product id")),
                name: ItemName::parse(name).expect("name"),
                quantity: Quantity::new(*quantity).expect("quantity"),
            })
            .collect(),
    )
}

pub async fn planned_items_round_trip_and_are_replaced_or_cleared(b: &Backend) {
    let kim = kim(b).await;
    let lee = self::kim(b).await;
    let mut r = weekly(&kim, "우유와 두부", t0());
    r.planned_items = planned(&[(Some("milk"), "서울우유 1L", 2), (None, "두부", 1)]);
    b.reservations.create(&r, 20).await.expect("create");
    let plain = stored(b, &kim, "장바구니 그대로").await;
    assert_eq!(
        b.reservations.find(kim.id, r.id).await.expect("find"),
        Some(r.clone()),
        "{}",
        b.name
    );
    let listed = b
        .reservations
        .list(kim.id, &PageRequest::default())
        .await
        .expect("list");
    let by_id = |id: ReservationId| listed.items.iter().find(|x| x.id == id).cloned();
    assert_eq!(by_id(r.id), Some(r.clone()));
    assert_eq!(by_id(plain.id).map(|p| p.planned_items), Some(None));

    // Replaced, in the new order.
    let mut changed = r.clone();
    changed.planned_items = planned(&[(None, "두부", 3), (Some("egg"), "계란 30구", 1)]);
    assert!(b.reservations.update(&changed).await.expect("update"));
    assert_eq!(
        b.reservations.find(kim.id, r.id).await.expect("find"),
        Some(changed.clone())
    );
    // Another user's update writes nothing, items included.
    let mut stranger = changed.clone();
    stranger.user_id = lee.id;
    stranger.planned_items = planned(&[(None, "남의 것", 1)]);
    assert!(!b.reservations.update(&stranger).await.expect("update"));
    assert_eq!(
        b.reservations
            .find(kim.id, r.id)
            .await
            .expect("find")
            .and_then(|x| x.planned_items),
        changed.planned_items
    );
    // Cleared: the live basket again.
    let mut cleared = changed.clone();
    cleared.planned_items = None;
    assert!(b.reservations.update(&cleared).await.expect("update"));
    assert_eq!(
        b.reservations.find(kim.id, r.id).await.expect("find"),
        Some(cleared)
    );
}

pub async fn claimed_runs_carry_the_reservations_items(b: &Backend) {
    let kim = kim(b).await;
    let mut r = weekly(&kim, "정해둔 품목", t0());
    r.planned_items = planned(&[(Some("milk"), "서울우유 1L", 2), (None, "두부", 1)]);
    b.reservations.create(&r, 20).await.expect("create");
    let plain = stored(b, &kim, "장바구니").await;
    let due_at = r.next_run_at.expect("next");
    let claimed = b
        .run_queue
        .claim_due(due_at, 10, "w1", Duration::minutes(5))
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 2, "{}", b.name);
    for c in &claimed {
        let expected = if c.reservation.id == r.id {
            r.planned_items.clone()
        } else {
            assert_eq!(c.reservation.id, plain.id);
            None
        };
        assert_eq!(c.reservation.planned_items, expected, "scheduled claim");
    }
    // A "run now" is claimed through the queued-run path: items there too.
    for c in &claimed {
        let f = finish(c, ResultStatus::Success, due_at);
        assert!(b
            .run_queue
            .finish_run(c.run.id, "w1", &f)
            .await
            .expect("finish"));
    }
    let now = due_at + Duration::minutes(1);
    let run = ReservationRun::manual(Uuid::new_v4(), r.id, now);
    assert!(b.reservations.enqueue(&run).await.expect("enqueue"));
    let c = b
        .run_queue
        .claim_due(now, 10, "w2", Duration::minutes(5))
        .await
        .expect("claim");
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].run.id, run.id);
    assert_eq!(c[0].reservation.planned_items, r.planned_items);
}

pub async fn identical_means_the_same_items_too(b: &Backend) {
    let kim = kim(b).await;
    let mut first = weekly(&kim, "주말", t0());
    first.planned_items = planned(&[(Some("milk"), "서울우유 1L", 2)]);
    b.reservations.create(&first, 20).await.expect("create");
    // Same schedule, the live basket: not identical.
    let basket = weekly(&kim, "주말", t0());
    b.reservations
        .create(&basket, 20)
        .await
        .expect("basket one");
    // Same schedule, other items: not identical.
    let mut other = weekly(&kim, "주말", t0());
    other.planned_items = planned(&[(Some("milk"), "서울우유 1L", 3)]);
    b.reservations
        .create(&other, 20)
        .await
        .expect("other items");
    // Same items again: the first one is named.
    let mut again = weekly(&kim, "주말", t0());
    again.planned_items = first.planned_items.clone();
    assert_eq!(
        b.reservations.create(&again, 20).await,
        Err(CreateReservationError::Duplicate { existing: first.id })
    );
    assert_eq!(
        b.reservations.create(&weekly(&kim, "주말", t0()), 20).await,
        Err(CreateReservationError::Duplicate {
            existing: basket.id
        })
    );
    assert_eq!(
        b.reservations.find(kim.id, again.id).await.expect("find"),
        None,
        "nothing written"
    );
}
