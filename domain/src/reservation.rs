//! Reservations: "every Saturday 09:00 (Asia/Seoul), plan my basket and tell
//! me". A reservation is a schedule ([`crate::schedule`]), a channel to tell
//! the shopper on, and a status that only moves along the transitions below.
//! Each time it comes due the scheduler makes one [`ReservationRun`].
//!
//! ```text
//!   active ──pause──▶ paused ──resume──▶ active
//!   active ──run fails past the retry limit──▶ failed ──resume──▶ active
//!   active ──a one-time run succeeds──▶ completed   (final)
//!   any but completed ──cancel──▶ cancelled          (final)
//! ```

pub mod service;

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;

use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::error::RepoError;
use crate::planner::PlanMode;
use crate::schedule::{retry_delay, Recurrence, Schedule, DEFAULT_TIMEZONE};
use crate::user::{InvalidValue, UserId};

/// Live (not cancelled, not completed) reservations a shopper may have.
pub const MAX_LIVE_PER_USER: u32 = 20;

/// Missed occurrences recorded one by one after downtime; older ones are only
/// counted (in the log and the run's summary).
pub const MAX_MISSED_RECORDED: usize = 50;

/// Longest run summary kept, in characters.
pub const MAX_SUMMARY_CHARS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct ReservationId(pub Uuid);

impl fmt::Display for ReservationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

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

/// An absolute `https` URL without user-info, to a public host, in normalised
/// form. Hosts that are loopback, private or link-local addresses (or
/// `localhost`) are refused so a webhook cannot aim the server at itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub const MAX_LEN: usize = 2048;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let bad = |m: &str| InvalidValue::new("webhook_url", m);
        let s = raw.trim();
        if s.is_empty() {
            return Err(bad("is required for channel webhook"));
        }
        if s.len() > Self::MAX_LEN {
            return Err(bad("is too long (at most 2048 bytes)"));
        }
        // The url crate reads `\` as `/` and drops blanks: refuse them outright.
        if s.contains('\\') || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(
                "must not contain spaces, backslashes or control characters",
            ));
        }
        let url = url::Url::parse(s).map_err(|_| bad("must be an absolute https URL"))?;
        if url.scheme() != "https" {
            return Err(bad("must be an absolute https URL"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("must not contain a user name or password"));
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) => {
                let d = d.trim_end_matches('.').to_ascii_lowercase();
                if d.is_empty() || d == "localhost" || d.ends_with(".localhost") {
                    return Err(bad("must name a public host"));
                }
                None
            }
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            None => return Err(bad("must name a host")),
        };
        if host.is_some_and(|ip| !is_public_ip(ip)) {
            return Err(bad("must name a public host"));
        }
        Ok(Self(url.as_str().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a webhook may be sent to `ip`: not loopback, private, link-local,
/// carrier-grade NAT, multicast, reserved or documentation space (IPv4, and
/// IPv6 incl. unique-local, IPv4-mapped and NAT64 forms of those). Used for IP
/// literals in URLs and, at delivery, for every address a host name resolves to.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19)))
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            let embedded_v4 = |v4: std::net::Ipv4Addr| !is_public_ip(IpAddr::V4(v4));
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
                || v6.to_ipv4_mapped().is_some_and(embedded_v4)
                || (seg[0] == 0x0064 && seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0] && {
                    let [.., hi, lo] = seg;
                    embedded_v4(std::net::Ipv4Addr::from(
                        (u32::from(hi) << 16) | u32::from(lo),
                    ))
                }))
        }
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

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

string_enum!(
    /// Where a reservation stands. `completed` and `cancelled` are final.
    ReservationStatus {
        Active => "active",
        Paused => "paused",
        Completed => "completed",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

impl ReservationStatus {
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled)
    }
}

string_enum!(
    /// What the last run produced.
    ResultStatus {
        Success => "success",
        Degraded => "degraded",
        Failed => "failed",
    }
);

string_enum!(
    /// One run's state. `queued` waits for a scheduler (a "run now");
    /// `missed` marks an occurrence skipped by the catch-up policy.
    RunStatus {
        Queued => "queued",
        Running => "running",
        Success => "success",
        Degraded => "degraded",
        Failed => "failed",
        Missed => "missed",
    }
);

