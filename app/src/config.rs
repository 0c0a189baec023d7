//! Configuration from the environment. Every variable is documented in
//! `.env.example`; bad values stop the start with a message naming the variable.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
#[error("configuration: {var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

fn err(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        problem: problem.into(),
    }
}

/// Which storage backend `DATABASE_URL` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite(String),
    Postgres(String),
}

impl Backend {
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .or_else(|| url.strip_prefix("file:"))
        {
            if rest.is_empty() {
                return Err(err("DATABASE_URL", "the SQLite path is empty"));
            }
            Ok(Self::Sqlite(rest.to_owned()))
        } else if url.contains("://") {
            Err(err(
                "DATABASE_URL",
                "unsupported scheme: use sqlite://PATH or postgres://…",
            ))
        } else if url.is_empty() {
            Err(err("DATABASE_URL", "is empty"))
        } else {
            Ok(Self::Sqlite(url.to_owned()))
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// The JWT secret; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database: Backend,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// `None`: generate one and keep it in `data_dir/jwt-secret` (single-box use).
    pub jwt_secret: Option<Secret>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub jwt_leeway_s: u64,
    pub access_ttl_s: i64,
    pub refresh_ttl_s: i64,
    pub session_max_age_s: i64,
    pub invites_required: bool,
    pub trust_forwarded: bool,
    pub log_format: String,
    pub log_filter: String,
    pub web_dist: PathBuf,
    pub demo_account: bool,
    /// Load the shipped sample catalog at start when the catalog is empty.
    pub sample_data: bool,
    pub http_workers: usize,
    pub plan_request_ttl_s: i64,
    /// How long catalog answers are cached in memory (0: no cache).
    pub catalog_cache_ttl_s: u64,
    pub price_source_deadline_ms: u64,
    pub price_source_faults: String,
    pub redirect_allowlist: String,
    pub scheduler: SchedulerConfig,
    /// Signs webhook calls; without it webhooks are not sent.
    pub webhook_secret: Option<Secret>,
    /// Per-user cap on succeeded payments in a rolling 30 days (원).
    pub payment_budget_cap_krw: i64,
    /// Idempotency keys are kept this long (at least 24 h), then pruned.
    pub idempotency_key_ttl_s: i64,
    /// An unanswered idempotency claim older than this may be claimed again.
    pub idempotency_lock_timeout_s: i64,
    /// When set, `GET /metrics` wants `Authorization: Bearer <token>`.
    pub metrics_token: Option<Secret>,
    /// Registration attempts allowed per client address per hour.
    pub register_max_per_address: u32,
    /// Registration attempts allowed for the whole service per hour.
    pub register_max_global: u32,
}

/// `SCHEDULER_*`: the reservation scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerConfig {
    pub enabled: bool,
    pub poll_s: u64,
    pub max_retries: u32,
    pub lease_s: i64,
    pub retry_base_s: i64,
    pub retry_cap_s: i64,
}

fn parse_bool(var: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(err(var, "must be true or false")),
    }
}

