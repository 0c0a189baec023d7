use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::service::{ReservationInput, ReservationPatch, ReservationService};
use super::*;
use crate::catalog::ports::MockCatalogRepository;
use crate::page::{Page, PageRequest};
use crate::planner::PlanMode;
use crate::reservation::ports::MockReservationRepository;
use crate::system::{MockClock, MockRandomSource};
use crate::user::UserId;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("rfc3339")
        .with_timezone(&Utc)
}

fn weekly_input(time: &str, days: &[i64]) -> ScheduleInput {
    ScheduleInput {
        schedule_type: "weekly".into(),
        time_of_day: Some(time.into()),
        days_of_week: Some(days.to_vec()),
        ..ScheduleInput::default()
    }
}

fn saturday_morning(now: DateTime<Utc>) -> Reservation {
    Reservation::create(
        ReservationId(Uuid::new_v4()),
        UserId(Uuid::new_v4()),
        NewReservation {
            title: Title::parse("주말 장보기").expect("title"),
            mode: PlanMode::Offline,
            schedule: weekly_input("09:00", &[6]).parse().expect("schedule"),
            channel: Channel::InApp,
            planned_items: None,
        },
        now,
    )
    .expect("create")
}

fn fields(e: &ReservationError) -> Vec<&'static str> {
    match e {
        ReservationError::Invalid(v) => v.iter().map(|p| p.field).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

#[test]
fn titles_are_one_to_sixty_characters() {
    assert!(Title::parse("  우유  ").is_ok_and(|t| t.as_str() == "우유"));
    assert!(Title::parse(&"가".repeat(60)).is_ok());
    assert!(Title::parse(&"가".repeat(61)).is_err());
    assert!(Title::parse("   ").is_err());
    assert!(Title::parse("a\u{7}b").is_err());
}

#[test]
fn webhook_urls_are_absolute_https_to_public_hosts() {
    let ok = WebhookUrl::parse("https://hooks.example.com/t?x=1").expect("ok");
    assert_eq!(ok.as_str(), "https://hooks.example.com/t?x=1");
    assert_eq!(
        WebhookUrl::parse("HTTPS://Hooks.Example.COM").map(|u| u.as_str().to_owned()),
        Ok("https://hooks.example.com/".to_owned())
    );
    for bad in [
        "http://hooks.example.com/",
        "/relative",
        "hooks.example.com",
        "https://user:pw@hooks.example.com/",
        "https://user@hooks.example.com/",
        "https://localhost/x",
        "https://127.0.0.1/x",
        "https://10.0.0.8/x",
        "https://192.168.1.1/",
        "https://169.254.169.254/latest",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::127.0.0.1]/hook",
        "https://[::7f00:1]/hook",
        "https://[2002:7f00:1::1]/",
        "https://[64:ff9b::a9fe:a9fe]/",
        "https://localhost.localdomain/",
        "https://LOCALHOST.localdomain./x",
        "https://box.localdomain/",
        "https://localdomain/",
        "https://api.localhost/",
        "https:\\\\evil.com",
        "https://hooks.exa mple.com/",
        "ftp://hooks.example.com",
        "",
    ] {
        assert!(WebhookUrl::parse(bad).is_err(), "{bad:?} must be refused");
    }
}

#[test]
fn channels_need_a_url_exactly_for_webhooks() {
    assert_eq!(Channel::parse("in_app", None), Ok(Channel::InApp));
    assert_eq!(Channel::parse("email", None), Ok(Channel::Email));
    assert!(Channel::parse("webhook", None).is_err());
    assert!(Channel::parse("in_app", Some("https://a.example.com")).is_err());
    assert!(Channel::parse("sms", None).is_err());
    assert_eq!(
        Channel::parse("webhook", Some("https://a.example.com/h")).map(|c| c.kind()),
        Ok("webhook")
    );
}

