//! When a source is synced by the scheduler: every `every_days` days at a
//! time of day in Korea, and the persisted state of each source's job.
//!
//! A job's **slots** are the instants `at` (Asia/Seoul) of the days whose
//! number since 0001-01-01 is a multiple of `every_days` (every day for 1).
//! A job is due when its latest slot at or before now was not run yet, or
//! when a run asked to be retried earlier (budget spent: after midnight in
//! Korea; failures: an hour later) and that time has come.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Seoul;

/// A source's cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceSchedule {
    /// 1 = daily, 7 = weekly…
    pub every_days: u32,
    /// Time of day in Korea.
    pub at: NaiveTime,
}

impl Default for SourceSchedule {
    /// Daily at 04:00 in Korea (after the sources' overnight publication,
    /// before shoppers plan).
    fn default() -> Self {
        Self {
            every_days: 1,
            at: NaiveTime::from_hms_opt(4, 0, 0).unwrap_or(NaiveTime::MIN),
        }
    }
}

fn seoul_instant(day: NaiveDate, at: NaiveTime) -> DateTime<Utc> {
    // Korea has no daylight saving time: every local time exists once.
    Seoul
        .from_local_datetime(&day.and_time(at))
        .earliest()
        .map_or_else(
            || day.and_time(at).and_utc() - Duration::hours(9),
            |t| t.with_timezone(&Utc),
        )
}

/// The next midnight in Korea after `now`, when a spent daily budget is new.
pub fn next_seoul_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.with_timezone(&Seoul).date_naive();
    seoul_instant(today + Duration::days(1), NaiveTime::MIN)
}

impl SourceSchedule {
    fn every(&self) -> i64 {
        i64::from(self.every_days.max(1))
    }

    /// The latest slot at or before `now`.
    pub fn slot_at_or_before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let local = now.with_timezone(&Seoul);
        let today = local.date_naive();
        let every = self.every();
        let rem = i64::from(today.num_days_from_ce()).rem_euclid(every);
        let mut day = today - Duration::days(rem);
        if day == today && local.time() < self.at {
            day -= Duration::days(every);
        }
        seoul_instant(day, self.at)
    }

    /// The first slot after `t`.
    pub fn next_slot_after(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let slot = self.slot_at_or_before(t);
        let day = slot.with_timezone(&Seoul).date_naive() + Duration::days(self.every());
        seoul_instant(day, self.at)
    }

    /// The interval a healthy source succeeds within.
    pub fn interval(&self) -> Duration {
        Duration::days(self.every())
    }
}

/// The persisted state of one source's scheduled job.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobState {
    /// The slot the last finished run was for.
    pub last_slot: Option<DateTime<Utc>>,
    /// A run earlier than the next slot was asked for (budget, failures).
    pub retry_at: Option<DateTime<Utc>>,
    /// Who runs it now, until when.
    pub holder: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_run_at: Option<DateTime<Utc>>,
    /// `ok`, `budget_spent`, `key_refused`, `quota_exhausted`, `failing`,
    /// `partial`, `error`.
    pub last_outcome: Option<String>,
}

impl JobState {
    /// When the job runs next: the earlier of the next slot and the retry
    /// time; a time in the past means at the scheduler's next poll.
    pub fn next_run(&self, schedule: &SourceSchedule, now: DateTime<Utc>) -> DateTime<Utc> {
        let by_slot = match self.last_slot {
            None => schedule.slot_at_or_before(now),
            Some(last) => schedule.next_slot_after(last),
        };
        match self.retry_at {
            Some(r) if r < by_slot => r,
            _ => by_slot,
        }
    }

    /// A live lease: a run is under way.
    pub fn running(&self, now: DateTime<Utc>) -> bool {
        self.holder.is_some() && self.lease_until.is_some_and(|t| t > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        seoul_instant(
            NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default(),
            NaiveTime::from_hms_opt(h, min, 0).unwrap_or_default(),
        )
    }

    #[test]
    fn daily_slots_are_at_the_time_of_day_in_korea() {
        let s = SourceSchedule::default();
        assert_eq!(
            s.slot_at_or_before(kst(2026, 12, 4, 3, 59)),
            kst(2026, 12, 3, 4, 0)
        );
        assert_eq!(
            s.slot_at_or_before(kst(2026, 12, 4, 4, 0)),
            kst(2026, 12, 4, 4, 0)
        );
        assert_eq!(
            s.slot_at_or_before(kst(2026, 12, 4, 23, 0)),
            kst(2026, 12, 4, 4, 0)
        );
        assert_eq!(
            s.next_slot_after(kst(2026, 12, 4, 4, 0)),
            kst(2026, 12, 5, 4, 0)
        );
        // 04:00 KST is 19:00 UTC the day before.
        assert_eq!(
            kst(2026, 12, 4, 4, 0).to_rfc3339(),
            "2026-12-03T19:00:00+00:00"
        );
    }

    #[test]
    fn weekly_slots_come_every_seven_days() {
        let s = SourceSchedule {
            every_days: 7,
            at: NaiveTime::from_hms_opt(6, 30, 0).unwrap_or_default(),
        };
        let a = s.slot_at_or_before(kst(2026, 12, 4, 12, 0));
        let b = s.next_slot_after(a);
        assert_eq!(b - a, Duration::days(7));
        assert!(a <= kst(2026, 12, 4, 12, 0) && b > kst(2026, 12, 4, 12, 0));
        assert_eq!(s.slot_at_or_before(b), b);
        assert_eq!(s.slot_at_or_before(b - Duration::seconds(1)), a);
    }

    #[test]
    fn next_run_is_the_next_slot_or_an_earlier_retry() {
        let s = SourceSchedule::default();
        let now = kst(2026, 12, 4, 12, 0);
        let never = JobState::default();
        assert_eq!(never.next_run(&s, now), kst(2026, 12, 4, 4, 0), "due now");
        let ran = JobState {
            last_slot: Some(kst(2026, 12, 4, 4, 0)),
            ..JobState::default()
        };
        assert_eq!(ran.next_run(&s, now), kst(2026, 12, 5, 4, 0));
        let retry = JobState {
            retry_at: Some(next_seoul_midnight(now)),
            ..ran
        };
        assert_eq!(retry.next_run(&s, now), kst(2026, 12, 5, 0, 0));
    }
}
