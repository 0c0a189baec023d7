//! What reservations need: their store, the scheduler's run queue, a runner
//! that carries out a run and a notifier that tells the shopper.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;
use uuid::Uuid;

use crate::error::RepoError;
use crate::user::UserId;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CreateReservationError {
    #[error("at most {max} live reservations per shopper")]
    LimitReached { max: u32 },
    /// An active or paused reservation of the owner is identical (title,
    /// mode, schedule, channel).
    #[error("an identical reservation exists")]
    Duplicate {
        existing: crate::reservation::ReservationId,
    },
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Reservations, per shopper. Every read and write names the owner: another
/// user's reservation is never found.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ReservationRepository: Send + Sync {
    /// Atomically: counts the owner's live (not completed, not cancelled)
    /// reservations and inserts `reservation` only if there are fewer than
    /// `max_live` and none of the owner's active or paused ones is identical
    /// (same title, mode, schedule, time zone, channel and webhook).
    async fn create(
        &self,
        reservation: &crate::reservation::Reservation,
        max_live: u32,
    ) -> Result<(), CreateReservationError>;
    async fn find(
        &self,
        user: UserId,
        id: crate::reservation::ReservationId,
    ) -> Result<Option<crate::reservation::Reservation>, RepoError>;
    /// Newest first (by `created_at`, then id).
    async fn list(
        &self,
        user: UserId,
        page: &crate::page::PageRequest,
    ) -> Result<crate::page::Page<crate::reservation::Reservation>, RepoError>;
    /// Writes what the shopper can change (title, mode, schedule, channel,
    /// status, next run, retry count, `updated_at`); the scheduler's result
    /// fields are left alone. `false` when the owner has no such reservation.
    async fn update(
        &self,
        reservation: &crate::reservation::Reservation,
    ) -> Result<bool, RepoError>;
    /// The reservation's runs, newest first (by `scheduled_for`, then id);
    /// empty for another user's reservation.
    async fn runs(
        &self,
        user: UserId,
        id: crate::reservation::ReservationId,
        page: &crate::page::PageRequest,
    ) -> Result<crate::page::Page<crate::reservation::ReservationRun>, RepoError>;
    /// Atomically: stores `run` (a queued "run now") unless the reservation
    /// already has a queued or running run; `false` then.
    async fn enqueue(&self, run: &crate::reservation::ReservationRun) -> Result<bool, RepoError>;
}

/// A run the caller now holds the lease of, with its reservation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedRun {
    pub run: crate::reservation::ReservationRun,
    pub reservation: crate::reservation::Reservation,
    /// Occurrences skipped by the catch-up policy when this run was claimed.
    pub missed: u32,
}

/// How a run ended, and what that does to its reservation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFinish {
    pub status: crate::reservation::RunStatus,
    pub summary: String,
    /// The plan request the run produced, if any.
    pub plan_request_id: Option<uuid::Uuid>,
    pub finished_at: DateTime<Utc>,
    pub progress: crate::reservation::Progress,
}

/// What the scheduler needs of storage. Both methods are atomic, so that any
/// number of schedulers on one database run each occurrence exactly once.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait RunQueue: Send + Sync {
    /// Atomically takes up to `limit` runs and leases each to `lease_owner`
    /// until `now + lease_for`:
    /// 1. queued runs ("run now") and running runs whose lease expired before
    ///    `now` (a crashed worker) — the same row, never a second run;
    /// 2. active reservations with `next_run_at <= now`: one new run row per
    ///    reservation for the occurrence chosen by
    ///    [`crate::reservation::Reservation::due`] (older ones are stored as
    ///    `missed` runs), unique on `(reservation_id, scheduled_for)`; the
    ///    reservation's `next_run_at` is cleared until the run finishes.
    ///
    /// Rows another claimer holds are skipped, not waited for.
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        lease_owner: &str,
        lease_for: chrono::Duration,
    ) -> Result<Vec<ClaimedRun>, RepoError>;
    /// Atomically records the end of a run and applies `finish.progress` to its
    /// reservation — only if the run is still running under `lease_owner`.
    /// `false` (nothing written) otherwise. `progress.next` (status, next run,
    /// retry count) applies only if the reservation is still active with no
    /// next run set: a shopper's pause, cancel or reschedule during the run wins.
    async fn finish_run(
        &self,
        run_id: Uuid,
        lease_owner: &str,
        finish: &RunFinish,
    ) -> Result<bool, RepoError>;
}

/// Carries out one reservation run (the plan feature generates a plan for the
/// shopper's basket). Failures are outcomes, not errors.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ReservationRunner: Send + Sync {
    /// Runs the reservation for the occurrence `scheduled_for` (offline
    /// plans depart then: stores closed on arrival are skipped).
    async fn run(
        &self,
        reservation: &crate::reservation::Reservation,
        scheduled_for: chrono::DateTime<chrono::Utc>,
    ) -> crate::reservation::RunOutcome;
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum NotifyError {
    /// The channel did not take the message (after its own retries).
    #[error("notification not delivered: {0}")]
    Delivery(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Tells the shopper how a run went, on the reservation's channel.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Notifier: Send + Sync {
    async fn notify(
        &self,
        user: UserId,
        reservation: &crate::reservation::Reservation,
        run: &crate::reservation::ReservationRun,
        outcome: &crate::reservation::RunOutcome,
    ) -> Result<(), NotifyError>;
}