#[test]
fn schedule_input_reports_every_problem() {
    let e = ScheduleInput {
        schedule_type: "weekly".into(),
        time_of_day: Some("25:00".into()),
        days_of_week: Some(vec![0, 8]),
        day_of_month: Some(3),
        timezone: Some("Mars/Olympus".into()),
        ..ScheduleInput::default()
    }
    .parse()
    .expect_err("invalid");
    let f: Vec<_> = e.iter().map(|p| p.field).collect();
    for want in ["timezone", "day_of_month", "time_of_day", "days_of_week"] {
        assert!(f.contains(&want), "{want} in {f:?}");
    }
    assert!(ScheduleInput {
        schedule_type: "hourly".into(),
        ..ScheduleInput::default()
    }
    .parse()
    .is_err());
    assert!(weekly_input("9:00", &[1]).parse().is_err(), "HH:MM only");
}

#[test]
fn once_accepts_offset_or_local_time_and_round_trips() {
    let with_offset = ScheduleInput {
        schedule_type: "once".into(),
        run_at: Some("2026-12-05T00:00:00Z".into()),
        ..ScheduleInput::default()
    }
    .parse()
    .expect("offset");
    let local = ScheduleInput {
        schedule_type: "once".into(),
        run_at: Some("2026-12-05T09:00".into()),
        timezone: Some("Asia/Seoul".into()),
        ..ScheduleInput::default()
    }
    .parse()
    .expect("local");
    assert_eq!(with_offset, local, "00:00Z is 09:00 in Seoul");
    let spelled = ScheduleInput::from_schedule(&local);
    assert_eq!(spelled.run_at.as_deref(), Some("2026-12-05T09:00:00"));
    assert_eq!(spelled.parse(), Ok(local.clone()));
    let weekly = weekly_input("07:30", &[6, 1]).parse().expect("weekly");
    let spelled = ScheduleInput::from_schedule(&weekly);
    assert_eq!(spelled.days_of_week, Some(vec![1, 6]));
    assert_eq!(spelled.timezone.as_deref(), Some("Asia/Seoul"));
    assert_eq!(spelled.parse(), Ok(weekly.clone()));
    assert_eq!(spelled.rule(), "07:30 1,6");
    let monthly = ScheduleInput {
        schedule_type: "monthly".into(),
        time_of_day: Some("08:00".into()),
        day_of_month: Some(31),
        timezone: Some("America/New_York".into()),
        ..ScheduleInput::default()
    }
    .parse()
    .expect("monthly");
    for s in [weekly, monthly, local] {
        let spelled = ScheduleInput::from_schedule(&s);
        let back = ScheduleInput::from_rule(&spelled.schedule_type, &spelled.rule(), s.timezone());
        assert_eq!(back.parse(), Ok(s));
    }
    assert!(ScheduleInput::from_rule("weekly", "09:00 x", "Asia/Seoul")
        .parse()
        .is_err());
}

#[test]
fn a_new_reservation_is_active_with_its_next_run() {
    let now = utc("2026-11-24T03:00:00Z");
    let r = saturday_morning(now);
    assert_eq!(r.status, ReservationStatus::Active);
    assert_eq!(r.next_run_at, Some(utc("2026-11-28T00:00:00Z")));
    assert_eq!(r.retry_count, 0);
    let past_once = ScheduleInput {
        schedule_type: "once".into(),
        run_at: Some("2020-01-01T09:00".into()),
        ..ScheduleInput::default()
    }
    .parse()
    .expect("schedule");
    let e = Reservation::create(
        ReservationId(Uuid::new_v4()),
        r.user_id,
        NewReservation {
            title: r.title.clone(),
            mode: PlanMode::Online,
            schedule: past_once,
            channel: Channel::InApp,
            planned_items: None,
        },
        now,
    )
    .expect_err("past");
    assert_eq!(fields(&e), ["run_at"]);
}

