//! Operations: `/metrics` (Prometheus text, parsed here), its token, and
//! `/readyz` with a scheduler heartbeat.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang::server::Hooks;
use ttokjang_tests::http::{split, TestApp};

// ---------------------------------------------------------------------------
// A small parser for the text exposition format 0.0.4
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

#[derive(Debug, Default)]
struct Exposition {
    types: BTreeMap<String, String>,
    samples: Vec<Sample>,
}

fn is_name_char(c: char, first: bool) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':' || (!first && c.is_ascii_digit())
}

fn parse_value(s: &str) -> Result<f64, String> {
    match s {
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        _ => s.parse().map_err(|_| format!("bad value {s:?}")),
    }
}

/// `name{a="x",b="y"} value`: the label values unescaped.
fn parse_sample(line: &str) -> Result<Sample, String> {
    let mut chars = line.char_indices().peekable();
    let mut name = String::new();
    while let Some(&(_, c)) = chars.peek() {
        if !is_name_char(c, name.is_empty()) {
            break;
        }
        name.push(c);
        chars.next();
    }
    if name.is_empty() {
        return Err(format!("no metric name: {line}"));
    }
    let mut labels = BTreeMap::new();
    if let Some(&(_, '{')) = chars.peek() {
        chars.next();
        loop {
            match chars.peek() {
                Some(&(_, '}')) => {
                    chars.next();
                    break;
                }
                Some(_) => {}
                None => return Err(format!("unclosed labels: {line}")),
            }
            let mut label = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c == '=' {
                    break;
                }
                if !is_name_char(c, label.is_empty()) || c == ':' {
                    return Err(format!("bad label name in {line}"));
                }
                label.push(c);
                chars.next();
            }
            if chars.next().map(|(_, c)| c) != Some('=')
                || chars.next().map(|(_, c)| c) != Some('"')
            {
                return Err(format!("expected =\" in {line}"));
            }
            let mut value = String::new();
            loop {
                match chars.next().map(|(_, c)| c) {
                    Some('\\') => match chars.next().map(|(_, c)| c) {
                        Some('\\') => value.push('\\'),
                        Some('"') => value.push('"'),
                        Some('n') => value.push('\n'),
                        other => return Err(format!("bad escape {other:?} in {line}")),
                    },
                    Some('"') => break,
                    Some('\n') | None => return Err(format!("unterminated value in {line}")),
                    Some(c) => value.push(c),
                }
            }
            if labels.insert(label.clone(), value).is_some() {
                return Err(format!("label {label} twice in {line}"));
            }
            match chars.peek() {
                Some(&(_, ',')) => {
                    chars.next();
                }
                Some(&(_, '}')) => {}
                _ => return Err(format!("expected , or }} in {line}")),
            }
        }
    }
    let rest = match chars.peek() {
        Some(&(i, ' ')) => &line[i + 1..],
        _ => return Err(format!("expected a space before the value: {line}")),
    };
    // An optional timestamp may follow; we never write one.
    let value = rest.split(' ').next().unwrap_or_default();
    Ok(Sample {
        name,
        labels,
        value: parse_value(value)?,
    })
}

fn parse(text: &str) -> Result<Exposition, String> {
    let mut exp = Exposition::default();
    let mut helped = std::collections::BTreeSet::new();
    for line in text.lines() {
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap_or_default();
            if !helped.insert(name.to_owned()) {
                return Err(format!("HELP twice for {name}"));
            }
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split(' ');
            let (Some(name), Some(kind), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(format!("bad TYPE line {line}"));
            };
            if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind) {
                return Err(format!("bad type {kind}"));
            }
            if exp.types.insert(name.to_owned(), kind.to_owned()).is_some() {
                return Err(format!("TYPE twice for {name}"));
            }
        } else if line.starts_with('#') {
            continue;
        } else {
            let s = parse_sample(line)?;
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|suffix| {
                    s.name
                        .strip_suffix(suffix)
                        .filter(|base| exp.types.get(*base).is_some_and(|t| t == "histogram"))
                })
                .unwrap_or(&s.name)
                .to_owned();
            if !exp.types.contains_key(&family) {
                return Err(format!("sample before its TYPE: {line}"));
            }
            exp.samples.push(s);
        }
    }
    exp.check_histograms()?;
    Ok(exp)
}

