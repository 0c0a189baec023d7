use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use proptest::prelude::*;

use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("rfc3339")
        .with_timezone(&Utc)
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

fn weekly(time: NaiveTime, days: &[u8], tz: &str) -> Schedule {
    Schedule::new(
        Recurrence::Weekly {
            time,
            days: days.iter().copied().collect(),
        },
        tz,
    )
    .expect("valid")
}

#[test]
fn saturday_morning_in_seoul() {
    let s = weekly(hm(9, 0), &[6], "Asia/Seoul");
    // Tuesday 2026-11-24 12:00 KST → Saturday 2026-11-28 09:00 KST = 00:00 UTC.
    assert_eq!(
        s.next_after(utc("2026-11-24T03:00:00Z")),
        Some(utc("2026-11-28T00:00:00Z"))
    );
    // Exactly at the run: the next one is a week later.
    assert_eq!(
        s.next_after(utc("2026-11-28T00:00:00Z")),
        Some(utc("2026-12-05T00:00:00Z"))
    );
}

#[test]
fn weekly_run_walks_across_new_york_dst_changes() {
    // Sundays 02:30: on 2026-03-08 02:30 does not exist (clocks jump 02:00→03:00).
    let s = weekly(hm(2, 30), &[7], "America/New_York");
    let mut t = utc("2026-02-25T00:00:00Z");
    let mut runs = Vec::new();
    for _ in 0..4 {
        t = s.next_after(t).expect("next");
        runs.push(t);
    }
    assert_eq!(
        runs,
        [
            utc("2026-03-01T07:30:00Z"), // 02:30 EST
            utc("2026-03-08T07:30:00Z"), // gap: runs once at 03:30 EDT
            utc("2026-03-15T06:30:00Z"), // 02:30 EDT
            utc("2026-03-22T06:30:00Z"),
        ]
    );
    // Autumn: Sundays 01:30 happen twice on 2026-11-01; it runs once, the earlier.
    let s = weekly(hm(1, 30), &[7], "America/New_York");
    let first = s.next_after(utc("2026-10-30T00:00:00Z")).expect("next");
    assert_eq!(first, utc("2026-11-01T05:30:00Z")); // 01:30 EDT
    let second = s.next_after(first).expect("next");
    assert_eq!(
        second,
        utc("2026-11-08T06:30:00Z"),
        "not again at 01:30 EST"
    );
}

#[test]
fn monthly_on_the_31st_runs_on_the_last_day_of_short_months() {
    let s = Schedule::new(
        Recurrence::Monthly {
            time: hm(9, 0),
            day: 31,
        },
        "Asia/Seoul",
    )
    .expect("ok");
    let mut t = utc("2027-01-01T00:00:00Z");
    let mut days = Vec::new();
    for _ in 0..4 {
        t = s.next_after(t).expect("next");
        days.push(t.with_timezone(&chrono_tz::Asia::Seoul).date_naive());
    }
    let d = |m, d| NaiveDate::from_ymd_opt(2027, m, d).expect("date");
    assert_eq!(days, [d(1, 31), d(2, 28), d(3, 31), d(4, 30)]);
    // Leap year.
    let feb = s.next_after(utc("2028-02-01T00:00:00Z")).expect("next");
    assert_eq!(feb, utc("2028-02-29T00:00:00Z"));
}

#[test]
fn once_runs_once() {
    let at = NaiveDate::from_ymd_opt(2026, 12, 24)
        .expect("d")
        .and_time(hm(18, 0));
    let s = Schedule::new(Recurrence::Once { at }, "Asia/Seoul").expect("ok");
    assert_eq!(
        s.next_after(utc("2026-11-24T00:00:00Z")),
        Some(utc("2026-12-24T09:00:00Z"))
    );
    assert_eq!(s.next_after(utc("2026-12-24T09:00:00Z")), None);
}

#[test]
fn invalid_schedules_are_refused() {
    assert!(Schedule::new(Recurrence::Daily { time: hm(9, 0) }, "Mars/Olympus").is_err());
    assert!(Schedule::new(
        Recurrence::Monthly {
            time: hm(9, 0),
            day: 0
        },
        "Asia/Seoul"
    )
    .is_err());
    assert!(Schedule::new(
        Recurrence::Monthly {
            time: hm(9, 0),
            day: 32
        },
        "Asia/Seoul"
    )
    .is_err());
    assert!(Schedule::new(
        Recurrence::Weekly {
            time: hm(9, 0),
            days: BTreeSet::new()
        },
        "Asia/Seoul"
    )
    .is_err());
    assert!(Schedule::new(
        Recurrence::Weekly {
            time: hm(9, 0),
            days: [8].into()
        },
        "Asia/Seoul"
    )
    .is_err());
}