#[test]
fn pause_resume_and_cancel_follow_the_state_machine() {
    let now = utc("2026-11-24T03:00:00Z");
    let mut r = saturday_morning(now);
    r.pause(now).expect("pause");
    assert_eq!((r.status, r.next_run_at), (ReservationStatus::Paused, None));
    r.pause(now).expect("pausing twice is harmless");
    // Resumed after two Saturdays went by: the next run counts from now.
    let later = utc("2026-12-09T00:00:00Z");
    r.retry_count = 2;
    r.resume(later).expect("resume");
    assert_eq!(r.status, ReservationStatus::Active);
    assert_eq!(r.next_run_at, Some(utc("2026-12-12T00:00:00Z")));
    assert_eq!((r.retry_count, r.updated_at), (0, later));

    r.status = ReservationStatus::Failed;
    assert!(matches!(r.pause(now), Err(ReservationError::Conflict(_))));
    r.resume(later)
        .expect("a failed reservation can be resumed");

    r.cancel(later).expect("cancel");
    assert_eq!(
        (r.status, r.next_run_at),
        (ReservationStatus::Cancelled, None)
    );
    r.cancel(later).expect("cancelling twice is harmless");
    for result in [
        r.pause(later),
        r.resume(later),
        r.rename(Title::parse("x").expect("t"), later),
        r.reschedule(r.schedule.clone(), later),
        r.change_channel(Channel::Email, later),
        r.can_run_now(),
    ] {
        assert!(matches!(result, Err(ReservationError::Conflict(_))));
    }
    r.status = ReservationStatus::Completed;
    assert!(matches!(
        r.cancel(later),
        Err(ReservationError::Conflict(_))
    ));
}

#[test]
fn reschedule_moves_the_next_run_only_when_active() {
    let now = utc("2026-11-24T03:00:00Z");
    let mut r = saturday_morning(now);
    let daily = ScheduleInput {
        schedule_type: "daily".into(),
        time_of_day: Some("20:00".into()),
        ..ScheduleInput::default()
    }
    .parse()
    .expect("daily");
    r.reschedule(daily.clone(), now).expect("reschedule");
    assert_eq!(r.next_run_at, Some(utc("2026-11-24T11:00:00Z")));
    r.pause(now).expect("pause");
    r.reschedule(daily, now).expect("reschedule paused");
    assert_eq!(r.next_run_at, None);
}

fn run_for(r: &Reservation, at: DateTime<Utc>, trigger: RunTrigger) -> ReservationRun {
    let mut run = ReservationRun::leased(Uuid::new_v4(), r, at, "w1", at, Duration::minutes(5));
    run.trigger = trigger;
    run
}

#[test]
fn success_moves_to_the_next_occurrence_and_once_completes() {
    let now = utc("2026-11-24T03:00:00Z");
    let mut r = saturday_morning(now);
    let first = r.next_run_at.expect("next");
    let run = run_for(&r, first, RunTrigger::Schedule);
    r.retry_count = 1;
    let p = r.after_run(
        &run,
        ResultStatus::Degraded,
        first + Duration::seconds(3),
        &RetryPolicy::default(),
        0.5,
    );
    assert_eq!(
        p.next,
        Some(NextState {
            status: ReservationStatus::Active,
            next_run_at: Some(first + Duration::days(7)),
            retry_count: 0
        })
    );
    assert_eq!(p.last_result_status, ResultStatus::Degraded);

    r.schedule = ScheduleInput {
        schedule_type: "once".into(),
        run_at: Some("2026-11-28T09:00".into()),
        ..ScheduleInput::default()
    }
    .parse()
    .expect("once");
    let p = r.after_run(
        &run,
        ResultStatus::Success,
        first,
        &RetryPolicy::default(),
        0.0,
    );
    let n = p.next.expect("scheduled");
    assert_eq!(
        (n.status, n.next_run_at),
        (ReservationStatus::Completed, None)
    );
}

