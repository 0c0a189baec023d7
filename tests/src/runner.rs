//! Deterministic stand-ins for the scheduler's ports, for tests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use ttokjang_domain::ports::{Notifier, NotifyError, ReservationRunner};
use ttokjang_domain::reservation::{
    Reservation, ReservationId, ReservationRun, ResultStatus, RunOutcome,
};
use ttokjang_domain::user::UserId;

/// Succeeds with a fixed summary, or fails while a reservation has failures
/// left to give (set with [`ScriptedRunner::fail_next`]). Counts every call.
#[derive(Debug, Default)]
pub struct ScriptedRunner {
    calls: Mutex<HashMap<ReservationId, u32>>,
    failures_left: Mutex<HashMap<ReservationId, u32>>,
}

impl ScriptedRunner {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// The next `n` runs of `id` fail.
    pub fn fail_next(&self, id: ReservationId, n: u32) {
        self.failures_left
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, n);
    }

    pub fn calls(&self, id: ReservationId) -> u32 {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
            .copied()
            .unwrap_or(0)
    }

    pub fn total_calls(&self) -> u32 {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .sum()
    }
}

#[async_trait]
impl ReservationRunner for ScriptedRunner {
    async fn run(
        &self,
        reservation: &Reservation,
        _scheduled_for: chrono::DateTime<chrono::Utc>,
    ) -> RunOutcome {
        *self
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(reservation.id)
            .or_default() += 1;
        let mut left = self
            .failures_left
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match left.get_mut(&reservation.id) {
            Some(n) if *n > 0 => {
                *n -= 1;
                RunOutcome::new(ResultStatus::Failed, "price sources did not answer")
            }
            _ => RunOutcome::new(ResultStatus::Success, "3 stops, 42,300원"),
        }
    }
}

/// Records what it was asked to tell.
#[derive(Debug, Default)]
pub struct RecordingNotifier {
    pub told: Mutex<Vec<(UserId, uuid::Uuid, ResultStatus)>>,
}

impl RecordingNotifier {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn count(&self) -> usize {
        self.told
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[async_trait]
impl Notifier for RecordingNotifier {
    async fn notify(
        &self,
        user: UserId,
        _reservation: &Reservation,
        run: &ReservationRun,
        outcome: &RunOutcome,
    ) -> Result<(), NotifyError> {
        self.told
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((user, run.id, outcome.status));
        Ok(())
    }
}
