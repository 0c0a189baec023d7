//! What the shopper sends, checked: the title, the channel and the schedule
//! as clients (and storage) spell it.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDateTime, NaiveTime};

use crate::planner::PlanMode;
use crate::schedule::{Recurrence, Schedule, DEFAULT_TIMEZONE};
use crate::user::InvalidValue;

use super::WebhookUrl;

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// What the shopper calls the reservation: 1 to 60 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(InvalidValue::new("title", "is required"));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue::new(
                "title",
                "is too long (at most 60 characters)",
            ));
        }
        if has_control(s) {
            return Err(InvalidValue::new(
                "title",
                "must not contain control characters",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
/// How the shopper is told about a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    InApp,
    Webhook(WebhookUrl),
    /// Recorded in the in-app inbox; e-mail delivery is not wired yet.
    Email,
}

impl Channel {
    pub fn kind(&self) -> &'static str {
        match self {
            Channel::InApp => "in_app",
            Channel::Webhook(_) => "webhook",
            Channel::Email => "email",
        }
    }

    pub fn webhook_url(&self) -> Option<&WebhookUrl> {
        match self {
            Channel::Webhook(u) => Some(u),
            _ => None,
        }
    }

    pub fn parse(kind: &str, webhook_url: Option<&str>) -> Result<Self, InvalidValue> {
        match (kind, webhook_url) {
            ("webhook", Some(u)) => WebhookUrl::parse(u).map(Channel::Webhook),
            ("webhook", None) => Err(InvalidValue::new(
                "webhook_url",
                "is required for channel webhook",
            )),
            ("in_app" | "email", Some(_)) => Err(InvalidValue::new(
                "webhook_url",
                "is only for channel webhook",
            )),
            ("in_app", None) => Ok(Channel::InApp),
            ("email", None) => Ok(Channel::Email),
            _ => Err(InvalidValue::new(
                "channel",
                "must be in_app, webhook or email",
            )),
        }
    }
}
/// The schedule as clients (and storage) spell it: strings and numbers, not
/// yet checked. [`ScheduleInput::parse`] is the one place that checks them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScheduleInput {
    pub schedule_type: String,
    /// `once`: RFC 3339 with an offset, or a local date-time (`2026-12-05T09:00`).
    pub run_at: Option<String>,
    /// `HH:MM`, local.
    pub time_of_day: Option<String>,
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    pub days_of_week: Option<Vec<i64>>,
    pub day_of_month: Option<i64>,
    /// IANA zone; `Asia/Seoul` when absent.
    pub timezone: Option<String>,
}

fn parse_time_of_day(raw: &str) -> Option<NaiveTime> {
    let raw = raw.trim();
    (raw.len() == 5)
        .then(|| NaiveTime::parse_from_str(raw, "%H:%M").ok())
        .flatten()
}

fn parse_local_run_at(raw: &str, tz: chrono_tz::Tz) -> Option<NaiveDateTime> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&tz).naive_local());
    }
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
}