impl From<ResultStatus> for RunStatus {
    fn from(r: ResultStatus) -> Self {
        match r {
            ResultStatus::Success => RunStatus::Success,
            ResultStatus::Degraded => RunStatus::Degraded,
            ResultStatus::Failed => RunStatus::Failed,
        }
    }
}

string_enum!(
    /// Why a run happened: its schedule came due, or the shopper asked.
    RunTrigger {
        Schedule => "schedule",
        Manual => "manual",
    }
);

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

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ReservationError {
    #[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<InvalidValue>),
    /// The change is not possible in the reservation's state (e.g. it is final).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("no such reservation")]
    NotFound,
    #[error("at most {max} live reservations per shopper")]
    LimitReached { max: u32 },
    /// An identical active or paused reservation exists.
    #[error("an identical reservation exists: {existing}")]
    Duplicate { existing: ReservationId },
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl From<InvalidValue> for ReservationError {
    fn from(v: InvalidValue) -> Self {
        Self::Invalid(vec![v])
    }
}

/// What a new reservation is made of, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReservation {
    pub title: Title,
    pub mode: PlanMode,
    pub schedule: Schedule,
    pub channel: Channel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub id: ReservationId,
    pub user_id: UserId,
    pub title: Title,
    pub mode: PlanMode,
    pub schedule: Schedule,
    pub channel: Channel,
    pub status: ReservationStatus,
    /// When the scheduler should next run it; `None` while not active or while
    /// a run is in progress.
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_run_at: Option<DateTime<Utc>>,
    pub last_result_status: Option<ResultStatus>,
    /// Failed attempts of the current occurrence so far.
    pub retry_count: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn in_the_past() -> ReservationError {
    ReservationError::Invalid(vec![InvalidValue::new("run_at", "must be in the future")])
}

fn final_conflict(status: ReservationStatus) -> ReservationError {
    ReservationError::Conflict(format!(
        "the reservation is {} and cannot change",
        status.as_str()
    ))
}

/// When a due reservation runs: the one occurrence that runs now and the
/// earlier ones the catch-up policy skips (see [`Schedule::catch_up`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub run_for: DateTime<Utc>,
    /// The skipped occurrences, oldest first, at most [`MAX_MISSED_RECORDED`]
    /// (the most recent ones).
    pub missed: Vec<DateTime<Utc>>,
    /// How many occurrences were skipped in all.
    pub missed_total: u32,
}

/// How failed runs are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; past them the reservation is `failed`.
    pub max_retries: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base: Duration::minutes(5),
            cap: Duration::hours(1),
        }
    }
}

/// The reservation-side effect of a finished run, written together with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub last_run_at: DateTime<Utc>,
    pub last_result_status: ResultStatus,
    /// Where the schedule moves; `None` for a manual run, which leaves it alone.
    pub next: Option<NextState>,
}

/// The schedule-side state after a scheduled run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextState {
    pub status: ReservationStatus,
    pub next_run_at: Option<DateTime<Utc>>,
    pub retry_count: u32,
}

/// What a runner made of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    pub status: ResultStatus,
    /// Short text for the shopper, e.g. the plan's totals.
    pub summary: String,
    /// The plan request the run produced (its plans can be opened).
    pub plan_request_id: Option<String>,
}

impl RunOutcome {
    pub fn new(status: ResultStatus, summary: impl Into<String>) -> Self {
        Self {
            status,
            summary: clip_summary(&summary.into()),
            plan_request_id: None,
        }
    }

    /// The same outcome, linked to the plan request it produced.
    #[must_use]
    pub fn with_plan_request(mut self, id: impl Into<String>) -> Self {
        self.plan_request_id = Some(id.into());
        self
    }
}

pub fn clip_summary(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_SUMMARY_CHARS)
        .collect()
}

impl Reservation {
    pub fn create(
        id: ReservationId,
        user_id: UserId,
        new: NewReservation,
        now: DateTime<Utc>,
    ) -> Result<Self, ReservationError> {
        let next = new.schedule.next_after(now).ok_or_else(in_the_past)?;
        Ok(Self {
            id,
            user_id,
            title: new.title,
            mode: new.mode,
            schedule: new.schedule,
            channel: new.channel,
            status: ReservationStatus::Active,
            next_run_at: Some(next),
            last_run_at: None,
            last_result_status: None,
            retry_count: 0,
            created_at: now,
            updated_at: now,
        })
    }

