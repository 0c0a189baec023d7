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

mod input;
pub mod items;
pub mod ports;
pub mod service;
mod state;
mod webhook;

pub use input::*;
pub use items::{PlannedItem, PlannedItemInput, MAX_PLANNED_ITEMS};
pub use state::*;
pub use webhook::*;

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::error::RepoError;
use crate::user::InvalidValue;

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
#[cfg(test)]
mod tests;
