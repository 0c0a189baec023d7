//! When a reservation runs: recurrence rules in the shopper's local time and
//! time zone, turned into UTC instants. Pure functions, DST-correct:
//!
//! - a local time that does not exist (the spring-forward gap) runs once, moved
//!   forward by the length of the gap (02:30 → 03:30 on that day);
//! - a local time that happens twice (the autumn fold) runs once, at the
//!   earlier instant;
//! - a monthly day past the end of a month runs on the month's last day (the
//!   31st runs on 30 April, 28/29 February).

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset as _,
    TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

use crate::user::InvalidValue;

pub const DEFAULT_TIMEZONE: &str = "Asia/Seoul";

/// How often a reservation runs, in local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recurrence {
    Once { at: NaiveDateTime },
    Daily { time: NaiveTime },
    Weekly { time: NaiveTime, days: BTreeSet<u8> },
    Monthly { time: NaiveTime, day: u8 },
}

impl Recurrence {
    pub fn kind(&self) -> &'static str {
        match self {
            Recurrence::Once { .. } => "once",
            Recurrence::Daily { .. } => "daily",
            Recurrence::Weekly { .. } => "weekly",
            Recurrence::Monthly { .. } => "monthly",
        }
    }
}

/// A recurrence in a time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    recurrence: Recurrence,
    tz: Tz,
}

/// Weekdays are numbered ISO-style: 1 = Monday … 7 = Sunday.
pub fn weekday_number(w: Weekday) -> u8 {
    // number_from_monday is 1..=7, which always fits.
    u8::try_from(w.number_from_monday()).unwrap_or(1)
}

impl Schedule {
    pub fn new(recurrence: Recurrence, timezone: &str) -> Result<Self, InvalidValue> {
        let tz: Tz = timezone.parse().map_err(|_| {
            InvalidValue::new("timezone", "must be an IANA time zone such as Asia/Seoul")
        })?;
        match &recurrence {
            Recurrence::Weekly { days, .. }
                if days.is_empty() || days.iter().any(|d| !(1..=7).contains(d)) =>
            {
                return Err(InvalidValue::new(
                    "days_of_week",
                    "must list 1 (Monday) to 7 (Sunday), at least one",
                ));
            }
            Recurrence::Monthly { day, .. } if !(1..=31).contains(day) => {
                return Err(InvalidValue::new("day_of_month", "must be 1 to 31"));
            }
            _ => {}
        }
        Ok(Self { recurrence, tz })
    }

    pub fn recurrence(&self) -> &Recurrence {
        &self.recurrence
    }

    pub fn timezone(&self) -> &'static str {
        self.tz.name()
    }

    /// The first run strictly after `after`, or `None` when there is none (a
    /// one-time run already past).
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let time = match &self.recurrence {
            Recurrence::Once { at } => {
                let t = resolve_local(self.tz, *at);
                return (t > after).then_some(t);
            }
            Recurrence::Daily { time }
            | Recurrence::Weekly { time, .. }
            | Recurrence::Monthly { time, .. } => *time,
        };
        // Start a day early: the local date of `after` may be behind UTC's.
        let start = after.with_timezone(&self.tz).date_naive() - Duration::days(1);
        // A monthly run on the 31st needs at most ~62 days; a year bounds all.
        for offset in 0..=400 {
            let date = start + Duration::days(offset);
            if !self.runs_on(date) {
                continue;
            }
            let t = resolve_local(self.tz, date.and_time(time));
            if t > after {
                return Some(t);
            }
        }
        None
    }

    fn runs_on(&self, date: NaiveDate) -> bool {
        match &self.recurrence {
            Recurrence::Once { .. } => false,
            Recurrence::Daily { .. } => true,
            Recurrence::Weekly { days, .. } => days.contains(&weekday_number(date.weekday())),
            Recurrence::Monthly { day, .. } => {
                u32::from(*day).min(days_in_month(date.year(), date.month())) == date.day()
            }
        }
    }

    /// The catch-up policy after downtime: of the runs due between `scheduled`
    /// (inclusive) and `now` (inclusive), only the latest runs; the earlier ones
    /// are counted as missed. `None` when nothing is due yet.
    pub fn catch_up(&self, scheduled: DateTime<Utc>, now: DateTime<Utc>) -> Option<CatchUp> {
        if scheduled > now {
            return None;
        }
        let mut latest = scheduled;
        let mut missed = 0u32;
        // Bounded: a daily reservation down for three years is still cheap.
        for _ in 0..2000 {
            match self.next_after(latest) {
                Some(next) if next <= now => {
                    latest = next;
                    missed += 1;
                }
                _ => break,
            }
        }
        Some(CatchUp {
            run_for: latest,
            missed,
        })
    }
}

/// What to do with runs that came due while nothing ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchUp {
    /// The one occurrence to run now.
    pub run_for: DateTime<Utc>,
    /// Earlier occurrences that are recorded as missed, not run.
    pub missed: u32,
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (first, next) {
        (Some(a), Some(b)) => u32::try_from((b - a).num_days()).unwrap_or(28),
        _ => 28,
    }
}

/// A local wall-clock time as a UTC instant: the earlier of two in a fold;
/// in a gap, the same wall-clock time read with the offset from before the
/// gap, which lands after the gap by exactly the time that was skipped.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => {
            // Gaps last at most a few hours; the offset 6 h earlier is the one
            // in force before the gap.
            let before = local - Duration::hours(6);
            let offset = match tz.from_local_datetime(&before) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.offset().fix(),
                // No zone has two gaps within six hours; UTC is a safe answer.
                LocalResult::None => Utc.fix(),
            };
            DateTime::<Utc>::from_naive_utc_and_offset(
                local - Duration::seconds(i64::from(offset.local_minus_utc())),
                Utc,
            )
        }
    }
}

/// Delay before retry number `attempt` (1-based) of a failed run: exponential
/// from `base`, capped at `cap`, with "equal jitter" (half fixed, half random)
/// so that many failing runs do not retry in lockstep. `jitter` is in [0, 1).
pub fn retry_delay(attempt: u32, base: Duration, cap: Duration, jitter: f64) -> Duration {
    let exp = attempt.saturating_sub(1).min(20);
    let full = base.checked_mul(1 << exp).unwrap_or(cap).min(cap);
    let half_ms = full.num_milliseconds() / 2;
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    // Truncation to whole milliseconds is intended.
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let random_part = (half_ms as f64 * jitter) as i64;
    Duration::milliseconds(half_ms + random_part)
}

#[cfg(test)]
mod tests;