#[test]
fn failures_retry_with_backoff_then_fail() {
    let now = utc("2026-11-24T03:00:00Z");
    let mut r = saturday_morning(now);
    let policy = RetryPolicy::default();
    let at = r.next_run_at.expect("next");
    let mut delays = Vec::new();
    for attempt in 0..policy.max_retries {
        let run = run_for(&r, at, RunTrigger::Schedule);
        let p = r
            .after_run(&run, ResultStatus::Failed, at, &policy, 0.0)
            .next
            .expect("scheduled");
        assert_eq!(p.status, ReservationStatus::Active);
        assert_eq!(p.retry_count, attempt + 1);
        let next = p.next_run_at.expect("retry");
        delays.push(next - at);
        r.retry_count = p.retry_count;
    }
    assert_eq!(
        delays,
        [
            Duration::seconds(150),
            Duration::seconds(300),
            Duration::seconds(600)
        ],
        "exponential from 5 min with half jitter at 0"
    );
    let run = run_for(&r, at, RunTrigger::Schedule);
    let p = r
        .after_run(&run, ResultStatus::Failed, at, &policy, 0.9)
        .next
        .expect("scheduled");
    assert_eq!((p.status, p.next_run_at), (ReservationStatus::Failed, None));
}

#[test]
fn manual_runs_only_record_their_result() {
    let now = utc("2026-11-24T03:00:00Z");
    let r = saturday_morning(now);
    let run = run_for(&r, now, RunTrigger::Manual);
    let p = r.after_run(
        &run,
        ResultStatus::Failed,
        now,
        &RetryPolicy::default(),
        0.0,
    );
    assert_eq!(p.next, None, "the schedule is left alone");
    assert_eq!(p.last_result_status, ResultStatus::Failed);
}

#[test]
fn due_runs_the_latest_missed_occurrence_and_lists_older_ones() {
    let r = saturday_morning(utc("2026-11-24T03:00:00Z"));
    assert_eq!(r.due(utc("2026-11-27T00:00:00Z")), None, "not yet");
    // Down for three Saturdays: the third runs, the first two are missed.
    let due = r.due(utc("2026-12-13T00:00:00Z")).expect("due");
    assert_eq!(due.run_for, utc("2026-12-12T00:00:00Z"));
    assert_eq!(
        due.missed,
        [utc("2026-11-28T00:00:00Z"), utc("2026-12-05T00:00:00Z")]
    );
    assert_eq!(due.missed_total, 2);
    // A paused one is never due.
    let mut paused = r.clone();
    paused.pause(utc("2026-11-25T00:00:00Z")).expect("pause");
    assert_eq!(paused.due(utc("2027-01-01T00:00:00Z")), None);
    // After a year down only the latest 50 are listed, all are counted.
    let due = r.due(utc("2027-11-28T01:00:00Z")).expect("due");
    assert_eq!(due.missed.len(), MAX_MISSED_RECORDED);
    assert_eq!(due.missed_total, 52);
    assert!(due.missed.windows(2).all(|w| w[0] < w[1]));
    assert!(due.missed.last().is_some_and(|m| *m < due.run_for));
}

#[test]
fn summaries_are_clipped_and_single_line() {
    let o = RunOutcome::new(ResultStatus::Success, format!("a\nb{}", "x".repeat(600)));
    assert_eq!(o.summary.chars().count(), MAX_SUMMARY_CHARS);
    assert!(o.summary.starts_with("a b"));
}

// --- use cases ---------------------------------------------------------------

fn service(repo: MockReservationRepository, now: DateTime<Utc>) -> ReservationService {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(now);
    let mut random = MockRandomSource::new();
    random.expect_uuid().returning(Uuid::new_v4);
    ReservationService::new(
        Arc::new(repo),
        Arc::new(catalog()),
        Arc::new(clock),
        Arc::new(random),
    )
}

/// A catalog that knows `milk` (서울우유 1L) and `egg` (계란 30구).
fn catalog() -> MockCatalogRepository {
    use crate::catalog::{NewProduct, Product, Unit};
    let known = [("milk", "서울우유 1L"), ("egg", "계란 30구")].map(|(id, name)| {
        Product::new(NewProduct {
            id: id.into(),
            name: name.into(),
            name_en: None,
            aliases: Vec::new(),
            category: "유제품".into(),
            unit: Unit::Ea,
            size: 1,
            barcode: None,
        })
        .expect("product")
    });
    let mut c = MockCatalogRepository::new();
    c.expect_get_products().returning(move |ids| {
        Ok(known
            .iter()
            .filter(|p| ids.contains(p.id()))
            .cloned()
            .collect())
    });
    c
}

