//! Configuration from the environment, read and parsed once at start into
//! typed values. Every variable is documented in `.env.example`; bad values
//! stop the start with a message naming the variable. `Debug` of a
//! [`Config`] shows no secret: the database password, the JWT, webhook and
//! metrics secrets, the demo password and API keys are masked.

mod backend;
mod env;
pub mod llm;
pub mod prices;
mod scheduler;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use thiserror::Error;
use ttokjang_domain::redirect::RedirectAllowlist;

pub use backend::Backend;
use env::{err, Env};
pub use scheduler::SchedulerConfig;

use crate::llm::LlmConfig;
use crate::logging::LogFormat;
use crate::prices::Fault;
use crate::sync::SyncSettings;

#[derive(Debug, Error, PartialEq, Eq)]
#[error("configuration: {var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

/// A secret (JWT, webhook, metrics token, demo password); never printed.
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
    pub log_format: LogFormat,
    pub log_filter: String,
    pub web_dist: PathBuf,
    pub demo_account: bool,
    /// `DEMO_PASSWORD`: the demo account's password (`None`: a random one).
    pub demo_password: Option<Secret>,
    /// Load the shipped sample catalog at start when the catalog is empty.
    pub sample_data: bool,
    pub http_workers: usize,
    pub plan_request_ttl_s: i64,
    /// How long catalog answers are cached in memory (0: no cache).
    pub catalog_cache_ttl_s: u64,
    pub price_source_deadline_ms: u64,
    /// `PRICE_SOURCE_FAULTS`: injected faults by price source id.
    pub price_source_faults: HashMap<String, Fault>,
    pub redirect_allowlist: RedirectAllowlist,
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
    /// The optional LLM chat assistant (`None`: rules only).
    pub llm: Option<LlmConfig>,
    /// The public price feeds of `sync prices`.
    pub price_feeds: SyncSettings,
    /// The shopping search for online prices; `None`: the catalog's (sample) offers.
    pub shopping: Option<prices::ShoppingSettings>,
    /// The OSRM table service for travel times (`ROUTING_OSRM_URL`); `None`:
    /// the built-in estimate.
    pub routing: Option<crate::routing::OsrmConfig>,
    /// `PRICE_STALE_AFTER_DAYS`, `PRICE_LOW_WINDOW_DAYS`: when a plan line's
    /// price is stale, and the "lowest in N days" window.
    pub price_freshness: ttokjang_domain::planner::freshness::PriceFreshness,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_map(&std::env::vars().collect())
    }

    /// Reads from a map so tests need not touch the process environment.
    pub fn from_map(map: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let env = Env(map);
        let data_dir = PathBuf::from(env.get("DATA_DIR").unwrap_or("./data"));
        let default_db = format!("sqlite://{}", data_dir.join("ttokjang.db").display());
        let database = Backend::parse(env.get("DATABASE_URL").unwrap_or(&default_db))?;
        let bind = env
            .get("BIND_ADDR")
            .unwrap_or("127.0.0.1:8080")
            .trim()
            .parse()
            .map_err(|_| err("BIND_ADDR", "must be HOST:PORT, e.g. 0.0.0.0:8080"))?;
        let refresh_ttl_s = env.int("REFRESH_TOKEN_TTL_S", 2_592_000, 300, 31_536_000)?;
        let session_max_age_s = env.int("SESSION_MAX_AGE_S", 7_776_000, 300, 63_072_000)?;
        if session_max_age_s < refresh_ttl_s {
            return Err(err(
                "SESSION_MAX_AGE_S",
                "must not be shorter than REFRESH_TOKEN_TTL_S",
            ));
        }
        let log_format = env
            .get("LOG_FORMAT")
            .map_or(Ok(LogFormat::Text), str::parse)
            .map_err(|_| err("LOG_FORMAT", "must be text or json"))?;
        let redirect_allowlist = RedirectAllowlist::parse(
            env.get("REDIRECT_ALLOWLIST")
                .unwrap_or(RedirectAllowlist::DEFAULT),
        )
        .map_err(|e| err("REDIRECT_ALLOWLIST", e.message))?;
        let metrics_token = match env.get("METRICS_TOKEN").map(str::trim) {
            Some(t) if t.len() < 16 => {
                return Err(err("METRICS_TOKEN", "must be at least 16 characters"))
            }
            Some(t) if !t.bytes().all(|b| b.is_ascii_graphic()) => {
                return Err(err(
                    "METRICS_TOKEN",
                    "must be printable ASCII without spaces",
                ))
            }
            Some(t) => Some(Secret(t.as_bytes().to_vec())),
            None => None,
        };
        let default_workers = std::thread::available_parallelism()
            .map_or(2, usize::from)
            .min(256);
        Ok(Self {
            database,
            bind,
            data_dir,
            jwt_secret: env.secret("JWT_SECRET")?,
            jwt_issuer: env.string("JWT_ISSUER", "ttokjang"),
            jwt_audience: env.string("JWT_AUDIENCE", "ttokjang-web"),
            jwt_leeway_s: env.int("JWT_LEEWAY_S", 30, 0, 30)?,
            access_ttl_s: env.int("ACCESS_TOKEN_TTL_S", 900, 60, 3600)?,
            refresh_ttl_s,
            session_max_age_s,
            invites_required: env.bool("INVITES_REQUIRED", true)?,
            trust_forwarded: env.bool("TRUST_FORWARDED_FOR", false)?,
            log_format,
            log_filter: env.string("RUST_LOG", "info"),
            web_dist: PathBuf::from(env.get("WEB_DIST").unwrap_or("./web/dist")),
            demo_account: env.bool("DEMO_ACCOUNT", true)?,
            demo_password: env
                .0
                .get("DEMO_PASSWORD")
                .filter(|p| !p.is_empty())
                .map(|p| Secret(p.as_bytes().to_vec())),
            sample_data: env.bool("SAMPLE_DATA", true)?,
            http_workers: env.int("HTTP_WORKERS", default_workers, 1, 256)?,
            catalog_cache_ttl_s: env.int("CATALOG_CACHE_TTL_S", 60, 0, 86_400)?,
            plan_request_ttl_s: env.int("PLAN_REQUEST_TTL_S", 86_400, 60, 604_800)?,
            price_source_deadline_ms: env.int("PRICE_SOURCE_DEADLINE_MS", 800, 10, 30_000)?,
            price_source_faults: prices::parse_faults(
                env.get("PRICE_SOURCE_FAULTS").unwrap_or(""),
            )?,
            redirect_allowlist,
            scheduler: scheduler::scheduler(&env)?,
            webhook_secret: env.secret("WEBHOOK_SECRET")?,
            payment_budget_cap_krw: env.int(
                "PAYMENT_BUDGET_CAP_KRW",
                1_000_000,
                0,
                1_000_000_000,
            )?,
            register_max_per_address: env.int("REGISTER_MAX_PER_ADDRESS", 10, 1, 1_000_000)?,
            register_max_global: env.int("REGISTER_MAX_GLOBAL", 300, 1, 10_000_000)?,
            idempotency_key_ttl_s: env.int("IDEMPOTENCY_KEY_TTL_S", 86_400, 86_400, 2_592_000)?,
            idempotency_lock_timeout_s: env.int("IDEMPOTENCY_LOCK_TIMEOUT_S", 60, 5, 3_600)?,
            metrics_token,
            llm: llm::llm(&env)?,
            price_feeds: prices::feeds(&env)?,
            shopping: prices::shopping(&env)?,
            routing: prices::routing(&env)?,
            price_freshness: ttokjang_domain::planner::freshness::PriceFreshness {
                stale_after_days: env.int("PRICE_STALE_AFTER_DAYS", 7, 1, 365)?,
                low_window_days: env.int("PRICE_LOW_WINDOW_DAYS", 30, 2, 365)?,
            },
        })
    }
}

#[cfg(test)]
mod tests;
