//! Points on the earth and the distance between them.

use crate::user::InvalidValue;

/// A WGS84 coordinate; latitude in −90..=90, longitude in −180..=180, finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    lat: f64,
    lng: f64,
}

/// Mean earth radius used by the haversine formula.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

impl GeoPoint {
    pub fn new(lat: f64, lng: f64) -> Result<Self, InvalidValue> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(InvalidValue::new("lat", "must be between -90 and 90"));
        }
        if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
            return Err(InvalidValue::new("lng", "must be between -180 and 180"));
        }
        Ok(Self { lat, lng })
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lng(self) -> f64 {
        self.lng
    }

    /// Great-circle distance in metres (haversine).
    pub fn distance_m(self, other: GeoPoint) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lng - self.lng).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
    }

    /// A latitude/longitude box that contains every point within `radius_m`
    /// (for a cheap pre-filter in storage; the exact test is [`distance_m`]).
    ///
    /// [`distance_m`]: GeoPoint::distance_m
    pub fn bounding_box(self, radius_m: f64) -> (f64, f64, f64, f64) {
        let dlat = (radius_m / EARTH_RADIUS_M).to_degrees();
        let cos = self.lat.to_radians().cos().abs().max(1e-6);
        let dlng = (dlat / cos).min(360.0);
        (
            self.lat - dlat,
            self.lat + dlat,
            self.lng - dlng,
            self.lng + dlng,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_out_of_range_and_nan() {
        assert!(GeoPoint::new(90.1, 0.0).is_err());
        assert!(GeoPoint::new(0.0, -180.5).is_err());
        assert!(GeoPoint::new(f64::NAN, 0.0).is_err());
        assert!(GeoPoint::new(37.4985, 127.0292).is_ok());
    }

    #[test]
    fn haversine_matches_known_distances() {
        let gangnam = GeoPoint::new(37.4985, 127.0292).expect("gangnam");
        let yeoksam = GeoPoint::new(37.5006, 127.0364).expect("yeoksam");
        let d = gangnam.distance_m(yeoksam);
        assert!(
            (650.0..700.0).contains(&d),
            "강남역–역삼역 ≈ 0.67 km, got {d}"
        );
        assert_eq!(gangnam.distance_m(gangnam), 0.0);
        let seoul = GeoPoint::new(37.5665, 126.9780).expect("seoul");
        let busan = GeoPoint::new(35.1796, 129.0756).expect("busan");
        let d = seoul.distance_m(busan) / 1000.0;
        assert!((320.0..330.0).contains(&d), "Seoul–Busan ≈ 325 km, got {d}");
    }

    #[test]
    fn bounding_box_contains_the_circle() {
        let p = GeoPoint::new(37.4985, 127.0292).expect("p");
        let (lat0, lat1, lng0, lng1) = p.bounding_box(1000.0);
        let east = GeoPoint::new(37.4985, lng1).expect("east");
        let north = GeoPoint::new(lat1, 127.0292).expect("north");
        assert!((p.distance_m(east) - 1000.0).abs() < 1.0);
        assert!((p.distance_m(north) - 1000.0).abs() < 1.0);
        assert!(lat0 < lat1 && lng0 < lng1);
    }
}
