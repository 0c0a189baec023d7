//! The metrics adapter: the domain's [`Metrics`] port on the `metrics` crate's
//! [`Recorder`] API and `metrics-exporter-prometheus`, which keeps the series
//! and renders them in the text exposition format 0.0.4 for `GET /metrics`.
//!
//! One recorder per server, never installed as the process-global one (tests
//! run many servers in one process). Names follow Prometheus conventions with
//! the `ttokjang_` prefix; `docs/ops/` (dashboard, alerts) is written against
//! them and `scripts/test/check-ops-docs.sh` reads them from this file.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use metrics::{Key, KeyName, Label, Level, Metadata, Recorder, SharedString};
use metrics_exporter_prometheus::{
    BuildError, Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use ttokjang_domain::metrics::{HeartbeatAge, Metrics, PriceSyncGauges};
use ttokjang_domain::system::PoolState;

const HTTP_REQUESTS: &str = "ttokjang_http_requests_total";
const HTTP_DURATION: &str = "ttokjang_http_request_duration_seconds";
const PLAN_GENERATIONS: &str = "ttokjang_plan_generations_total";
const PLAN_DURATION: &str = "ttokjang_plan_generation_duration_seconds";
const PRICE_SOURCE_REQUESTS: &str = "ttokjang_price_source_requests_total";
const PRICE_SOURCE_DURATION: &str = "ttokjang_price_source_duration_seconds";
const LOGIN_FAILURES: &str = "ttokjang_login_failures_total";
const RATE_LIMITED: &str = "ttokjang_rate_limited_total";
const REFRESH_REUSE: &str = "ttokjang_refresh_token_reuse_total";
const SCHEDULER_RUNS: &str = "ttokjang_scheduler_runs_total";
const SCHEDULER_LAG: &str = "ttokjang_scheduler_lag_seconds";
const HEARTBEAT_AGE: &str = "ttokjang_scheduler_heartbeat_age_seconds";
const HEARTBEAT_MAX_AGE: &str = "ttokjang_scheduler_heartbeat_max_age_seconds";
const READY: &str = "ttokjang_ready";
const POOL_CONNECTIONS: &str = "ttokjang_db_pool_connections";
const POOL_IDLE: &str = "ttokjang_db_pool_idle_connections";
const POOL_MAX: &str = "ttokjang_db_pool_max_connections";
const ROWS_PRUNED: &str = "ttokjang_housekeeping_pruned_rows_total";
const SYNC_CALLS: &str = "ttokjang_price_sync_calls_total";
const SYNC_ROWS: &str = "ttokjang_price_sync_rows_total";
const SYNC_FAILURES: &str = "ttokjang_price_sync_failures_total";
const SYNC_LAST_SUCCESS: &str = "ttokjang_price_sync_last_success_timestamp_seconds";
const SYNC_INTERVAL: &str = "ttokjang_price_sync_expected_interval_seconds";
const SYNC_BUDGET_LEFT: &str = "ttokjang_price_sync_budget_remaining";
const SYNC_STORED_ROWS: &str = "ttokjang_price_sync_stored_rows";
const BUILD_INFO: &str = "ttokjang_build_info";
const START_TIME: &str = "ttokjang_process_start_time_seconds";

/// Seconds, for HTTP requests: 1 ms to 10 s.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Seconds, for plan generation: 5 ms to 10 s (the target is well under 5 s).
pub const PLAN_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0,
];

/// Seconds, for one price source's answer (the deadline is typically 0.8 s).
pub const PRICE_SOURCE_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4,
];

/// Every histogram with its buckets (a histogram without buckets would be
/// rendered as a summary).
const HISTOGRAMS: &[(&str, &[f64])] = &[
    (HTTP_DURATION, LATENCY_BUCKETS),
    (PLAN_DURATION, PLAN_BUCKETS),
    (PRICE_SOURCE_DURATION, PRICE_SOURCE_BUCKETS),
];

