//! The metrics port: what the service counts and measures, named by meaning.
//!
//! The HTTP adapter, the scheduler and the price gateway record through
//! [`Metrics`]; an adapter turns the calls into series (the app's is built on
//! the `metrics` crate and its Prometheus exporter, `app/src/metrics.rs`, and
//! owns the metric names that `docs/ops/` is written against). Nothing here
//! knows about Prometheus.

use crate::system::PoolState;

/// Outcome labels of plan generation.
pub mod plan_outcome {
    /// Every source answered; 200.
    pub const OK: &str = "ok";
    /// Plans were made without some price source; 206.
    pub const DEGRADED: &str = "degraded";
    /// The server or its dependencies failed (no plan possible, storage).
    pub const ERROR: &str = "error";
    /// The request was refused for its content (empty basket, invalid or
    /// unclear lines): the shopper's problem, not an operational one.
    pub const REJECTED: &str = "rejected";
}

/// The scheduler's heartbeat as a scrape sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeartbeatAge {
    /// Seconds since the last beat; `None` before the first.
    pub age_s: Option<u64>,
    /// Beats older than this make the readiness check fail.
    pub max_age_s: u64,
}

/// A price source's sync state as a scrape sees it (read from the store, so
/// every instance reports the same).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceSyncGauges {
    /// Seconds since the Unix epoch of the last completed call; `None`: never.
    pub last_success_s: Option<f64>,
    /// The interval the source is expected to succeed within (its schedule).
    pub expected_interval_s: f64,
    /// Calls left of today's budget (Korea's day).
    pub budget_remaining: u32,
    /// Price rows stored from the source.
    pub rows: u64,
}

/// Counters, histograms and gauges of one server. Every method is cheap and
/// never fails: a metric that cannot be recorded is dropped, never an error
/// for the work it measures.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Metrics: Send + Sync {
    /// One answered HTTP request. `route` is the matched route template
    /// (`/api/v1/things/{id}`), never the raw path.
    fn http_request(&self, method: &str, route: &str, status: u16, seconds: f64);
    /// One plan generation; `outcome` is one of [`plan_outcome`].
    fn plan_generated(&self, mode: &str, outcome: &str, seconds: f64);
    /// One price source call; `status` is `ok`, `timeout` or `error`.
    fn price_source(&self, source: &str, status: &str, seconds: f64);
    /// A refused login: `invalid_credentials` or `error`.
    fn login_failed(&self, reason: &str);
    /// A request refused by a rate limiter (`login`, …).
    fn rate_limited(&self, limiter: &str);
    /// A spent refresh token was presented again.
    fn refresh_reused(&self);
    /// One reservation run finished with `outcome` (`success`, `failed`, …).
    fn scheduler_run(&self, outcome: &str);
    /// How late (seconds after its due time) the run the scheduler just
    /// started is.
    fn scheduler_lag_seconds(&self, seconds: f64);
    /// Housekeeping deleted `rows` rows of `table` (e.g. expired plan
    /// requests that did not become orders).
    fn rows_pruned(&self, table: &str, rows: u64);
    /// Scrape time: the scheduler's heartbeat; `None` when no scheduler runs
    /// beside this server (no series then).
    fn set_heartbeat(&self, beat: Option<HeartbeatAge>);
    /// A scheduled or manual price sync run of `source` made `calls` calls
    /// and stored `rows` rows.
    fn price_sync_run(&self, source: &str, calls: u64, rows: u64);
    /// One failed sync call of `source`, by its typed outcome
    /// (`FeedError::kind`: `network`, `timeout`, `server_error`…).
    fn price_sync_failure(&self, source: &str, kind: &str);
    /// Scrape time: a configured price source's sync state.
    fn set_price_sync(&self, source: &str, gauges: PriceSyncGauges);
    /// Scrape time: whether a readiness check (`database`, `scheduler`) passes.
    fn set_ready(&self, check: &str, ok: bool);
    /// Scrape time: the store's connection pool.
    fn set_pool(&self, backend: &str, pool: PoolState);
    /// Every series in the text exposition format (what `GET /metrics` serves).
    fn render(&self) -> String;
}

/// Records nothing: for tools and tests that need no figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMetrics;

impl Metrics for NoMetrics {
    fn http_request(&self, _: &str, _: &str, _: u16, _: f64) {}
    fn plan_generated(&self, _: &str, _: &str, _: f64) {}
    fn price_source(&self, _: &str, _: &str, _: f64) {}
    fn login_failed(&self, _: &str) {}
    fn rate_limited(&self, _: &str) {}
    fn refresh_reused(&self) {}
    fn scheduler_run(&self, _: &str) {}
    fn scheduler_lag_seconds(&self, _: f64) {}
    fn rows_pruned(&self, _: &str, _: u64) {}
    fn set_heartbeat(&self, _: Option<HeartbeatAge>) {}
    fn price_sync_run(&self, _: &str, _: u64, _: u64) {}
    fn price_sync_failure(&self, _: &str, _: &str) {}
    fn set_price_sync(&self, _: &str, _: PriceSyncGauges) {}
    fn set_ready(&self, _: &str, _: bool) {}
    fn set_pool(&self, _: &str, _: PoolState) {}
    fn render(&self) -> String {
        String::new()
    }
}
