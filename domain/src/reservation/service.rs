//! The shopper's reservation use cases: create, list, read, change, cancel,
//! list runs, run now.

use std::sync::Arc;

use crate::catalog::ports::CatalogRepository;
use crate::page::{Page, PageRequest};
use crate::planner::PlanMode;
use crate::reservation::ports::{CreateReservationError, ReservationRepository};
use crate::system::{Clock, RandomSource};
use crate::user::{InvalidValue, UserId};

use super::items::{self, ResolveError};
use super::{
    Channel, NewReservation, PlannedItem, PlannedItemInput, Reservation, ReservationError,
    ReservationId, ReservationRun, ScheduleInput, Title, MAX_LIVE_PER_USER,
};

/// A new reservation as the client sent it.
#[derive(Debug, Clone, Default)]
pub struct ReservationInput {
    pub title: String,
    /// `offline` when absent.
    pub mode: Option<String>,
    pub schedule: ScheduleInput,
    /// `in_app` when absent.
    pub channel: Option<String>,
    pub webhook_url: Option<String>,
    /// The reservation's own lines; absent plans the live basket at run time.
    pub planned_items: Option<Vec<PlannedItemInput>>,
}

/// A change as the client sent it: absent fields stay as they are. Schedule
/// fields are merged into the current schedule (a new `schedule_type` starts
/// from an empty schedule in the same time zone).
#[derive(Debug, Clone, Default)]
pub struct ReservationPatch {
    pub title: Option<String>,
    pub mode: Option<String>,
    /// `paused` or `active` (resume). Cancelling is DELETE.
    pub status: Option<String>,
    pub schedule_type: Option<String>,
    pub run_at: Option<String>,
    pub time_of_day: Option<String>,
    pub days_of_week: Option<Vec<i64>>,
    pub day_of_month: Option<i64>,
    pub timezone: Option<String>,
    pub channel: Option<String>,
    pub webhook_url: Option<String>,
    /// `None` keeps the list, `Some(None)` clears it (plan the live basket),
    /// `Some(Some(lines))` replaces it.
    pub planned_items: Option<Option<Vec<PlannedItemInput>>>,
}

impl ReservationPatch {
    fn touches_schedule(&self) -> bool {
        self.schedule_type.is_some()
            || self.run_at.is_some()
            || self.time_of_day.is_some()
            || self.days_of_week.is_some()
            || self.day_of_month.is_some()
            || self.timezone.is_some()
    }
}

fn parse_mode(raw: Option<&str>) -> Result<PlanMode, InvalidValue> {
    match raw {
        None => Ok(PlanMode::Offline),
        Some(m) => PlanMode::parse(m.trim())
            .ok_or_else(|| InvalidValue::new("mode", "must be offline or online")),
    }
}

fn collect<T>(r: Result<T, InvalidValue>, problems: &mut Vec<InvalidValue>) -> Option<T> {
    r.map_err(|e| problems.push(e)).ok()
}

pub struct ReservationService {
    repo: Arc<dyn ReservationRepository>,
    catalog: Arc<dyn CatalogRepository>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
    max_live: u32,
}

impl ReservationService {
    pub fn new(
        repo: Arc<dyn ReservationRepository>,
        catalog: Arc<dyn CatalogRepository>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
    ) -> Self {
        Self {
            repo,
            catalog,
            clock,
            random,
            max_live: MAX_LIVE_PER_USER,
        }
    }

