//! Price settings: injected faults of the online price sources
//! (`PRICE_SOURCE_FAULTS`) and the public price feeds of `sync prices`.

use std::collections::HashMap;
use std::time::Duration;

use super::env::{err, Env};
use super::ConfigError;
use crate::pricefeeds::FeedConfig;
use crate::prices::Fault;
use crate::sync::SyncSettings;
use ttokjang_domain::pricesync::schedule::SourceSchedule;

/// Parses `PRICE_SOURCE_FAULTS`: `mall-id=delay:1500,other-id=error`.
pub fn parse_faults(raw: &str) -> Result<HashMap<String, Fault>, ConfigError> {
    let bad = |problem: String| err("PRICE_SOURCE_FAULTS", problem);
    let mut faults = HashMap::new();
    for item in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (id, fault) = item
            .split_once('=')
            .ok_or_else(|| bad(format!("{item:?} is not id=fault")))?;
        let fault = match fault.trim().split_once(':') {
            Some(("delay", ms)) => Fault::Delay(Duration::from_millis(
                ms.parse()
                    .ok()
                    .filter(|ms| *ms <= 60_000)
                    .ok_or_else(|| bad(format!("{item:?}: delay must be 0 to 60000 ms")))?,
            )),
            None if fault.trim() == "error" => Fault::Error,
            _ => return Err(bad(format!("{item:?}: fault must be delay:MS or error"))),
        };
        faults.insert(id.trim().to_owned(), fault);
    }
    Ok(faults)
}

/// The 참가격 and KAMIS feeds (`CHAMGAGYEOK_*`, `KAMIS_*`, `PRICE_FEED_*`,
/// `PRICE_SYNC_DAILY_BUDGET`). Keys may be absent: `sync prices` refuses a
/// source whose key is missing when it is asked for.
pub(crate) fn feeds(env: &Env<'_>) -> Result<SyncSettings, ConfigError> {
    let timeout = Duration::from_secs(env.int("PRICE_FEED_TIMEOUT_S", 20, 1, 300)?);
    let daily_budget = env.int(
        "PRICE_SYNC_DAILY_BUDGET",
        ttokjang_domain::pricesync::service::DEFAULT_DAILY_BUDGET,
        1,
        100_000,
    )?;
    let chamgagyeok_url = http_url(
        env,
        "CHAMGAGYEOK_BASE_URL",
        "https://apis.data.go.kr/B551919/ProductPriceInfoService",
    )?;
    let kamis_url = http_url(
        env,
        "KAMIS_BASE_URL",
        "https://www.kamis.or.kr/service/price/xml.do",
    )?;
    let mut kamis_counties = Vec::new();
    for c in env
        .string("KAMIS_COUNTIES", "1101")
        .split(',')
        .map(str::trim)
    {
        if c.is_empty() {
            continue;
        }
        if !c.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                "KAMIS_COUNTIES",
                format!("{c:?} is not a county code (digits, comma-separated)"),
            ));
        }
        kamis_counties.push(c.to_owned());
    }
    Ok(SyncSettings {
        scheduled: env.bool("PRICE_SYNC_SCHEDULED", true)?,
        chamgagyeok_schedule: schedule(
            env,
            (
                "PRICE_SYNC_CHAMGAGYEOK_EVERY_DAYS",
                "PRICE_SYNC_CHAMGAGYEOK_AT",
            ),
        )?,
        kamis_schedule: schedule(env, ("PRICE_SYNC_KAMIS_EVERY_DAYS", "PRICE_SYNC_KAMIS_AT"))?,
        chamgagyeok: FeedConfig {
            base_url: chamgagyeok_url,
            key: env.string("CHAMGAGYEOK_SERVICE_KEY", ""),
            op_suffix: env.string("CHAMGAGYEOK_OP_SUFFIX", ""),
            timeout,
            cert_id: String::new(),
        },
        kamis: FeedConfig {
            base_url: kamis_url,
            key: env.string("KAMIS_CERT_KEY", ""),
            op_suffix: String::new(),
            timeout,
            cert_id: env.string("KAMIS_CERT_ID", ""),
        },
        kamis_counties,
        daily_budget,
    })
}

/// A source's cadence: every N days (1–28, default 1) at `HH:MM` in Korea
/// (default 04:00).
fn schedule(
    env: &Env<'_>,
    (every_var, at_var): (&'static str, &'static str),
) -> Result<SourceSchedule, ConfigError> {
    let default = SourceSchedule::default();
    let every_days = env.int(every_var, default.every_days, 1, 28)?;
    let at = match env.get(at_var) {
        None => default.at,
        Some(raw) => chrono::NaiveTime::parse_from_str(raw.trim(), "%H:%M")
            .map_err(|_| err(at_var, "must be a time of day HH:MM (Korea), e.g. 04:00"))?,
    };
    Ok(SourceSchedule { every_days, at })
}

