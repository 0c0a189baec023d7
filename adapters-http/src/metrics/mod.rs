//! Ttokjang's Prometheus metrics: the series it exposes on `GET /metrics` and
//! the methods that feed them. Names follow Prometheus conventions with the
//! `ttokjang_` prefix; `docs/ops/` (dashboard, alerts) is written against them.
//!
//! One [`Metrics`] per server, hung off `ApiState` (no global statics: tests
//! run many servers in one process). The app passes the same `Arc` to what it
//! wires around the HTTP adapter (the price gateway, later the scheduler).

pub mod registry;

use std::time::{SystemTime, UNIX_EPOCH};

use registry::{render, Counter, Family, Gauge, Histogram, LATENCY_BUCKETS};
use ttokjang_domain::ports::PoolState;

/// Seconds, for plan generation: 5 ms to 10 s (the target is well under 5 s).
pub const PLAN_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0,
];

/// Seconds, for one price source's answer (the deadline is typically 0.8 s).
pub const PRICE_SOURCE_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4,
];

/// The route label of requests no route matched (never the raw path: that
/// would let any client mint new series).
pub const UNMATCHED: &str = "<unmatched>";

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

pub struct Metrics {
    http_requests: Counter,
    http_duration: Histogram,
    plan_generations: Counter,
    plan_duration: Histogram,
    price_source_requests: Counter,
    price_source_duration: Histogram,
    login_failures: Counter,
    rate_limited: Counter,
    refresh_reuse: Counter,
    scheduler_runs: Counter,
    scheduler_lag: Gauge,
    scheduler_heartbeat_age: Gauge,
    scheduler_heartbeat_max_age: Gauge,
    readiness: Gauge,
    db_pool_connections: Gauge,
    db_pool_idle: Gauge,
    db_pool_max: Gauge,
    build_info: Gauge,
    start_time: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// Methods outside the standard set (WebDAV, made-up ones) share one label.
fn method_label(method: &str) -> &str {
    match method {
        "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
        _ => "OTHER",
    }
}

impl Metrics {
    /// A registry for a server of this version; the start time is now.
    pub fn new(version: &str) -> Self {
        let m = Self {
            http_requests: Counter::new(
                "ttokjang_http_requests_total",
                "HTTP requests answered, by route template, method and status.",
                &["method", "route", "status"],
            ),
            http_duration: Histogram::new(
                "ttokjang_http_request_duration_seconds",
                "Time to answer an HTTP request, by route template, method and status.",
                &["method", "route", "status"],
                LATENCY_BUCKETS,
            ),
            plan_generations: Counter::new(
                "ttokjang_plan_generations_total",
                "Plan generations by mode (offline|online) and outcome (ok|degraded|error|rejected).",
                &["mode", "outcome"],
            ),
            plan_duration: Histogram::new(
                "ttokjang_plan_generation_duration_seconds",
                "Time to generate and store plans for a basket, by mode and outcome.",
                &["mode", "outcome"],
                PLAN_BUCKETS,
            ),
            price_source_requests: Counter::new(
                "ttokjang_price_source_requests_total",
                "Price source calls by source and status (ok|timeout|error).",
                &["source", "status"],
            ),
            price_source_duration: Histogram::new(
                "ttokjang_price_source_duration_seconds",
                "Time a price source took to answer, fail or miss its deadline.",
                &["source", "status"],
                PRICE_SOURCE_BUCKETS,
            ),
            login_failures: Counter::new(
                "ttokjang_login_failures_total",
                "Refused logins by reason (invalid_credentials|error); throttled ones are in ttokjang_rate_limited_total.",
                &["reason"],
            ),
            rate_limited: Counter::new(
                "ttokjang_rate_limited_total",
                "Requests refused with 429 by a rate limiter.",
                &["limiter"],
            ),
            refresh_reuse: Counter::new(
                "ttokjang_refresh_token_reuse_total",
                "Spent refresh tokens presented again (the session was revoked).",
                &[],
            ),
            scheduler_runs: Counter::new(
                "ttokjang_scheduler_runs_total",
                "Reservation runs by outcome.",
                &["outcome"],
            ),
            scheduler_lag: Gauge::new(
                "ttokjang_scheduler_lag_seconds",
                "How late the scheduler's most recent run started after its due time.",
                &[],
            ),
            scheduler_heartbeat_age: Gauge::new(
                "ttokjang_scheduler_heartbeat_age_seconds",
                "Seconds since the scheduler's last heartbeat (+Inf before the first); absent when no scheduler runs here.",
                &[],
            ),
            scheduler_heartbeat_max_age: Gauge::new(
                "ttokjang_scheduler_heartbeat_max_age_seconds",
                "Heartbeats older than this make /readyz fail.",
                &[],
            ),
            readiness: Gauge::new(
                "ttokjang_ready",
                "1 when the /readyz check passes, by check (database|scheduler), measured at scrape time.",
                &["check"],
            ),
            db_pool_connections: Gauge::new(
                "ttokjang_db_pool_connections",
                "Open database connections (in use + idle).",
                &["backend"],
            ),
            db_pool_idle: Gauge::new(
                "ttokjang_db_pool_idle_connections",
                "Open database connections waiting for work.",
                &["backend"],
            ),
            db_pool_max: Gauge::new(
                "ttokjang_db_pool_max_connections",
                "The most connections the pool will open.",
                &["backend"],
            ),
            build_info: Gauge::new(
                "ttokjang_build_info",
                "Always 1; the labels say which build runs.",
                &["version"],
            ),
            start_time: Gauge::new(
                "ttokjang_process_start_time_seconds",
                "When this process started, in seconds since the Unix epoch.",
                &[],
            ),
        };
        m.build_info.set(&[version], 1.0);
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        m.start_time.set(&[], started);
        m
    }