#[tokio::test]
async fn create_reports_all_invalid_fields_and_writes_nothing() {
    let repo = MockReservationRepository::new(); // any call would panic
    let svc = service(repo, utc("2026-11-24T03:00:00Z"));
    let e = svc
        .create(
            UserId(Uuid::new_v4()),
            ReservationInput {
                title: String::new(),
                mode: Some("teleport".into()),
                schedule: weekly_input("99:99", &[]),
                channel: Some("webhook".into()),
                webhook_url: Some("http://plain.example.com".into()),
                planned_items: Some(vec![PlannedItemInput {
                    quantity: 0,
                    ..PlannedItemInput::default()
                }]),
            },
        )
        .await
        .expect_err("invalid");
    let mut f = fields(&e);
    f.sort_unstable();
    assert_eq!(
        f,
        [
            "days_of_week",
            "mode",
            "planned_items",
            "planned_items",
            "time_of_day",
            "title",
            "webhook_url"
        ]
    );
}

#[tokio::test]
async fn create_passes_the_limit_to_the_store() {
    let mut repo = MockReservationRepository::new();
    repo.expect_create()
        .withf(|_, max| *max == MAX_LIVE_PER_USER)
        .returning(|_, max| {
            Err(crate::reservation::ports::CreateReservationError::LimitReached { max })
        });
    let svc = service(repo, utc("2026-11-24T03:00:00Z"));
    let e = svc
        .create(
            UserId(Uuid::new_v4()),
            ReservationInput {
                title: "장보기".into(),
                schedule: weekly_input("09:00", &[6]),
                ..ReservationInput::default()
            },
        )
        .await
        .expect_err("limit");
    assert_eq!(e, ReservationError::LimitReached { max: 20 });
}

#[tokio::test]
async fn patch_merges_schedule_fields_and_pauses() {
    let now = utc("2026-11-24T03:00:00Z");
    let existing = saturday_morning(now);
    let (user, id) = (existing.user_id, existing.id);
    let mut repo = MockReservationRepository::new();
    let found = existing.clone();
    repo.expect_find()
        .returning(move |_, _| Ok(Some(found.clone())));
    repo.expect_update()
        .withf(|r| r.status == ReservationStatus::Paused && r.title.as_str() == "새 이름")
        .returning(|_| Ok(true));
    let svc = service(repo, now);
    let r = svc
        .update(
            user,
            id,
            ReservationPatch {
                title: Some("새 이름".into()),
                status: Some("paused".into()),
                time_of_day: Some("18:30".into()),
                ..ReservationPatch::default()
            },
        )
        .await
        .expect("update");
    let spelled = ScheduleInput::from_schedule(&r.schedule);
    assert_eq!(spelled.schedule_type, "weekly");
    assert_eq!(spelled.days_of_week, Some(vec![6]), "kept");
    assert_eq!(spelled.time_of_day.as_deref(), Some("18:30"));
    assert_eq!(r.next_run_at, None);
}

#[tokio::test]
async fn patch_with_a_bad_status_or_a_final_reservation_changes_nothing() {
    let now = utc("2026-11-24T03:00:00Z");
    let mut cancelled = saturday_morning(now);
    cancelled.cancel(now).expect("cancel");
    let (user, id) = (cancelled.user_id, cancelled.id);
    let mut repo = MockReservationRepository::new();
    repo.expect_find()
        .returning(move |_, _| Ok(Some(cancelled.clone())));
    let svc = service(repo, now);
    let e = svc
        .update(
            user,
            id,
            ReservationPatch {
                status: Some("cancelled".into()),
                ..ReservationPatch::default()
            },
        )
        .await
        .expect_err("bad status");
    assert_eq!(fields(&e), ["status"]);
    let e = svc
        .update(
            user,
            id,
            ReservationPatch {
                status: Some("active".into()),
                ..ReservationPatch::default()
            },
        )
        .await
        .expect_err("final");
    assert!(matches!(e, ReservationError::Conflict(_)));
}

