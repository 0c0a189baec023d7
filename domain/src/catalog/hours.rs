//! When a shop can be visited: its daily hours ([`OpeningHours`]) and its
//! closing days ([`ClosingDays`]), both in Korean local time (Asia/Seoul,
//! UTC+9 all year: Korea has no daylight saving time).
//!
//! Rules (docs/API.md "Opening hours"):
//! - unknown hours (a 참가격 or CSV import that does not carry them) are read
//!   as *open*, and the answer says the hours were unknown;
//! - a closing day closes the store for the whole business day;
//! - hours past midnight (`22:00-02:00`, `10:00-24:00`) belong to the day
//!   they start on: at 01:00 on a Monday such a store is open unless
//!   *Sunday* was a closing day;
//! - large marts (대형마트) whose closing days are unknown close on the 2nd
//!   and 4th Sunday of the month, the statutory default (유통산업발전법
//!   §12-2; districts may move them: a store's own rule overrides it).

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};

use super::store::OpeningHours;

/// Korea Standard Time, UTC+9 (no daylight saving time since 1988).
pub const KST_OFFSET_S: i32 = 9 * 3600;

/// `at` as a Korean local date and time.
pub fn kst(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc() + Duration::seconds(i64::from(KST_OFFSET_S))
}

/// One closing rule: the `nth` (1–5) `weekday` of every month, or that
/// weekday every week when `nth` is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosingRule {
    pub nth: Option<u8>,
    pub weekday: Weekday,
}

impl ClosingRule {
    fn applies(self, day: NaiveDate) -> bool {
        day.weekday() == self.weekday
            && self
                .nth
                .is_none_or(|n| u32::from(n) == (day.day() - 1) / 7 + 1)
    }
}

/// A store's closing days: none, or a list of rules. Written `none` or
/// rules separated by commas: `2sun,4sun` (2nd and 4th Sunday), `2wed,4wed`,
/// `mon` (every Monday).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClosingDays(Vec<ClosingRule>);

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

impl ClosingDays {
    /// No closing day.
    pub fn none() -> Self {
        Self(Vec::new())
    }

    /// The statutory default of large marts: the 2nd and 4th Sunday.
    pub fn second_and_fourth_sunday() -> Self {
        Self(vec![
            ClosingRule {
                nth: Some(2),
                weekday: Weekday::Sun,
            },
            ClosingRule {
                nth: Some(4),
                weekday: Weekday::Sun,
            },
        ])
    }

    pub fn rules(&self) -> &[ClosingRule] {
        &self.0
    }

    /// `none`, or up to 10 rules like `2sun`, `4wed`, `mon`.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim().to_ascii_lowercase();
        if s == "none" {
            return Some(Self::none());
        }
        let mut rules = Vec::new();
        for part in s.split(',') {
            let part = part.trim();
            let (nth, day) = match part.chars().next() {
                Some(c @ '1'..='5') => (Some(c as u8 - b'0'), &part[1..]),
                _ => (None, part),
            };
            let weekday = DAYS.iter().find(|(n, _)| *n == day)?.1;
            let rule = ClosingRule { nth, weekday };
            if !rules.contains(&rule) {
                rules.push(rule);
            }
        }
        (!rules.is_empty() && rules.len() <= 10).then_some(Self(rules))
    }

    /// Whether `day` (a local date) is a closing day.
    pub fn closes_on(&self, day: NaiveDate) -> bool {
        self.0.iter().any(|r| r.applies(day))
    }
}

impl fmt::Display for ClosingDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if let Some(n) = r.nth {
                write!(f, "{n}")?;
            }
            let name = DAYS
                .iter()
                .find(|(_, d)| *d == r.weekday)
                .map_or("sun", |(n, _)| n);
            f.write_str(name)?;
        }
        Ok(())
    }
}

/// Why a store cannot be visited at some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClosedReason {
    /// Outside its daily hours.
    OutsideHours,
    /// A closing day (e.g. a large mart's mandatory closing Sunday).
    ClosingDay,
}

impl ClosedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OutsideHours => "outside_hours",
            Self::ClosingDay => "closing_day",
        }
    }
}

/// Everything the planner knows about when a store is open. `hours: None`
/// = unknown (read as open); `closing: None` = unknown (no closing day,
/// except the large marts' default, applied by the catalog when the store
/// is read: [`super::Store::visiting`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Visiting {
    pub hours: Option<OpeningHours>,
    pub closing: ClosingDays,
}

impl Visiting {
    /// Why the store is closed at `at`, or `None` when it is open (or its
    /// hours are unknown and no closing day applies).
    pub fn closed_at(&self, at: DateTime<Utc>) -> Option<ClosedReason> {
        let local = kst(at);
        let day = local.date();
        let time = local.time();
        // The business day `at` belongs to, and whether it is within hours.
        let (business_day, within) = match self.hours {
            None | Some(OpeningHours::Always) => (day, true),
            Some(OpeningHours::Daily { opens, closes }) if opens < closes => {
                (day, opens <= time && time < closes)
            }
            Some(OpeningHours::Daily { opens, closes }) => {
                // Past midnight: before `closes` it is still yesterday's day.
                if time < closes {
                    (day.pred_opt().unwrap_or(day), true)
                } else {
                    (day, time >= opens)
                }
            }
        };
        if self.closing.closes_on(business_day) {
            return Some(ClosedReason::ClosingDay);
        }
        (!within).then_some(ClosedReason::OutsideHours)
    }
}