    /// One answered HTTP request. `route` is the matched template
    /// (`/api/v1/things/{id}`) or [`UNMATCHED`].
    pub fn http_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [method_label(method), route, status.as_str()];
        self.http_requests.inc(&labels);
        self.http_duration.observe(&labels, seconds);
    }

    /// One plan generation; `outcome` is one of [`plan_outcome`].
    pub fn plan_generated(&self, mode: &str, outcome: &str, seconds: f64) {
        self.plan_generations.inc(&[mode, outcome]);
        self.plan_duration.observe(&[mode, outcome], seconds);
    }

    /// One price source call; `status` is `ok`, `timeout` or `error`.
    pub fn price_source(&self, source: &str, status: &str, seconds: f64) {
        self.price_source_requests.inc(&[source, status]);
        self.price_source_duration
            .observe(&[source, status], seconds);
    }

    /// A refused login: `invalid_credentials` or `error`.
    pub fn login_failed(&self, reason: &str) {
        self.login_failures.inc(&[reason]);
    }

    /// A 429 from a limiter (`login`, later others).
    pub fn rate_limited(&self, limiter: &str) {
        self.rate_limited.inc(&[limiter]);
    }

    /// A spent refresh token was presented again.
    pub fn refresh_reused(&self) {
        self.refresh_reuse.inc(&[]);
    }

    /// Hook for the scheduler: one reservation run finished with `outcome`
    /// (e.g. `ok`, `failed`, `retry`, `skipped`).
    pub fn scheduler_run(&self, outcome: &str) {
        self.scheduler_runs.inc(&[outcome]);
    }

    /// Hook for the scheduler: how late (seconds after its due time) the run
    /// it just started is. Alerted on above 5 minutes.
    pub fn scheduler_lag_seconds(&self, seconds: f64) {
        self.scheduler_lag.set(&[], seconds.max(0.0));
    }

    /// Scrape time: the scheduler heartbeat. `None` = no scheduler here (the
    /// series disappears); `Some((None, max))` = no beat yet (+Inf).
    pub fn set_heartbeat(&self, beat: Option<(Option<u64>, u64)>) {
        match beat {
            None => {
                self.scheduler_heartbeat_age.remove(&[]);
                self.scheduler_heartbeat_max_age.remove(&[]);
            }
            Some((age, max)) => {
                #[allow(clippy::cast_precision_loss)]
                let age = age.map_or(f64::INFINITY, |a| a as f64);
                self.scheduler_heartbeat_age.set(&[], age);
                #[allow(clippy::cast_precision_loss)]
                self.scheduler_heartbeat_max_age.set(&[], max as f64);
            }
        }
    }

    /// Scrape time: whether a readiness check passes.
    pub fn set_ready(&self, check: &str, ok: bool) {
        self.readiness.set(&[check], if ok { 1.0 } else { 0.0 });
    }

    /// Scrape time: the store's connection pool.
    pub fn set_pool(&self, backend: &str, pool: PoolState) {
        self.db_pool_connections
            .set(&[backend], f64::from(pool.connections));
        self.db_pool_idle.set(&[backend], f64::from(pool.idle));
        self.db_pool_max.set(&[backend], f64::from(pool.max));
    }

