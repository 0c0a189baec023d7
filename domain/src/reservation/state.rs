//! The state machine: a reservation's status and its moves, the catch-up
//! policy, retries, and the runs the scheduler makes.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::planner::PlanMode;
use crate::schedule::{retry_delay, Schedule};
use crate::user::{InvalidValue, UserId};

use super::{
    Channel, NewReservation, PlannedItem, ReservationError, ReservationId, Title,
    MAX_MISSED_RECORDED, MAX_SUMMARY_CHARS,
};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub id: ReservationId,
    pub user_id: UserId,
    pub title: Title,
    pub mode: PlanMode,
    pub schedule: Schedule,
    pub channel: Channel,
    /// Its own item list; `None` plans the shopper's live basket at run time.
    pub planned_items: Option<Vec<PlannedItem>>,
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
            planned_items: new.planned_items,
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

    /// Replaces the reservation's own item list, or clears it (`None`: plan
    /// the live basket).
    pub fn change_planned_items(
        &mut self,
        items: Option<Vec<PlannedItem>>,
        now: DateTime<Utc>,
    ) -> Result<(), ReservationError> {
        self.ensure_not_final()?;
        self.planned_items = items;
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