#[tokio::test]
async fn unknown_reservations_are_not_found_and_run_now_conflicts_when_busy() {
    let now = utc("2026-11-24T03:00:00Z");
    let r = saturday_morning(now);
    let (user, id) = (r.user_id, r.id);
    let mut repo = MockReservationRepository::new();
    repo.expect_find()
        .returning(move |u, i| Ok((u == r.user_id && i == r.id).then(|| r.clone())));
    repo.expect_enqueue().times(1).returning(|_| Ok(false));
    repo.expect_runs().never();
    let svc = service(repo, now);
    let other = UserId(Uuid::new_v4());
    assert_eq!(
        svc.get(other, id).await.expect_err("other user"),
        ReservationError::NotFound
    );
    assert_eq!(
        svc.runs(other, id, &PageRequest::default())
            .await
            .expect_err("other user"),
        ReservationError::NotFound
    );
    assert!(matches!(
        svc.run_now(user, id).await,
        Err(ReservationError::Conflict(_))
    ));
    let _: Option<Page<Reservation>> = None;
}

#[test]
fn only_public_addresses_may_receive_webhooks() {
    use crate::reservation::is_public_ip;
    use std::net::IpAddr;
    for private in [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "0.1.2.3",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.0.8",
        "198.18.0.1",
        "192.0.2.1",
        "::1",
        "::",
        "fc00::1",
        "fd12::1",
        "fe80::1",
        "ff02::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a9fe:a9fe",
        // IPv4-compatible, SIIT, 6to4 and NAT64 forms of private addresses.
        "::127.0.0.1",
        "::10.0.0.1",
        "::a9fe:a9fe",
        "::ffff:0:127.0.0.1",
        "2002:7f00:1::1",
        "2002:a00:1::",
        "2002:c0a8:101:1::1",
        "64:ff9b::7f00:1",
        "64:ff9b::c0a8:101",
        // Teredo and local-use NAT64 are refused whatever they carry.
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "64:ff9b:1::808:808",
        "::ffff:0:0",
    ] {
        let ip: IpAddr = private.parse().expect("ip");
        assert!(!is_public_ip(ip), "{private} must be refused");
    }
    for public in [
        "8.8.8.8",
        "1.1.1.1",
        "211.45.27.1",
        "2606:4700::1111",
        "64:ff9b::808:808",
        "::ffff:8.8.8.8",
        "2002:808:808::1",
        "2a00:1450:4001:80b::200e",
    ] {
        let ip: IpAddr = public.parse().expect("ip");
        assert!(is_public_ip(ip), "{public} is public");
    }
}

// --- planned items -------------------------------------------------------------

fn line(product: Option<&str>, name: Option<&str>, quantity: i64) -> PlannedItemInput {
    PlannedItemInput {
        product_id: product.map(Into::into),
        name: name.map(Into::into),
        quantity,
    }
}