    /// The clock's time at the stores' precision (microseconds), so that
    /// what is answered equals what is read back later.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        use chrono::SubsecRound as _;
        self.clock.now().trunc_subsecs(6)
    }

    pub async fn create(
        &self,
        user: UserId,
        input: ReservationInput,
    ) -> Result<Reservation, ReservationError> {
        let mut problems = Vec::new();
        let title = collect(Title::parse(&input.title), &mut problems);
        let mode = collect(parse_mode(input.mode.as_deref()), &mut problems);
        let channel = collect(
            Channel::parse(
                input.channel.as_deref().map_or("in_app", str::trim),
                input.webhook_url.as_deref(),
            ),
            &mut problems,
        );
        let schedule = match input.schedule.parse() {
            Ok(s) => Some(s),
            Err(mut e) => {
                problems.append(&mut e);
                None
            }
        };
        let planned_items = self
            .planned_items(input.planned_items.as_deref(), &mut problems)
            .await?;
        let (Some(title), Some(mode), Some(channel), Some(schedule), Some(planned_items)) =
            (title, mode, channel, schedule, planned_items)
        else {
            return Err(ReservationError::Invalid(problems));
        };
        let now = self.now();
        let reservation = Reservation::create(
            ReservationId(self.random.uuid()),
            user,
            NewReservation {
                title,
                mode,
                schedule,
                channel,
                planned_items,
            },
            now,
        )?;
        self.repo
            .create(&reservation, self.max_live)
            .await
            .map_err(|e| match e {
                CreateReservationError::LimitReached { max } => {
                    ReservationError::LimitReached { max }
                }
                CreateReservationError::Duplicate { existing } => {
                    ReservationError::Duplicate { existing }
                }
                CreateReservationError::Repo(r) => r.into(),
            })?;
        Ok(reservation)
    }

    /// Checks a list as sent against the catalog. `Ok(None)`: it has
    /// problems (pushed onto `problems`); `Ok(Some(None))`: no list.
    async fn planned_items(
        &self,
        list: Option<&[PlannedItemInput]>,
        problems: &mut Vec<InvalidValue>,
    ) -> Result<Option<Option<Vec<PlannedItem>>>, ReservationError> {
        let Some(list) = list else {
            return Ok(Some(None));
        };
        match items::resolve(self.catalog.as_ref(), list).await {
            Ok(items) => Ok(Some(Some(items))),
            Err(ResolveError::Invalid(mut v)) => {
                problems.append(&mut v);
                Ok(None)
            }
            Err(ResolveError::Repo(e)) => Err(e.into()),
        }
    }

    pub async fn list(
        &self,
        user: UserId,
        page: &PageRequest,
    ) -> Result<Page<Reservation>, ReservationError> {
        Ok(self.repo.list(user, page).await?)
    }

    pub async fn get(
        &self,
        user: UserId,
        id: ReservationId,
    ) -> Result<Reservation, ReservationError> {
        self.repo
            .find(user, id)
            .await?
            .ok_or(ReservationError::NotFound)
    }

    /// Applies every change or none: all values are checked first.
    pub async fn update(
        &self,
        user: UserId,
        id: ReservationId,
        patch: ReservationPatch,
    ) -> Result<Reservation, ReservationError> {
        let mut r = self.get(user, id).await?;
        let now = self.now();
        let mut problems = Vec::new();
        let title = patch
            .title
            .as_deref()
            .and_then(|t| collect(Title::parse(t), &mut problems));
        let mode = patch
            .mode
            .as_deref()
            .and_then(|m| collect(parse_mode(Some(m)), &mut problems));
        let channel = match (&patch.channel, &patch.webhook_url) {
            (None, None) => None,
            (Some(kind), url) => {
                collect(Channel::parse(kind.trim(), url.as_deref()), &mut problems)
            }
            (None, Some(url)) => {
                collect(Channel::parse(r.channel.kind(), Some(url)), &mut problems)
            }
        };
        let pause = match patch.status.as_deref().map(str::trim) {
            None => None,
            Some("paused") => Some(true),
            Some("active") => Some(false),
            Some(_) => {
                problems.push(InvalidValue::new(
                    "status",
                    "must be paused or active (DELETE cancels)",
                ));
                None
            }
        };
        let schedule = if patch.touches_schedule() {
            let current = ScheduleInput::from_schedule(&r.schedule);
            let mut merged = match &patch.schedule_type {
                Some(t) if t.trim() != current.schedule_type => ScheduleInput {
                    schedule_type: t.trim().to_owned(),
                    timezone: current.timezone.clone(),
                    ..ScheduleInput::default()
                },
                _ => current,
            };
            merged.run_at = patch.run_at.clone().or(merged.run_at);
            merged.time_of_day = patch.time_of_day.clone().or(merged.time_of_day);
            merged.days_of_week = patch.days_of_week.clone().or(merged.days_of_week);
            merged.day_of_month = patch.day_of_month.or(merged.day_of_month);
            merged.timezone = patch.timezone.clone().or(merged.timezone);
            match merged.parse() {
                Ok(s) => Some(s),
                Err(mut e) => {
                    problems.append(&mut e);
                    None
                }
            }
        } else {
            None
        };
        let planned_items = match &patch.planned_items {
            None => None,
            Some(list) => self.planned_items(list.as_deref(), &mut problems).await?,
        };
        if !problems.is_empty() {
            return Err(ReservationError::Invalid(problems));
        }
        if let Some(items) = planned_items {
            r.change_planned_items(items, now)?;
        }
        if let Some(t) = title {
            r.rename(t, now)?;
        }
        if let Some(m) = mode {
            r.change_mode(m, now)?;
        }
        if let Some(c) = channel {
            r.change_channel(c, now)?;
        }
        // Resume before rescheduling and pause after it, so the new schedule
        // sets the next run of an active reservation.
        if pause == Some(false) {
            r.resume(now)?;
        }
        if let Some(s) = schedule {
            r.reschedule(s, now)?;
        }
        if pause == Some(true) {
            r.pause(now)?;
        }
        if !self.repo.update(&r).await? {
            return Err(ReservationError::NotFound);
        }
        Ok(r)
    }

    pub async fn cancel(&self, user: UserId, id: ReservationId) -> Result<(), ReservationError> {
        let mut r = self.get(user, id).await?;
        let before = r.status;
        r.cancel(self.now())?;
        if r.status != before && !self.repo.update(&r).await? {
            return Err(ReservationError::NotFound);
        }
        Ok(())
    }

    pub async fn runs(
        &self,
        user: UserId,
        id: ReservationId,
        page: &PageRequest,
    ) -> Result<Page<ReservationRun>, ReservationError> {
        self.get(user, id).await?;
        Ok(self.repo.runs(user, id, page).await?)
    }

    /// Queues a run for the next scheduler tick. One queued or running run at
    /// a time per reservation (else `Conflict`).
    pub async fn run_now(
        &self,
        user: UserId,
        id: ReservationId,
    ) -> Result<ReservationRun, ReservationError> {
        let r = self.get(user, id).await?;
        r.can_run_now()?;
        let run = ReservationRun::manual(self.random.uuid(), r.id, self.now());
        if !self.repo.enqueue(&run).await? {
            return Err(ReservationError::Conflict(
                "a run of this reservation is already queued or running".into(),
            ));
        }
        Ok(run)
    }
}