#[test]
fn catch_up_runs_the_latest_missed_once() {
    let s = Schedule::new(Recurrence::Daily { time: hm(9, 0) }, "Asia/Seoul").expect("ok");
    // Down from before Monday's run until Thursday 12:00 KST.
    let scheduled = utc("2026-11-23T00:00:00Z"); // Mon 09:00 KST
    let now = utc("2026-11-26T03:00:00Z"); // Thu 12:00 KST
    let c = s.catch_up(scheduled, now).expect("due");
    assert_eq!(c.run_for, utc("2026-11-26T00:00:00Z"));
    assert_eq!(c.missed, 3);
    assert_eq!(s.catch_up(now + Duration::hours(1), now), None);
    let on_time = s
        .catch_up(scheduled, scheduled + Duration::seconds(30))
        .expect("due");
    assert_eq!((on_time.run_for, on_time.missed), (scheduled, 0));
}

#[test]
fn retry_delays_grow_and_are_capped() {
    let base = Duration::minutes(5);
    let cap = Duration::hours(1);
    assert_eq!(retry_delay(1, base, cap, 0.0), Duration::seconds(150));
    assert_eq!(
        retry_delay(1, base, cap, 0.999_999),
        Duration::milliseconds(299_999)
    );
    assert_eq!(retry_delay(2, base, cap, 0.0), Duration::minutes(5));
    assert_eq!(retry_delay(30, base, cap, 1.0), cap);
    assert_eq!(retry_delay(3, base, cap, f64::NAN), Duration::minutes(10));
}

const ZONES: &[&str] = &[
    "Asia/Seoul",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Pacific/Chatham",
];

fn recurrence() -> impl Strategy<Value = Recurrence> {
    let time = (0u32..24, 0u32..60).prop_map(|(h, m)| hm(h, m));
    prop_oneof![
        time.clone().prop_map(|time| Recurrence::Daily { time }),
        (
            time.clone(),
            proptest::collection::btree_set(1u8..=7, 1..=7)
        )
            .prop_map(|(time, days)| Recurrence::Weekly { time, days }),
        (time, 1u8..=31).prop_map(|(time, day)| Recurrence::Monthly { time, day }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn next_run_is_after_now_and_on_a_scheduled_day(
        r in recurrence(),
        zone in 0..ZONES.len(),
        secs in 1_577_836_800i64..2_082_758_400, // 2020..2036
    ) {
        let s = Schedule::new(r.clone(), ZONES[zone]).expect("valid");
        let after = DateTime::from_timestamp(secs, 0).expect("instant");
        let next = s.next_after(after).expect("recurring schedules always have a next run");
        prop_assert!(next > after);
        prop_assert!(next - after <= Duration::days(62));
        let tz: chrono_tz::Tz = ZONES[zone].parse().expect("tz");
        let local = next.with_timezone(&tz);
        let (time, date) = (match &r {
            Recurrence::Daily { time } | Recurrence::Weekly { time, .. } | Recurrence::Monthly { time, .. } => *time,
            Recurrence::Once { .. } => unreachable!(),
        }, local.date_naive());
        // Local time is the configured one, or later by a DST gap (< 3 h).
        let wall = local.time();
        let shift = (wall - time).num_minutes();
        prop_assert!((0..180).contains(&shift) || wall == time, "wall {wall} time {time}");
        if shift != 0 {
            // Only when the configured time does not exist that day.
            prop_assert!(matches!(tz.from_local_datetime(&date.and_time(time)), LocalResult::None));
        }
        match &r {
            Recurrence::Weekly { days, .. } => prop_assert!(days.contains(&weekday_number(date.weekday()))),
            Recurrence::Monthly { day, .. } => prop_assert_eq!(date.day(), u32::from(*day).min(days_in_month(date.year(), date.month()))),
            _ => {}
        }
        // Nothing scheduled was skipped: one minute before `next`, the next run is `next`.
        prop_assert_eq!(s.next_after(next - Duration::minutes(1)), Some(next));
        prop_assert_eq!(local.second(), 0);
    }

    #[test]
    fn successive_runs_are_distinct_and_increasing(
        r in recurrence(),
        zone in 0..ZONES.len(),
        secs in 1_577_836_800i64..2_082_758_400,
    ) {
        let s = Schedule::new(r, ZONES[zone]).expect("valid");
        let mut t = DateTime::from_timestamp(secs, 0).expect("instant");
        for _ in 0..6 {
            let n = s.next_after(t).expect("next");
            prop_assert!(n > t);
            t = n;
        }
    }
}