fn messages(e: &ReservationError) -> Vec<String> {
    match e {
        ReservationError::Invalid(v) => v
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

#[tokio::test]
async fn create_keeps_planned_items_with_catalog_names_filled_in() {
    let mut repo = MockReservationRepository::new();
    repo.expect_create()
        .withf(|r, _| r.planned_items.as_ref().is_some_and(|i| i.len() == 2))
        .returning(|_, _| Ok(()));
    let svc = service(repo, utc("2026-11-24T03:00:00Z"));
    let r = svc
        .create(
            UserId(Uuid::new_v4()),
            ReservationInput {
                title: "우유와 두부".into(),
                schedule: weekly_input("09:00", &[6]),
                planned_items: Some(vec![
                    line(Some("milk"), None, 2),
                    line(None, Some("  두부 "), 1),
                ]),
                ..ReservationInput::default()
            },
        )
        .await
        .expect("create");
    let items = r.planned_items.expect("own list");
    assert_eq!(
        items[0].product_id.as_ref().map(|p| p.as_str()),
        Some("milk")
    );
    assert_eq!(items[0].name.as_str(), "서울우유 1L", "the catalog's name");
    assert_eq!(items[0].quantity.get(), 2);
    assert_eq!(items[1].product_id, None);
    assert_eq!(items[1].name.as_str(), "두부");
}

#[tokio::test]
async fn bad_planned_items_are_refused_line_by_line() {
    let svc = service(
        MockReservationRepository::new(),
        utc("2026-11-24T03:00:00Z"),
    );
    let create = |items: Vec<PlannedItemInput>| {
        svc.create(
            UserId(Uuid::new_v4()),
            ReservationInput {
                title: "장보기".into(),
                schedule: weekly_input("09:00", &[6]),
                planned_items: Some(items),
                ..ReservationInput::default()
            },
        )
    };
    let e = create(vec![
        line(Some("unicorn-meat"), None, 1),
        line(Some("milk"), None, 100),
        line(None, None, 1),
        line(Some("egg"), None, 1),
        line(Some("egg"), Some("계란"), 2),
    ])
    .await
    .expect_err("invalid");
    let m = messages(&e);
    assert!(
        m.iter().all(|p| p.starts_with("planned_items: line ")),
        "{m:?}"
    );
    assert!(m.iter().any(|p| p.contains("line 2: quantity")), "{m:?}");
    assert!(
        m.iter().any(|p| p.contains("line 3: name is required")),
        "{m:?}"
    );
    let e = create(vec![
        line(Some("unicorn-meat"), None, 1),
        line(Some("egg"), None, 1),
        line(Some("egg"), Some("계란"), 2),
    ])
    .await
    .expect_err("invalid");
    let m = messages(&e);
    assert!(
        m.iter()
            .any(|p| p.contains("line 1: product_id \"unicorn-meat\" is not a product")),
        "{m:?}"
    );
    assert!(
        m.iter()
            .any(|p| p.contains("line 3: name") && p.contains("earlier line")),
        "{m:?}"
    );
    let e = create(Vec::new()).await.expect_err("empty");
    assert!(messages(&e)[0].contains("send null"), "{e:?}");
    let e = create(
        (0..=MAX_PLANNED_ITEMS as i64)
            .map(|i| line(None, Some(&format!("품목 {i}")), 1))
            .collect(),
    )
    .await
    .expect_err("too many");
    assert!(messages(&e)[0].contains("at most 100 lines"), "{e:?}");
}

#[tokio::test]
async fn patch_replaces_or_clears_planned_items() {
    let now = utc("2026-11-24T03:00:00Z");
    let existing = saturday_morning(now);
    let (user, id) = (existing.user_id, existing.id);
    let mut repo = MockReservationRepository::new();
    repo.expect_find()
        .returning(move |_, _| Ok(Some(existing.clone())));
    repo.expect_update().returning(|_| Ok(true));
    let svc = service(repo, now);
    let r = svc
        .update(
            user,
            id,
            ReservationPatch {
                planned_items: Some(Some(vec![line(Some("egg"), None, 3)])),
                ..ReservationPatch::default()
            },
        )
        .await
        .expect("replace");
    let items = r.planned_items.expect("own list");
    assert_eq!((items.len(), items[0].name.as_str()), (1, "계란 30구"));
    let r = svc
        .update(
            user,
            id,
            ReservationPatch {
                planned_items: Some(None),
                ..ReservationPatch::default()
            },
        )
        .await
        .expect("clear");
    assert_eq!(r.planned_items, None);
    let e = svc
        .update(
            user,
            id,
            ReservationPatch {
                title: Some(String::new()),
                planned_items: Some(Some(vec![line(Some("egg"), None, 0)])),
                ..ReservationPatch::default()
            },
        )
        .await
        .expect_err("invalid");
    let mut f = fields(&e);
    f.sort_unstable();
    assert_eq!(f, ["planned_items", "title"]);
}
