//! Coordinates, distances and the one place where distance becomes money.

use serde::{Deserialize, Serialize};

use super::model::PlanError;

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A WGS-84 point. Always finite, latitude in −90..=90, longitude in −180..=180.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawGeoPoint")]
pub struct GeoPoint {
    lat: f64,
    lng: f64,
}

#[derive(Deserialize)]
struct RawGeoPoint {
    lat: f64,
    lng: f64,
}

impl TryFrom<RawGeoPoint> for GeoPoint {
    type Error = PlanError;

    fn try_from(raw: RawGeoPoint) -> Result<Self, Self::Error> {
        Self::new(raw.lat, raw.lng)
    }
}

impl GeoPoint {
    pub fn new(lat: f64, lng: f64) -> Result<Self, PlanError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(PlanError::param("lat", "must be a number in -90..=90"));
        }
        if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
            return Err(PlanError::param("lng", "must be a number in -180..=180"));
        }
        Ok(Self { lat, lng })
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lng(self) -> f64 {
        self.lng
    }

    /// Great-circle (haversine) distance, rounded to whole metres. Every
    /// distance the engine uses comes from here; routes add these integers.
    pub fn distance_m(self, other: GeoPoint) -> i64 {
        self.prepared().distance_m(other.prepared())
    }

    /// The point with its latitude's cosine worked out once, for a matrix of
    /// distances (the same arithmetic as [`Self::distance_m`], so the same
    /// metres).
    pub(crate) fn prepared(self) -> PreparedPoint {
        let lat_rad = self.lat.to_radians();
        PreparedPoint {
            lat_rad,
            lng: self.lng,
            cos_lat: lat_rad.cos(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct PreparedPoint {
    lat_rad: f64,
    lng: f64,
    cos_lat: f64,
}

impl PreparedPoint {
    pub(crate) fn distance_m(self, other: PreparedPoint) -> i64 {
        // At most half the Earth's circumference (~2·10⁷ m): the cast is exact.
        (EARTH_RADIUS_M * self.angle(other)).round() as i64
    }

    /// The distance × `permille` / 1 000, rounded once to whole metres
    /// (1 000 ‰ gives exactly [`Self::distance_m`]).
    pub(crate) fn scaled_distance_m(self, other: PreparedPoint, permille: i64) -> i64 {
        #[allow(clippy::cast_precision_loss)]
        let f = permille as f64 / 1000.0;
        (EARTH_RADIUS_M * self.angle(other) * f).round() as i64
    }

    /// The central angle, radians.
    fn angle(self, other: PreparedPoint) -> f64 {
        let dp = other.lat_rad - self.lat_rad;
        let dl = (other.lng - self.lng).to_radians();
        let h = (dp / 2.0).sin().powi(2) + self.cos_lat * other.cos_lat * (dl / 2.0).sin().powi(2);
        2.0 * h.sqrt().min(1.0).asin()
    }
}

/// The travel cost of a route: `distance_m × krw_per_km / 1000`, rounded half
/// up to whole 원, in integer arithmetic. This is the only place where distance
/// turns into money.
pub fn travel_cost_krw(distance_m: i64, krw_per_km: i64) -> i64 {
    distance_m.saturating_mul(krw_per_km).saturating_add(500) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_coordinates() {
        assert!(GeoPoint::new(91.0, 0.0).is_err());
        assert!(GeoPoint::new(0.0, -180.5).is_err());
        assert!(GeoPoint::new(f64::NAN, 0.0).is_err());
        assert!(GeoPoint::new(0.0, f64::INFINITY).is_err());
        assert!(GeoPoint::new(37.4985, 127.0292).is_ok());
    }

    #[test]
    fn haversine_is_in_whole_metres() {
        let gangnam = GeoPoint::new(37.4979, 127.0276).expect("valid");
        let yeoksam = GeoPoint::new(37.5007, 127.0365).expect("valid");
        let d = gangnam.distance_m(yeoksam);
        // About 840 m between 강남역 and 역삼역.
        assert!((800..=900).contains(&d), "{d}");
        assert_eq!(d, yeoksam.distance_m(gangnam));
        assert_eq!(gangnam.distance_m(gangnam), 0);
        // One degree of latitude is about 111.2 km.
        let a = GeoPoint::new(0.0, 0.0).expect("valid");
        let b = GeoPoint::new(1.0, 0.0).expect("valid");
        assert_eq!(a.distance_m(b), 111_195);
    }

    #[test]
    fn travel_cost_rounds_half_up_once() {
        assert_eq!(travel_cost_krw(0, 300), 0);
        assert_eq!(travel_cost_krw(1_000, 300), 300);
        // 1 m at 499 원/km = 0.499 원 → 0; at 500 원/km = 0.5 원 → 1.
        assert_eq!(travel_cost_krw(1, 499), 0);
        assert_eq!(travel_cost_krw(1, 500), 1);
        // 2 345 m × 300 = 703.5 원 → 704.
        assert_eq!(travel_cost_krw(2_345, 300), 704);
        assert_eq!(travel_cost_krw(2_345, 0), 0);
    }

    #[test]
    fn geopoint_deserialises_validated() {
        let ok: Result<GeoPoint, _> = serde_json::from_str(r#"{"lat":37.5,"lng":127.0}"#);
        assert!(ok.is_ok());
        let bad: Result<GeoPoint, _> = serde_json::from_str(r#"{"lat":137.5,"lng":127.0}"#);
        assert!(bad.is_err());
    }
}