impl Exposition {
    /// Buckets ascend in `le` and count cumulatively up to `+Inf` = `_count`.
    fn check_histograms(&self) -> Result<(), String> {
        for (name, kind) in &self.types {
            if kind != "histogram" {
                continue;
            }
            let mut series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
            for s in self
                .samples
                .iter()
                .filter(|s| s.name == format!("{name}_bucket"))
            {
                let mut key = s.labels.clone();
                let le = key
                    .remove("le")
                    .ok_or(format!("bucket without le: {s:?}"))?;
                series
                    .entry(format!("{key:?}"))
                    .or_default()
                    .push((parse_value(&le)?, s.value));
            }
            for (key, buckets) in series {
                for w in buckets.windows(2) {
                    if !(w[0].0 < w[1].0 && w[0].1 <= w[1].1) {
                        return Err(format!("{name}{key}: buckets not cumulative: {buckets:?}"));
                    }
                }
                let last = buckets.last().ok_or("no buckets")?;
                if last.0 != f64::INFINITY {
                    return Err(format!("{name}{key}: no +Inf bucket"));
                }
                let count = self
                    .samples
                    .iter()
                    .find(|s| s.name == format!("{name}_count") && format!("{:?}", s.labels) == key)
                    .ok_or(format!("{name}{key}: no _count"))?;
                if count.value != last.1 {
                    return Err(format!("{name}{key}: +Inf bucket != count"));
                }
            }
        }
        Ok(())
    }

    /// The value of the one sample with this name and (at least) these labels.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.matching(name, labels).map(|s| s.value).next()
    }

    fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.matching(name, labels).map(|s| s.value).sum()
    }

    fn matching<'a>(
        &'a self,
        name: &'a str,
        labels: &'a [(&str, &str)],
    ) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
    }
}