fn parse_int<T: std::str::FromStr + PartialOrd + std::fmt::Display>(
    var: &'static str,
    v: &str,
    min: T,
    max: T,
) -> Result<T, ConfigError> {
    let n: T = v
        .trim()
        .parse()
        .map_err(|_| err(var, "must be a whole number"))?;
    if n < min || n > max {
        return Err(err(var, format!("must be between {min} and {max}")));
    }
    Ok(n)
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_map(&std::env::vars().collect())
    }

    /// Reads from a map so tests need not touch the process environment.
    pub fn from_map(env: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |k: &str| {
            env.get(k)
                .map(String::as_str)
                .filter(|v| !v.trim().is_empty())
        };
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or("./data"));
        let default_db = format!("sqlite://{}", data_dir.join("ttokjang.db").display());
        let database = Backend::parse(get("DATABASE_URL").unwrap_or(&default_db))?;
        let bind = get("BIND_ADDR")
            .unwrap_or("127.0.0.1:8080")
            .parse()
            .map_err(|_| err("BIND_ADDR", "must be HOST:PORT, e.g. 0.0.0.0:8080"))?;
        let jwt_secret = match get("JWT_SECRET") {
            Some(s) if s.len() < 32 => {
                return Err(err(
                    "JWT_SECRET",
                    "must be at least 32 bytes of random data",
                ))
            }
            Some(s) => Some(Secret(s.as_bytes().to_vec())),
            None => None,
        };
        let access_ttl_s = parse_int(
            "ACCESS_TOKEN_TTL_S",
            get("ACCESS_TOKEN_TTL_S").unwrap_or("900"),
            60,
            3600,
        )?;
        let refresh_ttl_s = parse_int(
            "REFRESH_TOKEN_TTL_S",
            get("REFRESH_TOKEN_TTL_S").unwrap_or("2592000"),
            300,
            31_536_000,
        )?;
        let session_max_age_s = parse_int(
            "SESSION_MAX_AGE_S",
            get("SESSION_MAX_AGE_S").unwrap_or("7776000"),
            300,
            63_072_000,
        )?;
        if session_max_age_s < refresh_ttl_s {
            return Err(err(
                "SESSION_MAX_AGE_S",
                "must not be shorter than REFRESH_TOKEN_TTL_S",
            ));
        }
        let log_format = get("LOG_FORMAT").unwrap_or("text").to_ascii_lowercase();
        if log_format != "text" && log_format != "json" {
            return Err(err("LOG_FORMAT", "must be text or json"));
        }
        let redirect_allowlist = get("REDIRECT_ALLOWLIST")
            .unwrap_or(ttokjang_domain::redirect::RedirectAllowlist::DEFAULT)
            .to_owned();
        if let Err(e) = ttokjang_domain::redirect::RedirectAllowlist::parse(&redirect_allowlist) {
            return Err(err("REDIRECT_ALLOWLIST", e.message));
        }
        let price_source_faults = get("PRICE_SOURCE_FAULTS").unwrap_or("").to_owned();
        crate::prices::parse_faults(&price_source_faults)?;
        let metrics_token = match get("METRICS_TOKEN") {
            Some(t) if t.trim().len() < 16 => {
                return Err(err("METRICS_TOKEN", "must be at least 16 characters"))
            }
            Some(t) if !t.trim().bytes().all(|b| b.is_ascii_graphic()) => {
                return Err(err(
                    "METRICS_TOKEN",
                    "must be printable ASCII without spaces",
                ))
            }
            Some(t) => Some(Secret(t.trim().as_bytes().to_vec())),
            None => None,
        };
        let default_workers = std::thread::available_parallelism().map_or(2, usize::from);
        let scheduler = SchedulerConfig {
            enabled: parse_bool(
                "SCHEDULER_ENABLED",
                get("SCHEDULER_ENABLED").unwrap_or("true"),
            )?,
            poll_s: parse_int(
                "SCHEDULER_POLL_S",
                get("SCHEDULER_POLL_S").unwrap_or("60"),
                1,
                3600,
            )?,
            max_retries: parse_int(
                "SCHEDULER_MAX_RETRIES",
                get("SCHEDULER_MAX_RETRIES").unwrap_or("3"),
                0,
                10,
            )?,
            lease_s: parse_int(
                "SCHEDULER_LEASE_S",
                get("SCHEDULER_LEASE_S").unwrap_or("300"),
                30,
                3600,
            )?,
            retry_base_s: parse_int(
                "SCHEDULER_RETRY_BASE_S",
                get("SCHEDULER_RETRY_BASE_S").unwrap_or("300"),
                1,
                86_400,
            )?,
            retry_cap_s: parse_int(
                "SCHEDULER_RETRY_CAP_S",
                get("SCHEDULER_RETRY_CAP_S").unwrap_or("3600"),
                1,
                86_400,
            )?,
        };
        if scheduler.retry_cap_s < scheduler.retry_base_s {
            return Err(err(
                "SCHEDULER_RETRY_CAP_S",
                "must not be shorter than SCHEDULER_RETRY_BASE_S",
            ));
        }
        let webhook_secret = match get("WEBHOOK_SECRET") {
            Some(s) if s.len() < 32 => {
                return Err(err(
                    "WEBHOOK_SECRET",
                    "must be at least 32 bytes of random data",
                ))
            }
            Some(s) => Some(Secret(s.as_bytes().to_vec())),
            None => None,
        };
        Ok(Self {
            database,
            bind,
            data_dir,
            jwt_secret,
            jwt_issuer: get("JWT_ISSUER").unwrap_or("ttokjang").to_owned(),
            jwt_audience: get("JWT_AUDIENCE").unwrap_or("ttokjang-web").to_owned(),
            jwt_leeway_s: parse_int("JWT_LEEWAY_S", get("JWT_LEEWAY_S").unwrap_or("30"), 0, 30)?,
            access_ttl_s,
            refresh_ttl_s,
            session_max_age_s,
            invites_required: parse_bool(
                "INVITES_REQUIRED",
                get("INVITES_REQUIRED").unwrap_or("true"),
            )?,
            trust_forwarded: parse_bool(
                "TRUST_FORWARDED_FOR",
                get("TRUST_FORWARDED_FOR").unwrap_or("false"),
            )?,
            log_format,
            log_filter: get("RUST_LOG").unwrap_or("info").to_owned(),
            web_dist: PathBuf::from(get("WEB_DIST").unwrap_or("./web/dist")),
            demo_account: parse_bool("DEMO_ACCOUNT", get("DEMO_ACCOUNT").unwrap_or("true"))?,
            sample_data: parse_bool("SAMPLE_DATA", get("SAMPLE_DATA").unwrap_or("true"))?,
            http_workers: parse_int(
                "HTTP_WORKERS",
                get("HTTP_WORKERS").unwrap_or(&default_workers.to_string()),
                1,
                256,
            )?,
            catalog_cache_ttl_s: parse_int(
                "CATALOG_CACHE_TTL_S",
                get("CATALOG_CACHE_TTL_S").unwrap_or("60"),
                0,
                86_400,
            )?,
            plan_request_ttl_s: parse_int(
                "PLAN_REQUEST_TTL_S",
                get("PLAN_REQUEST_TTL_S").unwrap_or("86400"),
                60,
                604_800,
            )?,
            price_source_deadline_ms: parse_int(
                "PRICE_SOURCE_DEADLINE_MS",
                get("PRICE_SOURCE_DEADLINE_MS").unwrap_or("800"),
                10,
                30_000,
            )?,
            price_source_faults,
            redirect_allowlist,
            scheduler,
            webhook_secret,
            payment_budget_cap_krw: parse_int(
                "PAYMENT_BUDGET_CAP_KRW",
                get("PAYMENT_BUDGET_CAP_KRW").unwrap_or("1000000"),
                0,
                1_000_000_000,
            )?,
            register_max_per_address: parse_int(
                "REGISTER_MAX_PER_ADDRESS",
                get("REGISTER_MAX_PER_ADDRESS").unwrap_or("10"),
                1,
                1_000_000,
            )?,
            register_max_global: parse_int(
                "REGISTER_MAX_GLOBAL",
                get("REGISTER_MAX_GLOBAL").unwrap_or("300"),
                1,
                10_000_000,
            )?,
            idempotency_key_ttl_s: parse_int(
                "IDEMPOTENCY_KEY_TTL_S",
                get("IDEMPOTENCY_KEY_TTL_S").unwrap_or("86400"),
                86_400,
                2_592_000,
            )?,
            idempotency_lock_timeout_s: parse_int(
                "IDEMPOTENCY_LOCK_TIMEOUT_S",
                get("IDEMPOTENCY_LOCK_TIMEOUT_S").unwrap_or("60"),
                5,
                3_600,
            )?,
            metrics_token,
        })
    }
}

#[cfg(test)]
mod tests {
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
    fn database_url_picks_the_backend() {
        for (url, want) in [
            ("postgres://u@h/db", "postgres"),
            ("postgresql://h/db", "postgres"),
            ("sqlite://x.db", "sqlite"),
            ("sqlite:x.db", "sqlite"),
            ("x.db", "sqlite"),
        ] {
            assert_eq!(Backend::parse(url).expect(url).name(), want);
        }
        assert!(Backend::parse("mysql://h/db").is_err());
        assert!(Backend::parse("sqlite://").is_err());
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
}