/// Every family's help text.
const HELP: &[(&str, &str)] = &[
    (HTTP_REQUESTS, "HTTP requests answered, by route template, method and status."),
    (HTTP_DURATION, "Time to answer an HTTP request, by route template, method and status."),
    (PLAN_GENERATIONS, "Plan generations by mode (offline|online) and outcome (ok|degraded|error|rejected)."),
    (PLAN_DURATION, "Time to generate and store plans for a basket, by mode and outcome."),
    (PRICE_SOURCE_REQUESTS, "Price source calls by source and status (ok|timeout|error)."),
    (PRICE_SOURCE_DURATION, "Time a price source took to answer, fail or miss its deadline."),
    (LOGIN_FAILURES, "Refused logins by reason (invalid_credentials|error); throttled ones are in ttokjang_rate_limited_total."),
    (RATE_LIMITED, "Requests refused with 429 by a rate limiter."),
    (REFRESH_REUSE, "Spent refresh tokens presented again (the session was revoked)."),
    (SCHEDULER_RUNS, "Reservation runs by outcome."),
    (SCHEDULER_LAG, "How late the scheduler's most recent run started after its due time."),
    (HEARTBEAT_AGE, "Seconds since the scheduler's last heartbeat (+Inf before the first); absent when no scheduler runs here."),
    (HEARTBEAT_MAX_AGE, "Heartbeats older than this make /readyz fail."),
    (READY, "1 when the /readyz check passes, by check (database|scheduler), measured at scrape time."),
    (POOL_CONNECTIONS, "Open database connections (in use + idle)."),
    (POOL_IDLE, "Open database connections waiting for work."),
    (POOL_MAX, "The most connections the pool will open."),
    (ROWS_PRUNED, "Rows deleted by housekeeping, by table (plan_requests: expired plan requests no order, run or notification names)."),
    (SYNC_CALLS, "Price feed calls made by this instance's syncs (scheduled and by hand in this process), by source."),
    (SYNC_ROWS, "Rows (stores, products, prices) stored by this instance's price syncs, by source."),
    (SYNC_FAILURES, "Failed price feed calls by source and typed outcome (network|timeout|server_error|key_refused|quota_exhausted|malformed|unknown_id|bad_request)."),
    (SYNC_LAST_SUCCESS, "When a call of the source last completed, in seconds since the Unix epoch (0: never); configured sources only, read from the database at scrape time."),
    (SYNC_INTERVAL, "How often a healthy source succeeds (its schedule, at least its publication cadence); stale beyond twice this."),
    (SYNC_BUDGET_LEFT, "Calls left of today's (Korea's day) call budget of the source, across instances."),
    (SYNC_STORED_ROWS, "Price history rows stored from the source."),
    (BUILD_INFO, "Always 1; the labels say which build runs."),
    (START_TIME, "When this process started, in seconds since the Unix epoch."),
];

/// Histogram samples wait in the recorder until an upkeep folds them into
/// their buckets; without a scrape they would pile up, so every this many
/// observations the adapter runs the upkeep itself.
const UPKEEP_EVERY: u32 = 1024;

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// Methods outside the standard set (WebDAV, made-up ones) share one label.
fn method_label(method: &str) -> &str {
    match method {
        "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
        _ => "OTHER",
    }
}

fn key(name: &'static str, labels: &[(&'static str, &str)]) -> Key {
    Key::from_parts(
        name,
        labels
            .iter()
            .map(|(k, v)| Label::new(*k, (*v).to_owned()))
            .collect::<Vec<_>>(),
    )
}