    /// The text exposition format (0.0.4) of every series.
    pub fn render(&self) -> String {
        render(&[
            Family::Counter(&self.http_requests),
            Family::Histogram(&self.http_duration),
            Family::Counter(&self.plan_generations),
            Family::Histogram(&self.plan_duration),
            Family::Counter(&self.price_source_requests),
            Family::Histogram(&self.price_source_duration),
            Family::Counter(&self.login_failures),
            Family::Counter(&self.rate_limited),
            Family::Counter(&self.refresh_reuse),
            Family::Counter(&self.scheduler_runs),
            Family::Gauge(&self.scheduler_lag),
            Family::Gauge(&self.scheduler_heartbeat_age),
            Family::Gauge(&self.scheduler_heartbeat_max_age),
            Family::Gauge(&self.readiness),
            Family::Gauge(&self.db_pool_connections),
            Family::Gauge(&self.db_pool_idle),
            Family::Gauge(&self.db_pool_max),
            Family::Gauge(&self.build_info),
            Family::Gauge(&self.start_time),
        ])
    }

    /// Content type of [`Metrics::render`]'s output.
    pub const CONTENT_TYPE: &'static str = "text/plain; version=0.0.4; charset=utf-8";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_has_help_and_type_and_the_prefix() {
        let m = Metrics::new("1.2.3");
        let out = m.render();
        let types: Vec<&str> = out.lines().filter(|l| l.starts_with("# TYPE ")).collect();
        let helps = out.lines().filter(|l| l.starts_with("# HELP ")).count();
        assert_eq!(types.len(), 19, "{out}");
        assert_eq!(helps, 19);
        for t in types {
            assert!(t.starts_with("# TYPE ttokjang_"), "{t}");
        }
        assert!(out.contains("ttokjang_build_info{version=\"1.2.3\"} 1\n"));
        assert!(out.contains("\nttokjang_refresh_token_reuse_total 0\n"));
    }

    #[test]
    fn hooks_feed_their_series() {
        let m = Metrics::new("t");
        m.http_request("GET", "/api/v1/things/{id}", 200, 0.003);
        m.http_request("BREW", UNMATCHED, 404, 0.0001);
        m.plan_generated("online", plan_outcome::DEGRADED, 0.4);
        m.price_source("mall-x", "timeout", 0.8);
        m.login_failed("invalid_credentials");
        m.rate_limited("login");
        m.refresh_reused();
        m.scheduler_run("ok");
        m.scheduler_lag_seconds(-3.0);
        m.set_heartbeat(Some((None, 180)));
        m.set_ready("database", true);
        m.set_pool(
            "sqlite",
            PoolState {
                connections: 3,
                idle: 2,
                max: 8,
            },
        );
        let out = m.render();
        for want in [
            "ttokjang_http_requests_total{method=\"GET\",route=\"/api/v1/things/{id}\",status=\"200\"} 1",
            "ttokjang_http_requests_total{method=\"OTHER\",route=\"<unmatched>\",status=\"404\"} 1",
            "ttokjang_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/things/{id}\",status=\"200\",le=\"0.005\"} 1",
            "ttokjang_plan_generations_total{mode=\"online\",outcome=\"degraded\"} 1",
            "ttokjang_plan_generation_duration_seconds_count{mode=\"online\",outcome=\"degraded\"} 1",
            "ttokjang_price_source_requests_total{source=\"mall-x\",status=\"timeout\"} 1",
            "ttokjang_login_failures_total{reason=\"invalid_credentials\"} 1",
            "ttokjang_rate_limited_total{limiter=\"login\"} 1",
            "ttokjang_refresh_token_reuse_total 1",
            "ttokjang_scheduler_runs_total{outcome=\"ok\"} 1",
            "ttokjang_scheduler_lag_seconds 0",
            "ttokjang_scheduler_heartbeat_age_seconds +Inf",
            "ttokjang_scheduler_heartbeat_max_age_seconds 180",
            "ttokjang_ready{check=\"database\"} 1",
            "ttokjang_db_pool_connections{backend=\"sqlite\"} 3",
            "ttokjang_db_pool_idle_connections{backend=\"sqlite\"} 2",
            "ttokjang_db_pool_max_connections{backend=\"sqlite\"} 8",
        ] {
            assert!(out.contains(&format!("{want}\n")), "missing {want}:\n{out}");
        }
        m.set_heartbeat(None);
        assert!(!m
            .render()
            .contains("\nttokjang_scheduler_heartbeat_age_seconds "));
    }
}