/// Midnight written as `24:00` in hours (`10:00-24:00`).
pub(super) fn parse_clock(raw: &str) -> Option<NaiveTime> {
    let s = raw.trim();
    if s == "24:00" {
        return Some(NaiveTime::MIN);
    }
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A Korean local time as UTC.
    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid")
            - Duration::hours(9)
    }

    fn mart(hours: &str, closing: &str) -> Visiting {
        Visiting {
            hours: OpeningHours::parse(hours),
            closing: ClosingDays::parse(closing).expect("rule"),
        }
    }

    #[test]
    fn closing_days_parse_and_print() {
        for s in ["none", "2sun,4sun", "2wed,4wed", "mon", "1sat,3sun"] {
            assert_eq!(
                ClosingDays::parse(s).map(|c| c.to_string()).as_deref(),
                Some(s)
            );
        }
        assert_eq!(
            ClosingDays::parse(" 2SUN, 4sun "),
            ClosingDays::parse("2sun,4sun")
        );
        for bad in ["", "6sun", "0sun", "2sunday", "2sun,,4sun", "x"] {
            assert_eq!(ClosingDays::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn second_and_fourth_sunday_in_kst() {
        let m = mart("10:00-23:00", "2sun,4sun");
        // December 2026: Sundays are the 6th, 13th, 20th and 27th.
        assert_eq!(m.closed_at(at(2026, 12, 6, 12, 0)), None);
        assert_eq!(
            m.closed_at(at(2026, 12, 13, 12, 0)),
            Some(ClosedReason::ClosingDay)
        );
        assert_eq!(m.closed_at(at(2026, 12, 20, 12, 0)), None);
        assert_eq!(
            m.closed_at(at(2026, 12, 27, 12, 0)),
            Some(ClosedReason::ClosingDay)
        );
        // 2026-12-13 00:30 KST is still Saturday the 12th at 15:30 UTC: the
        // Korean date decides, not the UTC one.
        let sat_utc = Utc
            .with_ymd_and_hms(2026, 12, 12, 15, 30, 0)
            .single()
            .expect("t");
        assert_eq!(m.closed_at(sat_utc), Some(ClosedReason::ClosingDay));
        let sat_noon = Utc
            .with_ymd_and_hms(2026, 12, 12, 3, 0, 0)
            .single()
            .expect("t");
        assert_eq!(m.closed_at(sat_noon), None);
    }

    #[test]
    fn daily_hours_bounds() {
        let m = mart("10:00-23:00", "none");
        assert_eq!(
            m.closed_at(at(2026, 12, 3, 9, 59)),
            Some(ClosedReason::OutsideHours)
        );
        assert_eq!(m.closed_at(at(2026, 12, 3, 10, 0)), None);
        assert_eq!(m.closed_at(at(2026, 12, 3, 22, 59)), None);
        assert_eq!(
            m.closed_at(at(2026, 12, 3, 23, 0)),
            Some(ClosedReason::OutsideHours)
        );
    }

    #[test]
    fn past_midnight_belongs_to_the_day_it_starts() {
        let m = mart("10:00-24:00", "2sun,4sun");
        assert_eq!(m.closed_at(at(2026, 12, 12, 23, 59)), None);
        // Sunday 13th is a closing day, all of it.
        assert_eq!(
            m.closed_at(at(2026, 12, 13, 0, 30)),
            Some(ClosedReason::ClosingDay)
        );
        assert_eq!(
            m.closed_at(at(2026, 12, 13, 11, 0)),
            Some(ClosedReason::ClosingDay)
        );
        let late = mart("22:00-02:00", "2sun,4sun");
        // 01:00 on Monday 14th is Sunday's (closed) business day.
        assert_eq!(
            late.closed_at(at(2026, 12, 14, 1, 0)),
            Some(ClosedReason::ClosingDay)
        );
        // 01:00 on Sunday 13th is Saturday's business day: open.
        assert_eq!(late.closed_at(at(2026, 12, 13, 1, 0)), None);
        assert_eq!(
            late.closed_at(at(2026, 12, 13, 2, 0)),
            Some(ClosedReason::ClosingDay)
        );
        assert_eq!(
            late.closed_at(at(2026, 12, 12, 2, 0)),
            Some(ClosedReason::OutsideHours)
        );
    }

    #[test]
    fn unknown_hours_are_open_and_always_open_keeps_closing_days() {
        let unknown = Visiting::default();
        assert_eq!(unknown.closed_at(at(2026, 12, 13, 3, 0)), None);
        let cvs = mart("24h", "none");
        assert_eq!(cvs.closed_at(at(2026, 12, 13, 3, 0)), None);
        let weekly = mart("24h", "mon");
        assert_eq!(
            weekly.closed_at(at(2026, 12, 14, 3, 0)),
            Some(ClosedReason::ClosingDay)
        );
    }
}