/// Rust prints infinite floats as `inf`; the exposition format says `+Inf`.
fn fix_infinities(text: String) -> String {
    if !text.contains(" inf\n") && !text.contains(" -inf\n") {
        return text;
    }
    text.lines()
        .map(|line| {
            if let Some(head) = line.strip_suffix(" inf") {
                format!("{head} +Inf\n")
            } else if let Some(head) = line.strip_suffix(" -inf") {
                format!("{head} -Inf\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

fn builder() -> Result<PrometheusBuilder, BuildError> {
    let mut builder = PrometheusBuilder::new();
    for (name, buckets) in HISTOGRAMS {
        builder = builder.set_buckets_for_metric(Matcher::Full((*name).to_owned()), buckets)?;
    }
    Ok(builder)
}

/// The Prometheus adapter of the [`Metrics`] port.
pub struct PrometheusMetrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    observations: AtomicU32,
}

impl std::fmt::Debug for PrometheusMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrometheusMetrics")
    }
}

impl PrometheusMetrics {
    /// A registry for a server of this version; the start time is now.
    pub fn new(version: &str) -> Self {
        // Only an empty bucket list is refused, and none is empty.
        let recorder = builder()
            .unwrap_or_else(|_| PrometheusBuilder::new())
            .build_recorder();
        for (name, help) in HELP {
            let (name, help) = (KeyName::from(*name), SharedString::from(*help));
            if HISTOGRAMS.iter().any(|(h, _)| *h == name.as_str()) {
                recorder.describe_histogram(name, None, help);
            } else if name.as_str().ends_with("_total") {
                recorder.describe_counter(name, None, help);
            } else {
                recorder.describe_gauge(name, None, help);
            }
        }
        let m = Self {
            handle: recorder.handle(),
            recorder,
            observations: AtomicU32::new(0),
        };
        // Series without labels exist from the start, at 0.
        m.counter(REFRESH_REUSE, &[]).absolute(0);
        m.counter(ROWS_PRUNED, &[("table", "plan_requests")])
            .absolute(0);
        m.gauge(SCHEDULER_LAG, &[]).set(0.0);
        m.gauge(BUILD_INFO, &[("version", version)]).set(1.0);
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        m.gauge(START_TIME, &[]).set(started);
        m
    }

    fn counter(&self, name: &'static str, labels: &[(&'static str, &str)]) -> metrics::Counter {
        self.recorder
            .register_counter(&key(name, labels), &METADATA)
    }

    fn gauge(&self, name: &'static str, labels: &[(&'static str, &str)]) -> metrics::Gauge {
        self.recorder.register_gauge(&key(name, labels), &METADATA)
    }

    fn observe(&self, name: &'static str, labels: &[(&'static str, &str)], seconds: f64) {
        self.recorder
            .register_histogram(&key(name, labels), &METADATA)
            .record(seconds);
        if self.observations.fetch_add(1, Ordering::Relaxed) % UPKEEP_EVERY == UPKEEP_EVERY - 1 {
            self.handle.run_upkeep();
        }
    }
}