#[test]
fn the_parser_reads_escapes_and_rejects_junk() {
    let text = "# HELP x_total h\n# TYPE x_total counter\nx_total{a=\"q\\\"\\\\\\n\",b=\"\"} 2\n";
    let exp = parse(text).expect("parses");
    assert_eq!(exp.samples[0].labels["a"], "q\"\\\n");
    assert_eq!(exp.value("x_total", &[("b", "")]), Some(2.0));
    for bad in [
        "x_total 1\n",
        "# TYPE x_total counter\nx_total{a=\"1} 1\n",
        "# TYPE x_total counter\nx_total{a=1} 1\n",
        "# TYPE x_total counter\nx_total one\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
    ] {
        assert!(parse(bad).is_err(), "{bad}");
    }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

async fn scrape(app: &TestApp) -> Exposition {
    let res = app.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(res.status().as_u16(), 200);
    let ctype = res.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(ctype.starts_with("text/plain; version=0.0.4"), "{ctype}");
    let text = res.text().await.expect("body");
    parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn token(login: &Value) -> String {
    login["access_token"].as_str().expect("token").to_owned()
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    split(app.call(Method::POST, path, Some(token), Some(body)).await).await
}

async fn with_catalog(app: &TestApp) {
    let svc = app.services().await;
    ttokjang_tests::catalog_fixture::load(svc.stores.catalog.as_ref()).await;
}

fn basket() -> Value {
    json!([
        {"id": "l1", "name": "우유", "quantity": 3},
        {"id": "l2", "name": "달걀", "quantity": 1},
        {"id": "l3", "product_id": "tofu", "name": "두부", "quantity": 1}
    ])
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

async fn metrics_count_requests_by_route_template(app: TestApp) {
    let login = app.signup("metrics@example.com").await;
    let (st, _) = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "metrics@example.com", "password": "wrong password 123"}),
        )
        .await;
    assert_eq!(st, 401);
    // A raw id (here a phone number) in an unknown path must not become a label.
    let (st, _) = app
        .get_auth("/api/v1/users/010-5555-1234/orders", &token(&login))
        .await;
    assert_eq!(st, 404);
    let (st, _) = app.get_auth("/no/such/page/12345", &token(&login)).await;
    assert!(st == 404 || st == 503, "{st}");
    // A spent refresh token presented again.
    let refresh = login["refresh_token"].as_str().expect("refresh").to_owned();
    let (st, _) = app
        .post("/api/v1/auth/refresh", json!({"refresh_token": refresh}))
        .await;
    assert_eq!(st, 200);
    let (st, _) = app
        .post("/api/v1/auth/refresh", json!({"refresh_token": refresh}))
        .await;
    assert_eq!(st, 401);

    let m = scrape(&app).await;
    assert_eq!(
        m.value(
            "ttokjang_http_requests_total",
            &[
                ("method", "POST"),
                ("route", "/api/v1/auth/login"),
                ("status", "401")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        m.value(
            "ttokjang_http_requests_total",
            &[
                ("method", "POST"),
                ("route", "/api/v1/auth/login"),
                ("status", "200")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        m.value(
            "ttokjang_http_request_duration_seconds_count",
            &[("route", "/api/v1/auth/register"), ("status", "201")]
        ),
        Some(1.0)
    );
    assert_eq!(
        m.value(
            "ttokjang_login_failures_total",
            &[("reason", "invalid_credentials")]
        ),
        Some(1.0)
    );
    assert_eq!(
        m.value("ttokjang_refresh_token_reuse_total", &[]),
        Some(1.0)
    );
    // Route labels are templates: no raw ids, a bounded set of values.
    for s in m
        .samples
        .iter()
        .filter(|s| s.name.starts_with("ttokjang_http_"))
    {
        let route = &s.labels["route"];
        assert!(
            !route.contains("5555") && !route.contains("12345"),
            "raw path in {s:?}"
        );
        assert!(route.starts_with('/') || route == "<unmatched>", "{s:?}");
    }
    assert!(
        m.sum("ttokjang_http_requests_total", &[("status", "404")]) >= 1.0,
        "404s are counted"
    );
    // Read at scrape time.
    let backend = match app.db {
        ttokjang_tests::http::Db::Sqlite => "sqlite",
        ttokjang_tests::http::Db::Postgres => "postgres",
    };
    let max = m
        .value("ttokjang_db_pool_max_connections", &[("backend", backend)])
        .expect("pool max");
    let open = m
        .value("ttokjang_db_pool_connections", &[("backend", backend)])
        .expect("pool open");
    let idle = m
        .value("ttokjang_db_pool_idle_connections", &[("backend", backend)])
        .expect("pool idle");
    assert!(
        max >= 1.0 && open <= max && idle <= open,
        "{open} {idle} {max}"
    );
    assert_eq!(
        m.value("ttokjang_ready", &[("check", "database")]),
        Some(1.0)
    );
    assert_eq!(
        m.value("ttokjang_scheduler_heartbeat_age_seconds", &[]),
        None,
        "no scheduler runs in this server"
    );
    assert_eq!(
        m.types["ttokjang_http_request_duration_seconds"],
        "histogram"
    );
    assert!(m.value("ttokjang_build_info", &[]).is_some());
    assert!(
        m.value("ttokjang_process_start_time_seconds", &[])
            .unwrap_or(0.0)
            > 1.6e9
    );
    // The scrape itself is counted, under its own route.
    let again = scrape(&app).await;
    assert!(
        again
            .value(
                "ttokjang_http_requests_total",
                &[("route", "/metrics"), ("status", "200")]
            )
            .is_some_and(|v| v >= 1.0),
        "scrapes are counted"
    );
}

async fn failed_logins_past_the_limit_count_as_rate_limited(app: TestApp) {
    app.signup("throttle@example.com").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let (st, _) = app
            .post(
                "/api/v1/auth/login",
                json!({"email": "throttle@example.com", "password": "wrong password 123"}),
            )
            .await;
        statuses.push(st);
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    let m = scrape(&app).await;
    let failures = m
        .value(
            "ttokjang_login_failures_total",
            &[("reason", "invalid_credentials")],
        )
        .unwrap_or(0.0);
    let limited = m
        .value("ttokjang_rate_limited_total", &[("limiter", "login")])
        .unwrap_or(0.0);
    #[allow(clippy::cast_precision_loss)]
    let n401 = statuses.iter().filter(|s| **s == 401).count() as f64;
    #[allow(clippy::cast_precision_loss)]
    let n429 = statuses.iter().filter(|s| **s == 429).count() as f64;
    assert_eq!((failures, limited), (n401, n429));
    assert_eq!(
        m.value(
            "ttokjang_http_requests_total",
            &[("route", "/api/v1/auth/login"), ("status", "429")]
        ),
        Some(n429)
    );
}

async fn plans_feed_the_plan_and_price_source_series(app: TestApp) {
    with_catalog(&app).await;
    let t = token(&app.signup("planmetrics@example.com").await);
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": basket()}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let (st, b) = post(
        &app,
        "/api/v1/online/plans/generate",
        &t,
        json!({"basket": basket()}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let (st, _) = post(
        &app,
        "/api/v1/online/plans/generate",
        &t,
        json!({"basket": []}),
    )
    .await;
    assert_eq!(st, 400);

    let m = scrape(&app).await;
    for (mode, outcome, n) in [
        ("offline", "ok", 1.0),
        ("online", "ok", 1.0),
        ("online", "rejected", 1.0),
    ] {
        let labels = [("mode", mode), ("outcome", outcome)];
        assert_eq!(
            m.value("ttokjang_plan_generations_total", &labels),
            Some(n),
            "{mode} {outcome}"
        );
        assert_eq!(
            m.value("ttokjang_plan_generation_duration_seconds_count", &labels),
            Some(n)
        );
        assert_eq!(
            m.value(
                "ttokjang_plan_generation_duration_seconds_bucket",
                &[("mode", mode), ("outcome", outcome), ("le", "+Inf")]
            ),
            Some(n)
        );
    }
    // One call per online mall of the fixture, all answered.
    let sources: Vec<&str> = b["meta"]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(sources.len(), 3, "{b}");
    for source in sources {
        assert_eq!(
            m.value(
                "ttokjang_price_source_requests_total",
                &[("source", source), ("status", "ok")]
            ),
            Some(1.0),
            "{source}"
        );
        assert_eq!(
            m.value(
                "ttokjang_price_source_duration_seconds_count",
                &[("source", source), ("status", "ok")]
            ),
            Some(1.0)
        );
    }
    assert_eq!(
        m.value(
            "ttokjang_http_requests_total",
            &[
                ("method", "POST"),
                ("route", "/api/v1/online/plans/generate"),
                ("status", "200")
            ]
        ),
        Some(1.0)
    );
}

async fn failing_sources_are_counted_by_status(app: TestApp) {
    let db = app.db;
    drop(app);
    let app = TestApp::start(
        db,
        &[
            ("PRICE_SOURCE_FAULTS", "mall-x=error,mall-y=delay:3000"),
            ("PRICE_SOURCE_DEADLINE_MS", "300"),
        ],
    )
    .await
    .expect("app");
    with_catalog(&app).await;
    let t = token(&app.signup("faulty@example.com").await);
    let (st, b) = post(
        &app,
        "/api/v1/online/plans/generate",
        &t,
        json!({"basket": basket()}),
    )
    .await;
    assert_eq!(st, 206, "{b}");
    let m = scrape(&app).await;
    for (source, status) in [("mall-x", "error"), ("mall-y", "timeout"), ("mall-z", "ok")] {
        assert_eq!(
            m.value(
                "ttokjang_price_source_requests_total",
                &[("source", source), ("status", status)]
            ),
            Some(1.0),
            "{source} {status}"
        );
    }
    // The timeout waited for the deadline, not for the 3 s delay.
    let slow = m
        .value(
            "ttokjang_price_source_duration_seconds_sum",
            &[("source", "mall-y"), ("status", "timeout")],
        )
        .expect("sum");
    assert!((0.25..2.0).contains(&slow), "{slow}");
    assert_eq!(
        m.value(
            "ttokjang_plan_generations_total",
            &[("mode", "online"), ("outcome", "degraded")]
        ),
        Some(1.0)
    );
}

const METRICS_TOKEN: &str = "scrape-token-0123456789";

async fn metrics_token_is_enforced(app: TestApp) {
    for auth in [None, Some("wrong-token-0123456789"), Some("")] {
        let mut req = app.client.get(app.url("/metrics"));
        if let Some(t) = auth {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let (st, b) = split(req.send().await.expect("sent")).await;
        assert_eq!(st, 401, "{auth:?}");
        assert_eq!(b["error"]["code"], "UNAUTHENTICATED");
    }
    let res = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status().as_u16(), 200);
    let text = res.text().await.expect("body");
    let m = parse(&text).expect("parses");
    // Refused scrapes are counted too.
    assert_eq!(
        m.value(
            "ttokjang_http_requests_total",
            &[("route", "/metrics"), ("status", "401")]
        ),
        Some(3.0)
    );
    // The API's own guard is not affected by the metrics token.
    let (st, _) = split(
        app.call(Method::GET, "/api/v1/auth/me", Some(METRICS_TOKEN), None)
            .await,
    )
    .await;
    assert_eq!(st, 401);
}

/// A heartbeat a test sets by hand.
struct FakeHeartbeat {
    age: AtomicU64,
}

const NEVER: u64 = u64::MAX;

impl ttokjang_http::Heartbeat for FakeHeartbeat {
    fn age_s(&self) -> Option<u64> {
        Some(self.age.load(Ordering::SeqCst)).filter(|a| *a != NEVER)
    }

    fn max_age_s(&self) -> u64 {
        180
    }
}

async fn readyz_follows_the_scheduler_heartbeat(app: TestApp) {
    let db = app.db;
    drop(app);
    let hb = Arc::new(FakeHeartbeat {
        age: AtomicU64::new(5),
    });
    let app = TestApp::start_with(
        db,
        &[],
        Hooks {
            heartbeat: Some(hb.clone()),
        },
    )
    .await
    .expect("app");
    let readyz = || async { split(app.call(Method::GET, "/readyz", None, None).await).await };

    let (st, b) = readyz().await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["status"], "ready");
    assert_eq!(b["checks"]["database"]["status"], "ok");
    assert_eq!(b["checks"]["scheduler"]["status"], "ok");
    assert_eq!(b["checks"]["scheduler"]["last_beat_s"], 5);
    assert_eq!(b["scheduler"]["last_beat_s"], 5);
    let m = scrape(&app).await;
    assert_eq!(
        m.value("ttokjang_scheduler_heartbeat_age_seconds", &[]),
        Some(5.0)
    );
    assert_eq!(
        m.value("ttokjang_ready", &[("check", "scheduler")]),
        Some(1.0)
    );

    // Stale: older than max_age_s.
    hb.age.store(181, Ordering::SeqCst);
    let (st, b) = readyz().await;
    assert_eq!(st, 503, "{b}");
    assert_eq!(b["status"], "not_ready");
    assert_eq!(b["error"]["code"], "UNAVAILABLE");
    assert!(b["error"]["request_id"]
        .as_str()
        .is_some_and(|r| !r.is_empty()));
    assert_eq!(b["checks"]["database"]["status"], "ok");
    assert_eq!(b["checks"]["scheduler"]["status"], "stale");
    assert_eq!(b["checks"]["scheduler"]["max_age_s"], 180);
    let m = scrape(&app).await;
    assert_eq!(
        m.value("ttokjang_scheduler_heartbeat_age_seconds", &[]),
        Some(181.0)
    );
    assert_eq!(
        m.value("ttokjang_ready", &[("check", "scheduler")]),
        Some(0.0)
    );
    assert_eq!(
        m.value("ttokjang_ready", &[("check", "database")]),
        Some(1.0)
    );
    assert_eq!(
        m.value(
            "ttokjang_http_requests_total",
            &[("route", "/readyz"), ("status", "503")]
        ),
        Some(1.0)
    );

    // Never beaten yet: not ready, age +Inf.
    hb.age.store(NEVER, Ordering::SeqCst);
    let (st, b) = readyz().await;
    assert_eq!(st, 503, "{b}");
    assert_eq!(b["checks"]["scheduler"]["last_beat_s"], Value::Null);
    let m = scrape(&app).await;
    assert_eq!(
        m.value("ttokjang_scheduler_heartbeat_age_seconds", &[]),
        Some(f64::INFINITY)
    );

    // Fresh again: ready again.
    hb.age.store(0, Ordering::SeqCst);
    assert_eq!(readyz().await.0, 200);
}

crate::on_both_backends!(
    metrics_count_requests_by_route_template,
    failed_logins_past_the_limit_count_as_rate_limited,
    plans_feed_the_plan_and_price_source_series,
    failing_sources_are_counted_by_status,
    readyz_follows_the_scheduler_heartbeat,
);

mod with_token {
    use super::metrics_token_is_enforced;

    crate::on_both_backends!(
        env [("METRICS_TOKEN", "scrape-token-0123456789")];
        metrics_token_is_enforced
    );
}