    fn ensure_not_final(&self) -> Result<(), ReservationError> {
        if self.status.is_final() {
            Err(final_conflict(self.status))
        } else {
            Ok(())
        }
    }

    pub fn pause(&mut self, now: DateTime<Utc>) -> Result<(), ReservationError> {
        match self.status {
            ReservationStatus::Paused => Ok(()),
            ReservationStatus::Active => {
                self.status = ReservationStatus::Paused;
                self.next_run_at = None;
                self.updated_at = now;
                Ok(())
            }
            ReservationStatus::Failed => Err(ReservationError::Conflict(
                "a failed reservation can be resumed or cancelled, not paused".into(),
            )),
            s => Err(final_conflict(s)),
        }
    }

    /// Back to active; the next run is computed from `now` (runs missed while
    /// paused are not made up) and the retry count starts over.
    pub fn resume(&mut self, now: DateTime<Utc>) -> Result<(), ReservationError> {
        match self.status {
            ReservationStatus::Active => Ok(()),
            ReservationStatus::Paused | ReservationStatus::Failed => {
                let next = self.schedule.next_after(now).ok_or_else(in_the_past)?;
                self.status = ReservationStatus::Active;
                self.next_run_at = Some(next);
                self.retry_count = 0;
                self.updated_at = now;
                Ok(())
            }
            s => Err(final_conflict(s)),
        }
    }

    /// Cancelling twice is harmless; a completed reservation stays completed.
    pub fn cancel(&mut self, now: DateTime<Utc>) -> Result<(), ReservationError> {
        match self.status {
            ReservationStatus::Cancelled => Ok(()),
            ReservationStatus::Completed => Err(final_conflict(self.status)),
            _ => {
                self.status = ReservationStatus::Cancelled;
                self.next_run_at = None;
                self.updated_at = now;
                Ok(())
            }
        }
    }

    /// A new schedule; an active reservation's next run is computed from `now`.
    pub fn reschedule(
        &mut self,
        schedule: Schedule,
        now: DateTime<Utc>,
    ) -> Result<(), ReservationError> {
        self.ensure_not_final()?;
        let next = schedule.next_after(now).ok_or_else(in_the_past)?;
        if self.status == ReservationStatus::Active {
            self.next_run_at = Some(next);
            self.retry_count = 0;
        }
        self.schedule = schedule;
        self.updated_at = now;
        Ok(())
    }

    pub fn rename(&mut self, title: Title, now: DateTime<Utc>) -> Result<(), ReservationError> {
        self.ensure_not_final()?;
        self.title = title;
        self.updated_at = now;
        Ok(())
    }

    pub fn change_channel(
        &mut self,
        channel: Channel,
        now: DateTime<Utc>,
    ) -> Result<(), ReservationError> {
        self.ensure_not_final()?;
        self.channel = channel;
        self.updated_at = now;
        Ok(())
    }

    pub fn change_mode(
        &mut self,
        mode: PlanMode,
        now: DateTime<Utc>,
    ) -> Result<(), ReservationError> {
        self.ensure_not_final()?;
        self.mode = mode;
        self.updated_at = now;
        Ok(())
    }

    /// A "run now" is possible unless the reservation is final.
    pub fn can_run_now(&self) -> Result<(), ReservationError> {
        self.ensure_not_final()
    }

    /// The catch-up policy at `now`: `None` unless active and due. Of the
    /// occurrences due since `next_run_at`, the latest runs once and the
    /// earlier ones are reported as missed.
    pub fn due(&self, now: DateTime<Utc>) -> Option<Due> {
        if self.status != ReservationStatus::Active {
            return None;
        }
        let scheduled = self.next_run_at?;
        let catch_up = self.schedule.catch_up(scheduled, now)?;
        let mut missed = Vec::new();
        if catch_up.missed > 0 {
            let mut t = scheduled;
            while t < catch_up.run_for {
                missed.push(t);
                match self.schedule.next_after(t) {
                    Some(n) => t = n,
                    None => break,
                }
            }
            let extra = missed.len().saturating_sub(MAX_MISSED_RECORDED);
            missed.drain(..extra);
        }
        Some(Due {
            run_for: catch_up.run_for,
            missed,
            missed_total: catch_up.missed,
        })
    }