/// An `http(s)` URL, or `default`.
pub(crate) fn http_url(
    env: &Env<'_>,
    var: &'static str,
    default: &str,
) -> Result<String, ConfigError> {
    let raw = env.string(var, default);
    match url::Url::parse(&raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(raw),
        _ => Err(err(var, "must be an http(s) URL")),
    }
}

/// The shopping search behind the online malls' prices (docs/CATALOG.md):
/// on when both `SHOPPING_SEARCH_CLIENT_ID` and `SHOPPING_SEARCH_CLIENT_SECRET`
/// are set; then `SHOPPING_SEARCH_BASE_URL`, `SHOPPING_SEARCH_TIMEOUT_MS`,
/// `SHOPPING_SEARCH_CACHE_TTL_S`, `SHOPPING_SEARCH_DAILY_BUDGET` and
/// `SHOPPING_MALL_NAMES` (`mall-id=name|name;…`, which sellers of the search
/// are which of our malls) apply.
#[derive(Debug, Clone)]
pub struct ShoppingSettings {
    pub search: crate::shopping::ShoppingConfig,
    /// Each mall id with the seller names the search gives its listings.
    pub malls: Vec<(ttokjang_domain::catalog::StoreId, Vec<String>)>,
}

/// The sample malls' sellers as the search names them.
pub const DEFAULT_MALL_NAMES: &str =
    "coupang=쿠팡;ssg=SSG닷컴|SSG.COM|신세계몰|이마트몰;kurly=컬리|마켓컬리;\
lotteon=롯데ON|롯데온|롯데마트몰;homeplus-online=홈플러스";

pub(crate) fn shopping(env: &Env<'_>) -> Result<Option<ShoppingSettings>, ConfigError> {
    let id = env
        .get("SHOPPING_SEARCH_CLIENT_ID")
        .filter(|v| !v.trim().is_empty());
    let secret = env
        .get("SHOPPING_SEARCH_CLIENT_SECRET")
        .filter(|v| !v.trim().is_empty());
    let (id, secret) = match (id, secret) {
        (None, None) => return Ok(None),
        (Some(id), Some(secret)) => (id.trim().to_owned(), secret.trim().to_owned()),
        (None, Some(_)) => {
            return Err(err(
                "SHOPPING_SEARCH_CLIENT_ID",
                "is required with SHOPPING_SEARCH_CLIENT_SECRET",
            ))
        }
        (Some(_), None) => {
            return Err(err(
                "SHOPPING_SEARCH_CLIENT_SECRET",
                "is required with SHOPPING_SEARCH_CLIENT_ID",
            ))
        }
    };
    let base = http_url(env, "SHOPPING_SEARCH_BASE_URL", "https://openapi.naver.com")?;
    let mut search = crate::shopping::ShoppingConfig::new(&base, &id, &secret);
    search.timeout =
        Duration::from_millis(env.int("SHOPPING_SEARCH_TIMEOUT_MS", 2_000, 100, 30_000)?);
    search.cache_ttl =
        Duration::from_secs(env.int("SHOPPING_SEARCH_CACHE_TTL_S", 21_600, 0, 604_800)?);
    search.daily_budget = env.int("SHOPPING_SEARCH_DAILY_BUDGET", 25_000, 0, 10_000_000)?;
    let malls = parse_mall_names(env.get("SHOPPING_MALL_NAMES").unwrap_or(DEFAULT_MALL_NAMES))?;
    Ok(Some(ShoppingSettings { search, malls }))
}

