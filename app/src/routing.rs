//! The OSRM table service as the domain's `Routing` port
//! (`GET {base}/table/v1/{profile}/{lng,lat;lng,lat;…}?annotations=duration,distance`,
//! project-osrm.org/docs/v5.24.0/api/#table-service). The answer's
//! `durations` (seconds) and `distances` (metres) are `n × n` arrays, row =
//! source, column = destination, `null` where no route was found; `code` is
//! `"Ok"` on success.
//!
//! The call has a deadline (`ROUTING_TIMEOUT_MS`, the whole call with its
//! body); on a timeout, an error status, a `code` other than `Ok` or an
//! answer that is not an `n × n` table of finite, non-negative numbers the
//! planner uses the built-in estimate and says so in `meta.routing`
//! (`fallback_reason`). OSRM routes walking and driving profiles only: a
//! travel mode without a profile (`transit` by default) uses the estimate.

use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;
use ttokjang_domain::catalog::GeoPoint;
use ttokjang_domain::ports::{RoadTable, Routing, RoutingError};
use ttokjang_domain::preferences::TravelMode;

/// Where the OSRM service is and how it is used (`ROUTING_OSRM_*`).
#[derive(Debug, Clone)]
pub struct OsrmConfig {
    /// e.g. `http://osrm:5000` (no trailing path).
    pub base_url: String,
    pub timeout: Duration,
    /// Most coordinates per table (the server's `--max-table-size`, 100 by
    /// default), origin included.
    pub max_points: usize,
    /// The OSRM profile of each travel mode that has one.
    pub profiles: Vec<(TravelMode, String)>,
}

impl OsrmConfig {
    /// Defaults: 1.5 s, 100 points, walk → `foot`, car → `car` (the profile names of OSRM's supplied profiles: car, bike, foot).
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            timeout: Duration::from_millis(1_500),
            max_points: 100,
            profiles: vec![
                (TravelMode::Walk, "foot".into()),
                (TravelMode::Car, "car".into()),
            ],
        }
    }
}

pub struct Osrm {
    config: OsrmConfig,
    http: reqwest::Client,
}

impl Osrm {
    pub fn new(config: OsrmConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()?;
        Ok(Self { config, http })
    }
}

#[derive(Deserialize)]
struct TableAnswer {
    code: String,
    #[serde(default)]
    durations: Option<Vec<Vec<Option<f64>>>>,
    #[serde(default)]
    distances: Option<Vec<Vec<Option<f64>>>>,
}

/// An `n × n` array of finite, non-negative numbers, rounded to integers.
fn matrix(
    name: &str,
    rows: Option<Vec<Vec<Option<f64>>>>,
    n: usize,
) -> Result<Vec<Option<i64>>, RoutingError> {
    let rows = rows.ok_or_else(|| RoutingError::Malformed(format!("no {name}")))?;
    if rows.len() != n || rows.iter().any(|r| r.len() != n) {
        return Err(RoutingError::Malformed(format!("{name} is not {n} × {n}")));
    }
    let mut out = Vec::with_capacity(n * n);
    for v in rows.into_iter().flatten() {
        match v {
            None => out.push(None),
            Some(x) if x.is_finite() && (0.0..1.0e9).contains(&x) => {
                #[allow(clippy::cast_possible_truncation)]
                out.push(Some(x.round() as i64));
            }
            Some(_) => return Err(RoutingError::Malformed(format!("{name}: a bad value"))),
        }
    }
    Ok(out)
}

#[async_trait]
impl Routing for Osrm {
    fn name(&self) -> &'static str {
        "osrm"
    }

    fn max_points(&self) -> usize {
        self.config.max_points
    }

    async fn table(
        &self,
        mode: TravelMode,
        points: &[GeoPoint],
    ) -> Result<RoadTable, RoutingError> {
        let profile = self
            .config
            .profiles
            .iter()
            .find(|(m, _)| *m == mode)
            .map(|(_, p)| p.as_str())
            .ok_or_else(|| {
                RoutingError::Failed(format!("no OSRM profile for {}", mode.as_str()))
            })?;
        let n = points.len();
        if n == 0 || n > self.config.max_points {
            return Err(RoutingError::Failed(format!("{n} points")));
        }
        let coords: Vec<String> = points
            .iter()
            .map(|p| format!("{:.6},{:.6}", p.lng(), p.lat()))
            .collect();
        let url = format!(
            "{}/table/v1/{profile}/{}?annotations=duration,distance",
            self.config.base_url,
            coords.join(";")
        );
        let started = std::time::Instant::now();
        let fail = |e: reqwest::Error| {
            if e.is_timeout() {
                RoutingError::Timeout(self.config.timeout)
            } else if e.is_decode() {
                RoutingError::Malformed(e.without_url().to_string())
            } else {
                RoutingError::Failed(e.without_url().to_string())
            }
        };
        let result = async {
            let res = self.http.get(&url).send().await.map_err(fail)?;
            let status = res.status();
            // OSRM answers 400 with a JSON `code` for bad requests; any
            // non-success is a failure here.
            if !status.is_success() {
                return Err(RoutingError::Failed(format!("status {}", status.as_u16())));
            }
            let body: TableAnswer = res.json().await.map_err(fail)?;
            if body.code != "Ok" {
                return Err(RoutingError::Failed(format!("code {}", body.code)));
            }
            Ok(RoadTable {
                seconds: matrix("durations", body.durations, n)?,
                metres: matrix("distances", body.distances, n)?,
            })
        }
        .await;
        let ms = started.elapsed().as_millis();
        match &result {
            Ok(_) => tracing::debug!(points = n, ms, "osrm table"),
            Err(e) => {
                tracing::warn!(points = n, ms, error = %e, "osrm table failed; using the estimate")
            }
        }
        result
    }
}
