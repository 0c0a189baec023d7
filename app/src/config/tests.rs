use super::*;

fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn defaults_are_a_local_sqlite_box() {
    let c = Config::from_map(&map(&[])).expect("defaults");
    assert_eq!(c.database, Backend::Sqlite("./data/ttokjang.db".into()));
    assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
    assert!(c.invites_required);
    assert_eq!(c.access_ttl_s, 900);
    assert!(c.jwt_secret.is_none());
}

#[test]
fn bad_values_name_their_variable() {
    let e = Config::from_map(&map(&[("JWT_SECRET", "short")])).expect_err("short");
    assert_eq!(e.var, "JWT_SECRET");
    let e = Config::from_map(&map(&[("JWT_LEEWAY_S", "60")])).expect_err("leeway");
    assert_eq!(e.var, "JWT_LEEWAY_S");
    let e = Config::from_map(&map(&[("BIND_ADDR", "nope")])).expect_err("bind");
    assert_eq!(e.var, "BIND_ADDR");
    let e = Config::from_map(&map(&[("INVITES_REQUIRED", "maybe")])).expect_err("bool");
    assert_eq!(e.var, "INVITES_REQUIRED");
    let e = Config::from_map(&map(&[("IDEMPOTENCY_KEY_TTL_S", "3600")])).expect_err("ttl");
    assert_eq!(
        e.var, "IDEMPOTENCY_KEY_TTL_S",
        "keys are kept at least 24 h"
    );
    let e = Config::from_map(&map(&[("PAYMENT_BUDGET_CAP_KRW", "-1")])).expect_err("cap");
    assert_eq!(e.var, "PAYMENT_BUDGET_CAP_KRW");
}

#[test]
fn scheduler_settings_default_and_are_checked() {
    let c = Config::from_map(&map(&[])).expect("defaults");
    assert!(c.scheduler.enabled);
    assert_eq!(
        (
            c.scheduler.poll_s,
            c.scheduler.max_retries,
            c.scheduler.lease_s
        ),
        (60, 3, 300)
    );
    assert!(c.webhook_secret.is_none());
    let e = Config::from_map(&map(&[("SCHEDULER_POLL_S", "0")])).expect_err("poll");
    assert_eq!(e.var, "SCHEDULER_POLL_S");
    let e = Config::from_map(&map(&[("WEBHOOK_SECRET", "short")])).expect_err("secret");
    assert_eq!(e.var, "WEBHOOK_SECRET");
    let e = Config::from_map(&map(&[("SCHEDULER_ENABLED", "sometimes")])).expect_err("bool");
    assert_eq!(e.var, "SCHEDULER_ENABLED");
    let e = Config::from_map(&map(&[("METRICS_TOKEN", "short")])).expect_err("token");
    assert_eq!(e.var, "METRICS_TOKEN");
}

#[test]
fn secret_is_not_printed() {
    let c = Config::from_map(&map(&[("JWT_SECRET", &"s".repeat(40))])).expect("ok");
    assert!(!format!("{c:?}").contains("ssss"));
}

#[test]
fn debug_shows_no_credential_or_key() {
    let c = Config::from_map(&map(&[
        (
            "DATABASE_URL",
            "postgres://ttokjang:pg-pass-7f3a@db.internal:5432/ttokjang",
        ),
        ("JWT_SECRET", &"j".repeat(40)),
        ("WEBHOOK_SECRET", &"w".repeat(40)),
        ("METRICS_TOKEN", "metrics-token-9c1d2e"),
        ("DEMO_PASSWORD", "demo-pass-4b5c"),
        ("TTOKJANG_LLM_BASE_URL", "https://llm.example/v1"),
        ("TTOKJANG_LLM_API_KEY", "sk-llm-key-8d9e"),
        ("CHAMGAGYEOK_SERVICE_KEY", "chamgagyeok-key-0a1b2c3d"),
        ("KAMIS_CERT_KEY", "kamis-key-5e6f7a8b"),
    ]))
    .expect("valid");
    let shown = format!("{c:?}");
    for secret in [
        "pg-pass-7f3a",
        "jjjjjjjj",
        "wwwwwwww",
        "metrics-token-9c1d2e",
        "demo-pass-4b5c",
        "sk-llm-key-8d9e",
        "chamgagyeok-key-0a1b2c3d",
        "kamis-key-5e6f7a8b",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("postgres://ttokjang:***@db.internal:5432/ttokjang"));
    assert_eq!(c.database.name(), "postgres");
}

#[test]
fn values_are_parsed_once_into_types() {
    let c = Config::from_map(&map(&[
        ("LOG_FORMAT", "JSON"),
        ("PRICE_SOURCE_FAULTS", "coupang=error"),
        ("REDIRECT_ALLOWLIST", "shop.example.com"),
        ("HOSTNAME", "box-1"),
    ]))
    .expect("valid");
    assert_eq!(c.log_format, LogFormat::Json);
    assert_eq!(c.price_source_faults.get("coupang"), Some(&Fault::Error));
    assert!(c
        .redirect_allowlist
        .check("https://shop.example.com/cart")
        .is_ok());
    assert!(c.redirect_allowlist.check("https://evil.example/").is_err());
    assert_eq!(c.scheduler.host.as_deref(), Some("box-1"));
    assert!(c.llm.is_none());
    for (var, value) in [
        ("LOG_FORMAT", "yaml"),
        ("PRICE_SOURCE_FAULTS", "coupang=slow"),
        ("REDIRECT_ALLOWLIST", "http://"),
        ("TTOKJANG_LLM_BASE_URL", "not a url"),
        ("PRICE_FEED_TIMEOUT_S", "0"),
    ] {
        let e = Config::from_map(&map(&[(var, value)])).expect_err(value);
        assert_eq!(e.var, var, "{value}");
    }
}

#[test]
fn the_shopping_search_needs_both_credentials_and_masks_the_secret() {
    let base = |extra: &[(&str, &str)]| map(extra);
    let off = Config::from_map(&base(&[])).expect("config");
    assert!(off.shopping.is_none());
    let e = Config::from_map(&base(&[("SHOPPING_SEARCH_CLIENT_ID", "id")]))
        .expect_err("secret missing");
    assert!(
        e.to_string().contains("SHOPPING_SEARCH_CLIENT_SECRET"),
        "{e}"
    );
    let on = Config::from_map(&base(&[
        ("SHOPPING_SEARCH_CLIENT_ID", "client-id"),
        ("SHOPPING_SEARCH_CLIENT_SECRET", "shop-secret-9f8e7d"),
    ]))
    .expect("config");
    let s = on.shopping.as_ref().expect("on");
    assert_eq!(s.search.base_url, "https://openapi.naver.com");
    assert_eq!(s.search.daily_budget, 25_000);
    assert!(s
        .malls
        .iter()
        .any(|(m, names)| m.as_str() == "coupang" && names.iter().any(|n| n == "쿠팡")));
    assert!(!format!("{on:?}").contains("shop-secret-9f8e7d"));
    for bad in ["coupang", "coupang=", "bad id=쿠팡", ";"] {
        let e = Config::from_map(&base(&[
            ("SHOPPING_SEARCH_CLIENT_ID", "client-id"),
            ("SHOPPING_SEARCH_CLIENT_SECRET", "shop-secret"),
            ("SHOPPING_MALL_NAMES", bad),
        ]))
        .expect_err(bad);
        assert!(e.to_string().contains("SHOPPING_MALL_NAMES"), "{bad}: {e}");
    }
}