    /// Where the reservation goes after a run for `run` finished at
    /// `finished_at` with `outcome`. A manual run only records its result.
    /// A scheduled success moves to the next occurrence after the one that ran
    /// (or `completed` when there is none); a failure retries after a capped,
    /// jittered backoff, and past `policy.max_retries` the reservation is `failed`.
    /// `jitter` is in [0, 1).
    pub fn after_run(
        &self,
        run: &ReservationRun,
        outcome: ResultStatus,
        finished_at: DateTime<Utc>,
        policy: &RetryPolicy,
        jitter: f64,
    ) -> Progress {
        let next = match (run.trigger, outcome) {
            (RunTrigger::Manual, _) => None,
            (RunTrigger::Schedule, ResultStatus::Success | ResultStatus::Degraded) => {
                Some(match self.schedule.next_after(run.scheduled_for) {
                    Some(next) => NextState {
                        status: ReservationStatus::Active,
                        next_run_at: Some(next),
                        retry_count: 0,
                    },
                    None => NextState {
                        status: ReservationStatus::Completed,
                        next_run_at: None,
                        retry_count: 0,
                    },
                })
            }
            (RunTrigger::Schedule, ResultStatus::Failed)
                if self.retry_count >= policy.max_retries =>
            {
                Some(NextState {
                    status: ReservationStatus::Failed,
                    next_run_at: None,
                    retry_count: self.retry_count,
                })
            }
            (RunTrigger::Schedule, ResultStatus::Failed) => {
                let retry_count = self.retry_count + 1;
                Some(NextState {
                    status: ReservationStatus::Active,
                    next_run_at: Some(
                        finished_at + retry_delay(retry_count, policy.base, policy.cap, jitter),
                    ),
                    retry_count,
                })
            }
        };
        Progress {
            last_run_at: finished_at,
            last_result_status: outcome,
            next,
        }
    }
}

/// One run of a reservation. `(reservation_id, scheduled_for)` is unique: an
/// occurrence can never run twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationRun {
    pub id: Uuid,
    pub reservation_id: ReservationId,
    /// The occurrence (or retry, or "run now" instant) this run is for.
    pub scheduled_for: DateTime<Utc>,
    pub trigger: RunTrigger,
    /// 1 for the first attempt at an occurrence, 2 for its first retry, …
    pub attempt: u32,
    pub status: RunStatus,
    pub summary: String,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// The plan request the run produced, once it finished with plans.
    pub plan_request_id: Option<String>,
}

impl ReservationRun {
    /// A "run now": queued for the next scheduler tick.
    pub fn manual(id: Uuid, reservation_id: ReservationId, now: DateTime<Utc>) -> Self {
        Self {
            id,
            reservation_id,
            scheduled_for: now,
            trigger: RunTrigger::Manual,
            attempt: 1,
            status: RunStatus::Queued,
            summary: String::new(),
            started_at: None,
            finished_at: None,
            lease_owner: None,
            lease_expires_at: None,
            plan_request_id: None,
        }
    }

    /// An occurrence skipped by the catch-up policy.
    pub fn missed(
        id: Uuid,
        reservation_id: ReservationId,
        scheduled_for: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            reservation_id,
            scheduled_for,
            trigger: RunTrigger::Schedule,
            attempt: 0,
            status: RunStatus::Missed,
            summary: "missed while the scheduler was not running; a later occurrence ran instead"
                .into(),
            started_at: None,
            finished_at: Some(now),
            lease_owner: None,
            lease_expires_at: None,
            plan_request_id: None,
        }
    }

    /// A scheduled run, leased to `owner` from `now`.
    pub fn leased(
        id: Uuid,
        reservation: &Reservation,
        scheduled_for: DateTime<Utc>,
        owner: &str,
        now: DateTime<Utc>,
        lease_for: Duration,
    ) -> Self {
        Self {
            id,
            reservation_id: reservation.id,
            scheduled_for,
            trigger: RunTrigger::Schedule,
            attempt: reservation.retry_count + 1,
            status: RunStatus::Running,
            summary: String::new(),
            started_at: Some(now),
            finished_at: None,
            lease_owner: Some(owner.to_owned()),
            lease_expires_at: Some(now + lease_for),
            plan_request_id: None,
        }
    }

    pub fn is_finished(&self) -> bool {
        !matches!(self.status, RunStatus::Queued | RunStatus::Running)
    }
}

#[cfg(test)]
mod tests;
