//! The plan engine: exact offline (Traveling Purchaser) and online (mall split
//! with delivery fees) optimisers. Pure: no I/O, no clock, no randomness.
//!
//! It has its own input types ([`OfflineInput`], [`OnlineInput`]); a use case
//! maps catalog data into them. Money is integer 원 (`i64`) everywhere; floats
//! appear only in [`GeoPoint::distance_m`], which rounds to whole metres, and
//! distance becomes money in exactly one place, [`travel_cost_krw`].
//!
//! Missing lines (sold by no candidate) are reported with a reason and never
//! priced as 0. Every objective maximises the number of lines bought first and
//! only then minimises money (see [`offline`] and [`online`] for the rules and
//! for why each search is exact). Results are deterministic: lines and stores
//! are processed in id order and ties go to the earlier store id.
//!
//! When nothing at all can be bought, the engines return
//! [`PlanError::NoPlanPossible`] (the API's `DEPENDENCY_FAILURE`, 503) rather
//! than a plan that buys nothing.

mod geo;
mod model;
pub mod offline;
pub mod online;
mod prep;
pub mod travel;

#[cfg(test)]
mod tests;

pub use geo::{travel_cost_krw, GeoPoint};
pub use model::{
    defaults, limits, Assignment, BasketLine, ClosedReasonKey, FrontierPoint, LineId,
    MallCandidate, Missing, MissingReason, OfflineInput, OfflineOutcome, OnlineInput, Optimality,
    Plan, PlanError, PlanLabel, ProductKey, SkippedStore, Stop, StoreCandidate, StoreId, TimeValue,
    UnitPrice,
};
pub use offline::{plan_offline, plan_offline_outcome};
pub use online::plan_online;
pub use travel::{RouteTable, Travel};
