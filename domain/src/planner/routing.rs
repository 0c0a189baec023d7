//! Travel time between the shopper and the stores: the `Routing` port (a
//! road routing service such as OSRM's `/table`) and the built-in estimate
//! that stands in for it.
//!
//! # The built-in estimate
//! Without a routing service (or when it fails, misses its deadline or
//! answers nonsense) a leg is the straight line (haversine) × the travel
//! mode's detour factor, at the mode's door-to-door speed:
//!
//! | mode | detour | speed |
//! |---|---|---|
//! | walk | × 1.3 | 4 km/h |
//! | transit | × 1.4 | 15 km/h |
//! | car | × 1.5 | 30 km/h |
//!
//! Urban road networks are 1.2–1.4 × the straight line on average; transit
//! and car routes bend more (lines, one-way streets, parking). The speeds
//! are the prototype's door-to-door figures (waiting and parking included).
//!
//! # With a routing service
//! The engine needs legs between every pair of candidate stores, and a
//! table of 4 000 stores is 16 M pairs — far beyond a routing service's
//! table (OSRM's default limit is 100 points). So:
//! - when the stores in reach that sell a basket line fit in one table
//!   (the port's [`Routing::max_points`] less the origin), all of them are
//!   routed and the plans are exact over the road table;
//! - otherwise the engine first solves over every store with the estimate;
//!   the stores of its plans (every label and the best single store) are
//!   routed, and the table is filled with the other stores nearest to the
//!   shopper. The plans are then exact over the routed stores, and the
//!   answer says the routing was partial (`meta.routing.complete: false`,
//!   with how many stores were routed); the other stores were judged by the
//!   estimate only.
//!
//! The engine's proofs need a metric: the road table is made symmetric and
//! closed under shortest paths first (`plan::travel`).

use std::time::Duration;

use async_trait::async_trait;
use thiserror::Error;

use crate::catalog::GeoPoint;
use crate::plan;
use crate::preferences::TravelMode;

/// A routing service's table over some points (row = from, column = to;
/// `None`: no route found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoadTable {
    pub metres: Vec<Option<i64>>,
    pub seconds: Vec<Option<i64>>,
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum RoutingError {
    /// No answer within the deadline.
    #[error("the routing service did not answer within {0:?}")]
    Timeout(Duration),
    /// Network error or an error status.
    #[error("the routing service failed: {0}")]
    Failed(String),
    /// An answer that is not a table of the asked size.
    #[error("the routing service answered an unreadable table: {0}")]
    Malformed(String),
}

impl RoutingError {
    /// `timeout`, `error` or `malformed` (the answer's `meta.routing.fallback_reason`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Timeout(_) => "timeout",
            Self::Failed(_) => "error",
            Self::Malformed(_) => "malformed",
        }
    }
}

/// A road routing service.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Routing: Send + Sync {
    /// A short name for the answer's `meta.routing.source` (e.g. `osrm`).
    fn name(&self) -> &'static str;
    /// Most points (origin included) one table may have.
    fn max_points(&self) -> usize;
    /// Metres and seconds between every pair of `points` for `mode`, within
    /// the adapter's own deadline.
    async fn table(&self, mode: TravelMode, points: &[GeoPoint])
        -> Result<RoadTable, RoutingError>;
}

/// The detour factor of the built-in estimate, ‰ of the straight line.
pub fn detour_permille(mode: TravelMode) -> i64 {
    match mode {
        TravelMode::Walk => 1_300,
        TravelMode::Transit => 1_400,
        TravelMode::Car => 1_500,
    }
}

/// The built-in estimate for `mode` (see the module docs).
pub fn estimate(mode: TravelMode) -> plan::Travel {
    plan::Travel {
        detour_permille: detour_permille(mode),
        speed_km_per_h: i64::from(mode.speed_km_per_h()),
        table: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_is_straight_line_times_detour_at_the_mode_speed() {
        let t = estimate(TravelMode::Walk);
        assert_eq!((t.detour_permille, t.speed_km_per_h), (1_300, 4));
        assert_eq!(estimate(TravelMode::Car).detour_permille, 1_500);
        // 1 km straight on foot: 1.3 km, 19.5 minutes.
        let m = 1_300;
        assert_eq!(plan::travel::seconds_at(m, t.speed_km_per_h), 1_170);
    }
}
