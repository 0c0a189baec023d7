//! How the offline engine measures a leg: metres (what travel costs and the
//! route limit use) and seconds (minutes per leg, arrival times against
//! opening hours).
//!
//! Two metrics, never mixed in one search:
//! - **the estimate** (default): the straight line (haversine, whole
//!   metres) × a detour factor of the travel mode, and seconds at the
//!   mode's door-to-door speed. Scaling a metric keeps it a metric, so every
//!   bound of the engine (triangle inequality, round trips) still holds, up
//!   to the same ½ m of rounding per leg that the bounds already allow for.
//! - **a routing table** ([`RouteTable`], e.g. OSRM's `/table`): road metres
//!   and seconds between the origin and a set of stores. A road matrix is
//!   neither symmetric (one-way streets) nor a metric (the table's metres are
//!   those of the *fastest* path, and snapping to the road network adds
//!   offsets), so the engine would lose its proofs on it. [`RouteTable`]
//!   therefore (1) symmetrises each pair to the mean of its two directions,
//!   rounded up — on a round trip through one store that is exact, and for
//!   longer routes the engine tries both directions of every cycle, whose
//!   mean is what it then pays — and (2) closes the matrix under shortest
//!   paths (Floyd–Warshall): `d(a, c) ≤ d(a, b) + d(b, c)` holds exactly
//!   afterwards, and a closed value is a real way between the two points
//!   (through the intermediate point). Metres and seconds are closed
//!   separately. On the closed, symmetric table every proof of
//!   [`super::offline`] holds unchanged, with no rounding slack needed.

use std::sync::Arc;

use super::geo::PreparedPoint;
use super::model::{PlanError, StoreId};

/// Most points (origin included) a [`RouteTable`] may have: the closure is
/// cubic (OSRM's own default table limit is 100).
pub const MAX_TABLE_POINTS: usize = 400;

/// The default detour factor (straight line = 1 000 ‰).
pub const STRAIGHT_LINE_PERMILLE: i64 = 1_000;

/// How legs are measured. [`Travel::default`]: the straight line at 4 km/h.
#[derive(Debug, Clone, PartialEq)]
pub struct Travel {
    /// The estimate's road metres = straight line × this / 1 000
    /// (1 000..=5 000).
    pub detour_permille: i64,
    /// The estimate's door-to-door speed, km/h (1..=200).
    pub speed_km_per_h: i64,
    /// A routing service's table. When set, the stores in it are the only
    /// candidates (a store the table lacks is not in reach) and every leg is
    /// read from it.
    pub table: Option<Arc<RouteTable>>,
}

impl Default for Travel {
    fn default() -> Self {
        Self {
            detour_permille: STRAIGHT_LINE_PERMILLE,
            speed_km_per_h: 4,
            table: None,
        }
    }
}

impl Travel {
    /// The estimate: metres and seconds between two points.
    pub(crate) fn estimate(&self, a: PreparedPoint, b: PreparedPoint) -> (i64, i64) {
        let m = a.scaled_distance_m(b, self.detour_permille);
        (m, seconds_at(m, self.speed_km_per_h))
    }
}

/// Seconds to cover `m` metres at `km_per_h`, rounded half up.
pub fn seconds_at(m: i64, km_per_h: i64) -> i64 {
    let per_h = km_per_h.max(1) * 1000;
    (m.max(0) * 3600 + per_h / 2) / per_h
}

/// Road metres and seconds between the origin (point 0) and stores
/// (point 1 + i for `stores[i]`), symmetric and closed under shortest paths
/// (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTable {
    stores: Vec<StoreId>,
    dim: usize,
    metres: Vec<i64>,
    seconds: Vec<i64>,
}