/// The OSRM table service (docs/RUNBOOK.md): on when `ROUTING_OSRM_URL` is
/// set; `ROUTING_TIMEOUT_MS` (default 1 500, 100–10 000),
/// `ROUTING_MAX_POINTS` (default 100, 2–400: the server's
/// `--max-table-size`), `ROUTING_OSRM_PROFILES` (default
/// `walk=foot,car=car`; a mode without a profile uses the estimate).
pub(crate) fn routing(env: &Env<'_>) -> Result<Option<crate::routing::OsrmConfig>, ConfigError> {
    if env
        .get("ROUTING_OSRM_URL")
        .is_none_or(|v| v.trim().is_empty())
    {
        return Ok(None);
    }
    let base = http_url(env, "ROUTING_OSRM_URL", "")?;
    let mut c = crate::routing::OsrmConfig::new(base.trim());
    c.timeout = Duration::from_millis(env.int("ROUTING_TIMEOUT_MS", 1_500, 100, 10_000)?);
    c.max_points = env.int("ROUTING_MAX_POINTS", 100, 2, 400)?;
    if let Some(raw) = env.get("ROUTING_OSRM_PROFILES") {
        let mut profiles = Vec::new();
        for item in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let parsed = item.split_once('=').and_then(|(m, p)| {
                let p = p.trim();
                let ok = !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                Some((
                    ttokjang_domain::preferences::TravelMode::parse(m.trim())?,
                    p,
                ))
                .filter(|_| ok)
            });
            let (mode, profile) = parsed.ok_or_else(|| {
                err(
                    "ROUTING_OSRM_PROFILES",
                    format!("{item:?} is not mode=profile"),
                )
            })?;
            profiles.push((mode, profile.to_owned()));
        }
        c.profiles = profiles;
    }
    Ok(Some(c))
}

/// Parses `SHOPPING_MALL_NAMES`: `mall-id=name|name;other=name`.
pub fn parse_mall_names(
    raw: &str,
) -> Result<Vec<(ttokjang_domain::catalog::StoreId, Vec<String>)>, ConfigError> {
    let bad = |problem: String| err("SHOPPING_MALL_NAMES", problem);
    let mut out = Vec::new();
    for item in raw.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (mall, names) = item
            .split_once('=')
            .ok_or_else(|| bad(format!("{item:?} is not mall-id=name|name")))?;
        let mall = mall.trim();
        let id = ttokjang_domain::catalog::StoreId::parse(mall)
            .map_err(|_| bad(format!("{mall:?} is not a store id")))?;
        let names: Vec<String> = names
            .split('|')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        if names.is_empty() {
            return Err(bad(format!("{mall:?} has no seller name")));
        }
        out.push((id, names));
    }
    if out.is_empty() {
        return Err(bad("names no mall".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse() {
        let f = parse_faults("coupang=delay:1500, kurly=error").expect("ok");
        assert_eq!(
            f.get("coupang"),
            Some(&Fault::Delay(Duration::from_millis(1500)))
        );
        assert_eq!(f.get("kurly"), Some(&Fault::Error));
        assert!(parse_faults("").expect("ok").is_empty());
        for bad in [
            "coupang",
            "coupang=slow",
            "coupang=delay:x",
            "c=delay:999999",
        ] {
            assert!(parse_faults(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn feed_settings_default_and_are_checked() {
        let map = HashMap::new();
        let s = feeds(&Env(&map)).expect("defaults");
        assert_eq!(s.kamis_counties, ["1101"]);
        assert_eq!(s.chamgagyeok.timeout, Duration::from_secs(20));
        assert!(s.scheduled);
        assert_eq!(s.chamgagyeok_schedule, SourceSchedule::default());
        assert_eq!(s.daily_budget, 1_800);
        let map = HashMap::from([
            ("PRICE_SYNC_KAMIS_EVERY_DAYS".to_owned(), "7".to_owned()),
            ("PRICE_SYNC_KAMIS_AT".to_owned(), "06:30".to_owned()),
        ]);
        let s = feeds(&Env(&map)).expect("schedule");
        assert_eq!(s.kamis_schedule.every_days, 7);
        assert_eq!(s.kamis_schedule.at.to_string(), "06:30:00");
        assert_eq!(s.chamgagyeok_schedule, SourceSchedule::default());
        for (var, value) in [
            ("PRICE_FEED_TIMEOUT_S", "0"),
            ("PRICE_SYNC_DAILY_BUDGET", "lots"),
            ("KAMIS_COUNTIES", "1101,seoul"),
            ("KAMIS_BASE_URL", "ftp://x"),
            ("PRICE_SYNC_KAMIS_AT", "25:00"),
            ("PRICE_SYNC_CHAMGAGYEOK_AT", "4am"),
            ("PRICE_SYNC_CHAMGAGYEOK_EVERY_DAYS", "0"),
            ("PRICE_SYNC_KAMIS_EVERY_DAYS", "29"),
            ("PRICE_SYNC_SCHEDULED", "maybe"),
        ] {
            let map = HashMap::from([(var.to_owned(), value.to_owned())]);
            assert_eq!(feeds(&Env(&map)).expect_err(var).var, var);
        }
    }
}
