//! The in-app inbox: what the shopper was told, newest first.

pub mod ports;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::reservation::{Reservation, ReservationId, ReservationRun, RunOutcome};
use crate::user::UserId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Uuid,
    pub user_id: UserId,
    pub reservation_id: Option<ReservationId>,
    /// At most one notification per run: a run retried after a crash does not
    /// tell the shopper twice.
    pub run_id: Option<Uuid>,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// The plan request the run produced (a success links to its plans).
    pub plan_request_id: Option<Uuid>,
    /// When the shopper read it; `None`: unread.
    pub read_at: Option<DateTime<Utc>>,
}

impl Notification {
    /// The inbox entry for a finished run.
    pub fn for_run(
        id: Uuid,
        reservation: &Reservation,
        run: &ReservationRun,
        outcome: &RunOutcome,
        now: DateTime<Utc>,
    ) -> Self {
        let verdict = match outcome.status {
            crate::reservation::ResultStatus::Success => "완료",
            crate::reservation::ResultStatus::Degraded => "일부 완료",
            crate::reservation::ResultStatus::Failed => "실패",
        };
        Self {
            id,
            user_id: reservation.user_id,
            reservation_id: Some(reservation.id),
            run_id: Some(run.id),
            title: format!("{} — {verdict}", reservation.title.as_str()),
            body: outcome.summary.clone(),
            created_at: now,
            plan_request_id: outcome.plan_request_id,
            read_at: None,
        }
    }
}