impl RouteTable {
    /// From a directed table (`m[from * dim + to]`, row-major over the
    /// origin and `stores`, `dim = stores.len() + 1`). `None` entries (no
    /// route found) become unreachable: such a store is dropped with its
    /// row unless the closure finds a way. Errors: wrong sizes, negative
    /// values, duplicate stores, too many points.
    pub fn from_directed(
        stores: Vec<StoreId>,
        metres: &[Option<i64>],
        seconds: &[Option<i64>],
    ) -> Result<Self, PlanError> {
        let dim = stores.len() + 1;
        if dim > MAX_TABLE_POINTS {
            return Err(PlanError::TooLarge(format!(
                "a route table of {dim} points (at most {MAX_TABLE_POINTS})"
            )));
        }
        if metres.len() != dim * dim || seconds.len() != dim * dim {
            return Err(PlanError::param(
                "route_table",
                "must be square over origin + stores",
            ));
        }
        let mut sorted = stores.clone();
        sorted.sort();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(PlanError::DuplicateStore(w[0].clone()));
        }
        if metres.iter().chain(seconds).flatten().any(|v| *v < 0) {
            return Err(PlanError::param("route_table", "must not be negative"));
        }
        Ok(Self {
            stores,
            dim,
            metres: closed(dim, metres),
            seconds: closed(dim, seconds),
        })
    }

    pub fn stores(&self) -> &[StoreId] {
        &self.stores
    }

    /// The table's point of a store (1-based; the origin is 0).
    pub fn point_of(&self, id: &StoreId) -> Option<usize> {
        self.stores.iter().position(|s| s == id).map(|i| i + 1)
    }

    /// Metres between two points; [`UNREACHABLE`] when no way is known.
    pub fn metres(&self, a: usize, b: usize) -> i64 {
        self.metres[a * self.dim + b]
    }

    /// Seconds between two points; [`UNREACHABLE`] when no way is known.
    pub fn seconds(&self, a: usize, b: usize) -> i64 {
        self.seconds[a * self.dim + b]
    }
}

/// No known way (far above any real route, far from overflowing when a few
/// are added).
pub const UNREACHABLE: i64 = i64::MAX / 64;

/// Symmetrised (mean of both directions, rounded up; one known direction is
/// used for both) and closed under shortest paths.
fn closed(dim: usize, directed: &[Option<i64>]) -> Vec<i64> {
    let mut d = vec![UNREACHABLE; dim * dim];
    for a in 0..dim {
        d[a * dim + a] = 0;
        for b in (a + 1)..dim {
            let v = match (directed[a * dim + b], directed[b * dim + a]) {
                (Some(x), Some(y)) => (x + y + 1) / 2,
                (Some(x), None) | (None, Some(x)) => x,
                (None, None) => UNREACHABLE,
            }
            .min(UNREACHABLE);
            d[a * dim + b] = v;
            d[b * dim + a] = v;
        }
    }
    for k in 0..dim {
        for a in 0..dim {
            let ak = d[a * dim + k];
            if ak >= UNREACHABLE {
                continue;
            }
            for b in 0..dim {
                let via = ak + d[k * dim + b];
                if via < d[a * dim + b] {
                    d[a * dim + b] = via;
                }
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_symmetrised_and_closed() {
        // Origin, a, b. a→b is 1 000 one way and 3 000 back (mean 2 000),
        // but origin→a→b is 300 + 500: the closure takes it.
        let m = [
            Some(0),
            Some(300),
            Some(900),
            Some(300),
            Some(0),
            Some(1_000),
            Some(900),
            Some(3_000),
            Some(0),
        ];
        let s = [
            Some(0),
            Some(60),
            None,
            Some(61),
            Some(0),
            Some(100),
            None,
            Some(100),
            Some(0),
        ];
        let ids = vec![StoreId::from("a"), StoreId::from("b")];
        let t = RouteTable::from_directed(ids, &m, &s).expect("table");
        assert_eq!(t.metres(0, 1), 300);
        assert_eq!(t.metres(1, 2), 1_200, "via the origin: 300 + 900");
        assert_eq!(t.metres(2, 1), t.metres(1, 2));
        assert_eq!(t.seconds(0, 1), 61, "mean of 60 and 61, rounded up");
        assert_eq!(t.seconds(0, 2), 161, "no direct way known: via a");
        assert_eq!(t.point_of(&StoreId::from("b")), Some(2));
        for a in 0..3 {
            for b in 0..3 {
                for c in 0..3 {
                    assert!(t.metres(a, c) <= t.metres(a, b) + t.metres(b, c));
                    assert!(t.seconds(a, c) <= t.seconds(a, b) + t.seconds(b, c));
                }
            }
        }
    }

    #[test]
    fn bad_tables_are_refused() {
        let ids = vec![StoreId::from("a")];
        assert!(RouteTable::from_directed(ids.clone(), &[Some(0); 3], &[Some(0); 4]).is_err());
        assert!(RouteTable::from_directed(ids, &[Some(-1); 4], &[Some(0); 4]).is_err());
        let twice = vec![StoreId::from("a"), StoreId::from("a")];
        assert!(RouteTable::from_directed(twice, &[Some(0); 9], &[Some(0); 9]).is_err());
    }

    #[test]
    fn seconds_round_half_up() {
        assert_eq!(seconds_at(1_000, 4), 900);
        assert_eq!(seconds_at(1, 30), 0);
        assert_eq!(seconds_at(5, 30), 1);
    }
}
