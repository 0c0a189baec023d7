//! Ports: everything the domain needs from the outside world.
//!
//! Each port lives with its feature (`auth::ports`, `reservation::ports`, …;
//! the clock, randomness and store health in [`crate::system`]). This module
//! only re-exports them, so adapters can name every port from one place;
//! domain code imports from the feature, never from here.
//!
//! Storage ports are coarse and use-case shaped; each method that must be atomic
//! says so, and the adapter owns the transaction.

pub use crate::account::AccountRepository;
pub use crate::auth::ports::*;
pub use crate::basket::ports::*;
pub use crate::catalog::ports::*;
pub use crate::chat::ports::*;
pub use crate::mall::ports::*;
#[cfg(any(test, feature = "mocks"))]
pub use crate::metrics::MockMetrics;
pub use crate::metrics::{HeartbeatAge, Metrics, NoMetrics};
pub use crate::notification::ports::*;
pub use crate::order::ports::*;
pub use crate::payment::ports::*;
pub use crate::planner::ports::*;
#[cfg(any(test, feature = "mocks"))]
pub use crate::planner::routing::MockRouting;
pub use crate::planner::routing::{RoadTable, Routing, RoutingError};
pub use crate::preferences::ports::*;
pub use crate::pricesync::ports::*;
pub use crate::profile::ports::*;
pub use crate::reservation::ports::*;
pub use crate::system::*;
pub use crate::throttle::ThrottleRepository;