impl ScheduleInput {
    /// Checks every field and reports all problems together.
    pub fn parse(&self) -> Result<Schedule, Vec<InvalidValue>> {
        let mut problems = Vec::new();
        let zone = self
            .timezone
            .as_deref()
            .map(str::trim)
            .filter(|z| !z.is_empty())
            .unwrap_or(DEFAULT_TIMEZONE);
        let tz: Option<chrono_tz::Tz> = zone.parse().ok();
        if tz.is_none() {
            problems.push(InvalidValue::new(
                "timezone",
                "must be an IANA time zone such as Asia/Seoul",
            ));
        }
        let kind = self.schedule_type.trim();
        let only_for = |field: &'static str, what: &str| {
            InvalidValue::new(field, format!("is only for schedule_type {what}"))
        };
        if self.run_at.is_some() && kind != "once" {
            problems.push(only_for("run_at", "once"));
        }
        if self.time_of_day.is_some() && kind == "once" {
            problems.push(only_for("time_of_day", "daily, weekly or monthly"));
        }
        if self.days_of_week.is_some() && kind != "weekly" {
            problems.push(only_for("days_of_week", "weekly"));
        }
        if self.day_of_month.is_some() && kind != "monthly" {
            problems.push(only_for("day_of_month", "monthly"));
        }
        let time = || match self.time_of_day.as_deref() {
            None => Err(InvalidValue::new("time_of_day", "is required (HH:MM)")),
            Some(t) => parse_time_of_day(t)
                .ok_or_else(|| InvalidValue::new("time_of_day", "must be HH:MM, 00:00 to 23:59")),
        };
        let recurrence = match kind {
            "once" => match (self.run_at.as_deref(), tz) {
                (None, _) => Err(InvalidValue::new("run_at", "is required for once")),
                (Some(raw), Some(tz)) => parse_local_run_at(raw, tz)
                    .map(|at| Recurrence::Once { at })
                    .ok_or_else(|| {
                        InvalidValue::new(
                            "run_at",
                            "must be RFC 3339 (2026-12-05T09:00:00+09:00) or local (2026-12-05T09:00)",
                        )
                    }),
                (Some(_), None) => Err(InvalidValue::new("run_at", "needs a valid timezone")),
            },
            "daily" => time().map(|time| Recurrence::Daily { time }),
            "weekly" => {
                let days = match &self.days_of_week {
                    None => Err(InvalidValue::new(
                        "days_of_week",
                        "is required for weekly (1 = Monday … 7 = Sunday)",
                    )),
                    Some(d) if d.is_empty() || d.iter().any(|n| !(1..=7).contains(n)) => {
                        Err(InvalidValue::new(
                            "days_of_week",
                            "must list 1 (Monday) to 7 (Sunday), at least one",
                        ))
                    }
                    Some(d) => Ok(d
                        .iter()
                        .filter_map(|n| u8::try_from(*n).ok())
                        .collect::<BTreeSet<u8>>()),
                };
                match (time(), days) {
                    (Ok(time), Ok(days)) => Ok(Recurrence::Weekly { time, days }),
                    (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
                    (Err(a), Err(b)) => {
                        problems.push(a);
                        Err(b)
                    }
                }
            }
            "monthly" => {
                let day = match self.day_of_month {
                    None => Err(InvalidValue::new("day_of_month", "is required for monthly")),
                    Some(d) => u8::try_from(d)
                        .ok()
                        .filter(|d| (1..=31).contains(d))
                        .ok_or_else(|| InvalidValue::new("day_of_month", "must be 1 to 31")),
                };
                match (time(), day) {
                    (Ok(time), Ok(day)) => Ok(Recurrence::Monthly { time, day }),
                    (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
                    (Err(a), Err(b)) => {
                        problems.push(a);
                        Err(b)
                    }
                }
            }
            _ => Err(InvalidValue::new(
                "schedule_type",
                "must be once, daily, weekly or monthly",
            )),
        };
        match recurrence {
            Ok(r) if problems.is_empty() => Schedule::new(r, zone).map_err(|e| vec![e]),
            Ok(_) => Err(problems),
            Err(e) => {
                problems.push(e);
                Err(problems)
            }
        }
    }

    /// The schedule's details in one short string, for storage next to
    /// `schedule_type` and `timezone`: `once` → the local `run_at`; `daily` →
    /// `HH:MM`; `weekly` → `HH:MM 1,6`; `monthly` → `HH:MM 31`.
    pub fn rule(&self) -> String {
        let time = self.time_of_day.clone().unwrap_or_default();
        match self.schedule_type.as_str() {
            "once" => self.run_at.clone().unwrap_or_default(),
            "weekly" => {
                let days: Vec<String> = self
                    .days_of_week
                    .iter()
                    .flatten()
                    .map(ToString::to_string)
                    .collect();
                format!("{time} {}", days.join(","))
            }
            "monthly" => format!("{time} {}", self.day_of_month.unwrap_or_default()),
            _ => time,
        }
    }

    /// The inverse of [`ScheduleInput::rule`]; [`ScheduleInput::parse`] checks the result.
    pub fn from_rule(schedule_type: &str, rule: &str, timezone: &str) -> Self {
        let mut out = Self {
            schedule_type: schedule_type.to_owned(),
            timezone: Some(timezone.to_owned()),
            ..Self::default()
        };
        let (time, rest) = rule.split_once(' ').unwrap_or((rule, ""));
        match schedule_type {
            "once" => out.run_at = Some(rule.to_owned()),
            "weekly" => {
                out.time_of_day = Some(time.to_owned());
                out.days_of_week = Some(
                    rest.split(',')
                        .map(|d| d.trim().parse::<i64>().unwrap_or(0))
                        .collect(),
                );
            }
            "monthly" => {
                out.time_of_day = Some(time.to_owned());
                out.day_of_month = Some(rest.trim().parse::<i64>().unwrap_or(0));
            }
            _ => out.time_of_day = Some(time.to_owned()),
        }
        out
    }

    /// The canonical spelling of a valid schedule (what storage keeps and the
    /// API shows): `run_at` local without offset, `time_of_day` as `HH:MM`.
    pub fn from_schedule(s: &Schedule) -> Self {
        let mut out = Self {
            schedule_type: s.recurrence().kind().to_owned(),
            timezone: Some(s.timezone().to_owned()),
            ..Self::default()
        };
        let hm = |t: &NaiveTime| t.format("%H:%M").to_string();
        match s.recurrence() {
            Recurrence::Once { at } => {
                out.run_at = Some(at.format("%Y-%m-%dT%H:%M:%S").to_string());
            }
            Recurrence::Daily { time } => out.time_of_day = Some(hm(time)),
            Recurrence::Weekly { time, days } => {
                out.time_of_day = Some(hm(time));
                out.days_of_week = Some(days.iter().map(|d| i64::from(*d)).collect());
            }
            Recurrence::Monthly { time, day } => {
                out.time_of_day = Some(hm(time));
                out.day_of_month = Some(i64::from(*day));
            }
        }
        out
    }
}

/// A one-time schedule's run as RFC 3339 with the zone's offset at that
/// moment (`2026-12-05T09:00:00+09:00`); `None` for repeating schedules.
pub fn once_run_at(schedule: &Schedule) -> Option<String> {
    let Recurrence::Once { at } = schedule.recurrence() else {
        return None;
    };
    let tz: chrono_tz::Tz = schedule.timezone().parse().ok()?;
    Some(
        crate::schedule::resolve_local(tz, *at)
            .with_timezone(&tz)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}
/// What a new reservation is made of, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReservation {
    pub title: Title,
    pub mode: PlanMode,
    pub schedule: Schedule,
    pub channel: Channel,
    /// The reservation's own lines; `None` plans the live basket at run time.
    pub planned_items: Option<Vec<super::PlannedItem>>,
}