impl Metrics for PrometheusMetrics {
    fn http_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [
            ("method", method_label(method)),
            ("route", route),
            ("status", status.as_str()),
        ];
        self.counter(HTTP_REQUESTS, &labels).increment(1);
        self.observe(HTTP_DURATION, &labels, seconds);
    }

    fn plan_generated(&self, mode: &str, outcome: &str, seconds: f64) {
        let labels = [("mode", mode), ("outcome", outcome)];
        self.counter(PLAN_GENERATIONS, &labels).increment(1);
        self.observe(PLAN_DURATION, &labels, seconds);
    }

    fn price_source(&self, source: &str, status: &str, seconds: f64) {
        let labels = [("source", source), ("status", status)];
        self.counter(PRICE_SOURCE_REQUESTS, &labels).increment(1);
        self.observe(PRICE_SOURCE_DURATION, &labels, seconds);
    }

    fn login_failed(&self, reason: &str) {
        self.counter(LOGIN_FAILURES, &[("reason", reason)])
            .increment(1);
    }

    fn rate_limited(&self, limiter: &str) {
        self.counter(RATE_LIMITED, &[("limiter", limiter)])
            .increment(1);
    }

    fn refresh_reused(&self) {
        self.counter(REFRESH_REUSE, &[]).increment(1);
    }

    fn scheduler_run(&self, outcome: &str) {
        self.counter(SCHEDULER_RUNS, &[("outcome", outcome)])
            .increment(1);
    }

    fn scheduler_lag_seconds(&self, seconds: f64) {
        self.gauge(SCHEDULER_LAG, &[]).set(seconds.max(0.0));
    }

    /// `None` never creates the series, so a server without a scheduler
    /// exports none (a scheduler is started with its server or not at all).
    fn rows_pruned(&self, table: &str, rows: u64) {
        self.counter(ROWS_PRUNED, &[("table", table)])
            .increment(rows);
    }

    fn set_heartbeat(&self, beat: Option<HeartbeatAge>) {
        if let Some(beat) = beat {
            #[allow(clippy::cast_precision_loss)]
            let age = beat.age_s.map_or(f64::INFINITY, |a| a as f64);
            self.gauge(HEARTBEAT_AGE, &[]).set(age);
            #[allow(clippy::cast_precision_loss)]
            self.gauge(HEARTBEAT_MAX_AGE, &[])
                .set(beat.max_age_s as f64);
        }
    }

    fn price_sync_run(&self, source: &str, calls: u64, rows: u64) {
        let labels = [("source", source)];
        self.counter(SYNC_CALLS, &labels).increment(calls);
        self.counter(SYNC_ROWS, &labels).increment(rows);
    }

    fn price_sync_failure(&self, source: &str, kind: &str) {
        self.counter(SYNC_FAILURES, &[("source", source), ("outcome", kind)])
            .increment(1);
    }

    fn set_price_sync(&self, source: &str, g: PriceSyncGauges) {
        let labels = [("source", source)];
        // A source configured here counts from 0 even before this process
        // syncs it, so rates and increases work from the first scrape.
        self.counter(SYNC_CALLS, &labels).increment(0);
        self.counter(SYNC_ROWS, &labels).increment(0);
        self.gauge(SYNC_LAST_SUCCESS, &labels)
            .set(g.last_success_s.unwrap_or(0.0));
        self.gauge(SYNC_INTERVAL, &labels)
            .set(g.expected_interval_s);
        self.gauge(SYNC_BUDGET_LEFT, &labels)
            .set(f64::from(g.budget_remaining));
        #[allow(clippy::cast_precision_loss)]
        self.gauge(SYNC_STORED_ROWS, &labels).set(g.rows as f64);
    }

    fn set_ready(&self, check: &str, ok: bool) {
        self.gauge(READY, &[("check", check)])
            .set(if ok { 1.0 } else { 0.0 });
    }

    fn set_pool(&self, backend: &str, pool: PoolState) {
        let labels = [("backend", backend)];
        self.gauge(POOL_CONNECTIONS, &labels)
            .set(f64::from(pool.connections));
        self.gauge(POOL_IDLE, &labels).set(f64::from(pool.idle));
        self.gauge(POOL_MAX, &labels).set(f64::from(pool.max));
    }

    fn render(&self) -> String {
        fix_infinities(self.handle.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_has_help_and_type_and_the_prefix() {
        let m = PrometheusMetrics::new("1.2.3");
        m.http_request("GET", "/x", 200, 0.003);
        m.plan_generated("online", "ok", 0.4);
        m.price_source("mall-x", "ok", 0.1);
        m.login_failed("error");
        m.rate_limited("login");
        m.scheduler_run("success");
        m.price_sync_run("kamis", 1, 10);
        m.price_sync_failure("kamis", "timeout");
        m.set_price_sync("kamis", gauges());
        m.set_heartbeat(Some(HeartbeatAge {
            age_s: Some(1),
            max_age_s: 180,
        }));
        m.set_ready("database", true);
        m.set_pool(
            "sqlite",
            PoolState {
                connections: 1,
                idle: 1,
                max: 1,
            },
        );
        let out = m.render();
        let types: Vec<&str> = out.lines().filter(|l| l.starts_with("# TYPE ")).collect();
        let helps = out.lines().filter(|l| l.starts_with("# HELP ")).count();
        assert_eq!(types.len(), HELP.len(), "{out}");
        assert_eq!(helps, HELP.len());
        for t in &types {
            assert!(t.starts_with("# TYPE ttokjang_"), "{t}");
        }
        for (name, _) in HISTOGRAMS {
            assert!(types.contains(&format!("# TYPE {name} histogram").as_str()));
        }
        assert!(out.contains("ttokjang_build_info{version=\"1.2.3\"} 1\n"));
        assert!(
            out.contains("\nttokjang_refresh_token_reuse_total 0\n"),
            "{out}"
        );
    }

    fn gauges() -> PriceSyncGauges {
        PriceSyncGauges {
            last_success_s: Some(1_764_000_000.5),
            expected_interval_s: 86_400.0,
            budget_remaining: 1_794,
            rows: 24,
        }
    }

    #[test]
    fn price_sync_series() {
        let m = PrometheusMetrics::new("t");
        m.set_price_sync("chamgagyeok", gauges());
        m.set_price_sync(
            "kamis",
            PriceSyncGauges {
                last_success_s: None,
                ..gauges()
            },
        );
        m.price_sync_run("chamgagyeok", 630, 230_000);
        m.price_sync_run("chamgagyeok", 2, 3);
        m.price_sync_failure("chamgagyeok", "key_refused");
        let out = m.render();
        for want in [
            "ttokjang_price_sync_calls_total{source=\"chamgagyeok\"} 632",
            "ttokjang_price_sync_calls_total{source=\"kamis\"} 0",
            "ttokjang_price_sync_rows_total{source=\"chamgagyeok\"} 230003",
            "ttokjang_price_sync_failures_total{source=\"chamgagyeok\",outcome=\"key_refused\"} 1",
            "ttokjang_price_sync_last_success_timestamp_seconds{source=\"chamgagyeok\"} 1764000000.5",
            "ttokjang_price_sync_last_success_timestamp_seconds{source=\"kamis\"} 0",
            "ttokjang_price_sync_expected_interval_seconds{source=\"kamis\"} 86400",
            "ttokjang_price_sync_budget_remaining{source=\"chamgagyeok\"} 1794",
            "ttokjang_price_sync_stored_rows{source=\"chamgagyeok\"} 24",
        ] {
            assert!(out.contains(&format!("{want}\n")), "missing {want}:\n{out}");
        }
    }

    #[test]
    fn hooks_feed_their_series() {
        let m = PrometheusMetrics::new("t");
        m.http_request("GET", "/api/v1/things/{id}", 200, 0.003);
        m.http_request("BREW", "<unmatched>", 404, 0.0001);
        m.plan_generated("online", "degraded", 0.4);
        m.price_source("mall-x", "timeout", 0.8);
        m.login_failed("invalid_credentials");
        m.rate_limited("login");
        m.refresh_reused();
        m.scheduler_run("ok");
        m.scheduler_lag_seconds(-3.0);
        m.rows_pruned("plan_requests", 7);
        m.set_heartbeat(Some(HeartbeatAge {
            age_s: None,
            max_age_s: 180,
        }));
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
            "ttokjang_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/things/{id}\",status=\"200\",le=\"+Inf\"} 1",
            "ttokjang_plan_generations_total{mode=\"online\",outcome=\"degraded\"} 1",
            "ttokjang_plan_generation_duration_seconds_count{mode=\"online\",outcome=\"degraded\"} 1",
            "ttokjang_price_source_requests_total{source=\"mall-x\",status=\"timeout\"} 1",
            "ttokjang_login_failures_total{reason=\"invalid_credentials\"} 1",
            "ttokjang_rate_limited_total{limiter=\"login\"} 1",
            "ttokjang_refresh_token_reuse_total 1",
            "ttokjang_scheduler_runs_total{outcome=\"ok\"} 1",
            "ttokjang_scheduler_lag_seconds 0",
            "ttokjang_housekeeping_pruned_rows_total{table=\"plan_requests\"} 7",
            "ttokjang_scheduler_heartbeat_age_seconds +Inf",
            "ttokjang_scheduler_heartbeat_max_age_seconds 180",
            "ttokjang_ready{check=\"database\"} 1",
            "ttokjang_db_pool_connections{backend=\"sqlite\"} 3",
            "ttokjang_db_pool_idle_connections{backend=\"sqlite\"} 2",
            "ttokjang_db_pool_max_connections{backend=\"sqlite\"} 8",
        ] {
            assert!(out.contains(&format!("{want}\n")), "missing {want}:\n{out}");
        }
    }

    #[test]
    fn no_scheduler_no_heartbeat_series() {
        let m = PrometheusMetrics::new("t");
        m.set_heartbeat(None);
        assert!(!m
            .render()
            .contains("ttokjang_scheduler_heartbeat_age_seconds"));
    }

    #[test]
    fn histograms_keep_counting_across_upkeeps() {
        let m = PrometheusMetrics::new("t");
        let n = UPKEEP_EVERY * 2 + 5;
        for _ in 0..n {
            m.plan_generated("offline", "ok", 0.02);
        }
        let out = m.render();
        assert!(
            out.contains(&format!(
                "ttokjang_plan_generation_duration_seconds_count{{mode=\"offline\",outcome=\"ok\"}} {n}\n"
            )),
            "{out}"
        );
    }

    #[test]
    fn infinities_are_spelled_for_prometheus() {
        assert_eq!(
            fix_infinities("a inf\nb 1\nc -inf\n".into()),
            "a +Inf\nb 1\nc -Inf\n"
        );
        assert_eq!(fix_infinities("b 1\n".into()), "b 1\n");
    }
}
