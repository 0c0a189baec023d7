//! The shopping-search price source (DATA-SOURCES.md: the Naver Search API's
//! `/v1/search/shop.json`, headers `X-Naver-Client-Id` /
//! `X-Naver-Client-Secret`).
//!
//! [`ShoppingSearch`] asks the search one query per product name and keeps
//! what it answered:
//! - a cache per query with a TTL, and one call at a time per query (every
//!   mall's source asks the same queries at once; the first calls, the others
//!   read its answer), so a basket costs one call per line, not one per line
//!   and mall;
//! - a daily call budget (the service's own daily limit; the day turns at
//!   midnight in Korea) — past it, calls are refused without being made;
//! - a circuit breaker: after `breaker_failures` failures in a row
//!   (timeouts, network errors, 5xx, 429) the search is not called for
//!   `breaker_cooldown`, then one call tries again.
//!
//! [`ShoppingPriceSource`] is one configured mall's view of those answers,
//! a [`PriceSource`] like the catalog's: for each product it keeps the
//! listings of that mall whose pack and name match
//! ([`ttokjang_domain::planner::listing`]) and offers the cheapest. Any failed
//! query fails the source, so the plan answer says it is degraded (206)
//! instead of silently missing lines.
//!
//! The client secret never reaches a log or an error text (`Debug` masks it,
//! errors are built without the URL).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde::Deserialize;
use thiserror::Error;
use ttokjang_domain::catalog::{Offer, PriceOrigin, ProductId, Provenance, StoreId};
use ttokjang_domain::planner::listing::{best_per_mall, strip_markup, Listing, MallDirectory};
use ttokjang_domain::planner::prices::{Listed, PriceSource, PriceSourceError, ProductLink};
use ttokjang_domain::ports::{CatalogRepository, Clock};

use crate::pricefeeds::mask;

/// Where the search is and how it may be used.
#[derive(Clone)]
pub struct ShoppingConfig {
    /// e.g. `https://openapi.naver.com` (the path `/v1/search/shop.json` is
    /// appended).
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// Per call.
    pub timeout: Duration,
    /// How long one query's answer is reused.
    pub cache_ttl: Duration,
    /// Calls per day (Korea's calendar day); 0: none.
    pub daily_budget: u32,
    pub breaker_failures: u32,
    pub breaker_cooldown: Duration,
    /// Listings per query (`display`, 1–100).
    pub display: u8,
}

impl fmt::Debug for ShoppingConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShoppingConfig")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &mask(&self.client_secret))
            .field("timeout", &self.timeout)
            .field("cache_ttl", &self.cache_ttl)
            .field("daily_budget", &self.daily_budget)
            .field("breaker_failures", &self.breaker_failures)
            .field("breaker_cooldown", &self.breaker_cooldown)
            .field("display", &self.display)
            .finish()
    }
}

impl ShoppingConfig {
    /// Defaults for everything but where and who: 2 s per call, answers kept
    /// 6 h, 25,000 calls a day (the search's documented daily limit), the
    /// breaker opens after 5 failures for 60 s, 40 listings per query.
    pub fn new(base_url: &str, client_id: &str, client_secret: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            timeout: Duration::from_secs(2),
            cache_ttl: Duration::from_secs(6 * 3600),
            daily_budget: 25_000,
            breaker_failures: 5,
            breaker_cooldown: Duration::from_secs(60),
            display: 40,
        }
    }
}

/// Why a query got no answer.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum SearchError {
    #[error("the search did not answer in time")]
    Timeout,
    #[error("network: {0}")]
    Network(String),
    #[error("the search refused the client id/secret (HTTP {0})")]
    KeyRefused(u16),
    #[error("the search is throttling us (HTTP 429)")]
    Throttled,
    #[error("the search failed (HTTP {0})")]
    Server(u16),
    #[error("the search refused the query (HTTP {0})")]
    BadRequest(u16),
    #[error("unreadable answer: {0}")]
    Malformed(String),
    #[error("today's call budget is spent")]
    BudgetExhausted,
    #[error("the search failed repeatedly; not calling it for a while")]
    CircuitOpen,
}

impl SearchError {
    /// Failures that count towards opening the breaker (the service is
    /// unwell), as opposed to our own mistakes or limits.
    fn trips_breaker(&self) -> bool {
        matches!(
            self,
            Self::Timeout | Self::Network(_) | Self::Throttled | Self::Server(_)
        )
    }
}

/// One query's answer, as kept in the cache.
#[derive(Debug, Clone)]
pub struct Answer {
    pub listings: Arc<Vec<Listing>>,
    pub fetched_at: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
}

#[derive(Debug, Default)]
struct Budget {
    day: Option<NaiveDate>,
    used: u32,
}

/// The search client with its cache, budget and breaker (module docs).
pub struct ShoppingSearch {
    http: reqwest::Client,
    config: ShoppingConfig,
    clock: Arc<dyn Clock>,
    cache: Mutex<HashMap<String, (Instant, Answer)>>,
    /// One lock per query being asked: every mall's source asks the same
    /// queries at once, and only the first calls the search; the others wait
    /// and read its answer from the cache.
    inflight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    breaker: Mutex<Breaker>,
    budget: Mutex<Budget>,
}

impl fmt::Debug for ShoppingSearch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShoppingSearch")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The search's JSON answer (only what we read).
#[derive(Deserialize)]
struct Page {
    items: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    title: String,
    link: String,
    #[serde(default)]
    image: String,
    /// A number written as a string ("2890"); empty when unknown.
    lprice: String,
    mall_name: String,
    product_id: String,
    #[serde(default)]
    brand: String,
    #[serde(default)]
    maker: String,
    #[serde(default)]
    category1: String,
    #[serde(default)]
    category2: String,
    #[serde(default)]
    category3: String,
    #[serde(default)]
    category4: String,
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl Item {
    /// `None` for a listing without a usable price or link (skipped, not an
    /// error: one bad listing does not spoil the page).
    fn into_listing(self) -> Option<Listing> {
        let price_krw: i64 = self.lprice.trim().parse().ok()?;
        let link = non_empty(self.link)?;
        if !link.starts_with("https://") && !link.starts_with("http://") {
            return None;
        }
        Some(Listing {
            listing_id: self.product_id,
            title: strip_markup(&self.title),
            link,
            image: non_empty(self.image),
            price_krw,
            mall_name: strip_markup(&self.mall_name),
            brand: non_empty(self.brand),
            maker: non_empty(self.maker),
            categories: [
                self.category1,
                self.category2,
                self.category3,
                self.category4,
            ]
            .into_iter()
            .filter_map(non_empty)
            .collect(),
        })
    }
}

/// The calendar day in Korea (UTC+9, no daylight saving): the search's
/// daily limit turns at midnight there.
fn korea_day(at: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(9 * 3600) {
        Some(kst) => at.with_timezone(&kst).date_naive(),
        None => at.date_naive(),
    }
}

impl ShoppingSearch {
    pub fn new(config: ShoppingConfig, clock: Arc<dyn Clock>) -> Result<Self, SearchError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| SearchError::Network(e.without_url().to_string()))?;
        Ok(Self {
            http,
            config,
            clock,
            cache: Mutex::new(HashMap::new()),
            inflight: Mutex::new(HashMap::new()),
            breaker: Mutex::new(Breaker::default()),
            budget: Mutex::new(Budget::default()),
        })
    }

    /// The listings the search answers for `query`, from the cache while
    /// fresh.
    pub async fn search(&self, query: &str) -> Result<Answer, SearchError> {
        let query = query.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(answer) = self.cached(&query) {
            return Ok(answer);
        }
        let lock = self
            .inflight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(query.clone())
            .or_default()
            .clone();
        let _asking = lock.lock().await;
        let result = self.ask(&query).await;
        self.inflight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&query);
        result
    }

    /// [`Self::search`] once the query's lock is held: the cache again (the
    /// holder before us may have filled it), else one call.
    async fn ask(&self, query: &str) -> Result<Answer, SearchError> {
        if let Some(answer) = self.cached(query) {
            return Ok(answer);
        }
        self.admit()?;
        let result = self.call(query).await;
        self.record(&result);
        let listings = Arc::new(result?);
        let answer = Answer {
            listings,
            fetched_at: self.clock.now(),
        };
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(query.to_owned(), (Instant::now(), answer.clone()));
        Ok(answer)
    }

    fn cached(&self, query: &str) -> Option<Answer> {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        match cache.get(query) {
            Some((at, answer)) if at.elapsed() < self.config.cache_ttl => Some(answer.clone()),
            Some(_) => {
                cache.remove(query);
                None
            }
            None => None,
        }
    }

    /// Checks the breaker and spends one call of today's budget.
    fn admit(&self) -> Result<(), SearchError> {
        {
            let mut breaker = self.breaker.lock().unwrap_or_else(PoisonError::into_inner);
            match breaker.open_until {
                Some(until) if Instant::now() < until => return Err(SearchError::CircuitOpen),
                // Half-open: this call tries; one more failure opens it again.
                Some(_) => {
                    breaker.open_until = None;
                    breaker.failures = self.config.breaker_failures.saturating_sub(1);
                }
                None => {}
            }
        }
        let today = korea_day(self.clock.now());
        let mut budget = self.budget.lock().unwrap_or_else(PoisonError::into_inner);
        if budget.day != Some(today) {
            *budget = Budget {
                day: Some(today),
                used: 0,
            };
        }
        if budget.used >= self.config.daily_budget {
            return Err(SearchError::BudgetExhausted);
        }
        budget.used += 1;
        Ok(())
    }

    fn record<T>(&self, result: &Result<T, SearchError>) {
        let mut breaker = self.breaker.lock().unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(_) => *breaker = Breaker::default(),
            Err(e) if e.trips_breaker() => {
                breaker.failures = breaker.failures.saturating_add(1);
                if breaker.failures >= self.config.breaker_failures.max(1) {
                    breaker.open_until = Some(Instant::now() + self.config.breaker_cooldown);
                }
            }
            Err(_) => {}
        }
    }

    async fn call(&self, query: &str) -> Result<Vec<Listing>, SearchError> {
        let url = format!("{}/v1/search/shop.json", self.config.base_url);
        let display = self.config.display.clamp(1, 100).to_string();
        let resp = self
            .http
            .get(&url)
            .header("X-Naver-Client-Id", &self.config.client_id)
            .header("X-Naver-Client-Secret", &self.config.client_secret)
            .query(&[
                ("query", query),
                ("display", &display),
                ("start", "1"),
                ("sort", "sim"),
            ])
            .send()
            .await
            .map_err(transport)?;
        let code = resp.status().as_u16();
        match code {
            200..=299 => {}
            401 | 403 => return Err(SearchError::KeyRefused(code)),
            429 => return Err(SearchError::Throttled),
            500..=599 => return Err(SearchError::Server(code)),
            _ => return Err(SearchError::BadRequest(code)),
        }
        let bytes = resp.bytes().await.map_err(transport)?;
        let page: Page = serde_json::from_slice(&bytes).map_err(|e| {
            SearchError::Malformed(format!("line {} column {}", e.line(), e.column()))
        })?;
        Ok(page
            .items
            .into_iter()
            .filter_map(Item::into_listing)
            .collect())
    }
}

fn transport(e: reqwest::Error) -> SearchError {
    if e.is_timeout() {
        SearchError::Timeout
    } else {
        SearchError::Network(e.without_url().to_string())
    }
}

/// One mall's prices from the shopping search (module docs).
pub struct ShoppingPriceSource {
    id: String,
    mall: StoreId,
    search: Arc<ShoppingSearch>,
    malls: Arc<MallDirectory>,
    catalog: Arc<dyn CatalogRepository>,
}

impl ShoppingPriceSource {
    /// Queries run at most this many at a time per source.
    const PARALLEL: usize = 4;

    pub fn new(
        mall: StoreId,
        search: Arc<ShoppingSearch>,
        malls: Arc<MallDirectory>,
        catalog: Arc<dyn CatalogRepository>,
    ) -> Self {
        Self {
            // The mall's id, as every price source's: the planner joins
            // reports to malls by it (and faults are keyed by it).
            id: mall.as_str().to_owned(),
            mall,
            search,
            malls,
            catalog,
        }
    }
}

#[async_trait]
impl PriceSource for ShoppingPriceSource {
    fn id(&self) -> &str {
        &self.id
    }

    fn mall(&self) -> &StoreId {
        &self.mall
    }

    async fn fetch(&self, products: &[ProductId]) -> Result<Vec<Offer>, PriceSourceError> {
        Ok(self.fetch_listed(products).await?.offers)
    }

    async fn fetch_listed(&self, products: &[ProductId]) -> Result<Listed, PriceSourceError> {
        let products = self
            .catalog
            .get_products(products)
            .await
            .map_err(|e| PriceSourceError(e.to_string()))?;
        let found: Vec<Option<(Offer, ProductLink)>> = stream::iter(products)
            .map(|product| async move {
                let answer = self
                    .search
                    .search(product.name())
                    .await
                    .map_err(|e| PriceSourceError(e.to_string()))?;
                let best = best_per_mall(&product, &answer.listings, &self.malls);
                Ok::<_, PriceSourceError>(best.get(&self.mall).map(|(listing, price)| {
                    let offer = Offer {
                        store_id: self.mall.clone(),
                        product_id: product.id().clone(),
                        price: *price,
                        observed_at: answer.fetched_at,
                        in_stock: true,
                        discounted: false,
                        flagged_outlier: false,
                        provenance: Provenance {
                            fetched_at: Some(answer.fetched_at),
                            ..Provenance::of(PriceOrigin::Shopping)
                        },
                    };
                    let link = ProductLink {
                        product_id: product.id().clone(),
                        url: listing.link.clone(),
                        image: listing.image.clone(),
                        title: listing.title.clone(),
                        seen_at: answer.fetched_at,
                    };
                    (offer, link)
                }))
            })
            .buffered(Self::PARALLEL)
            .try_collect()
            .await?;
        let (offers, links) = found.into_iter().flatten().unzip();
        Ok(Listed { offers, links })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_the_secret() {
        let c = ShoppingConfig::new("https://openapi.example/", "my-client", "s3cr3t-value-xyz");
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cr3t-value-xyz"), "{shown}");
        assert!(shown.contains("my-client"), "{shown}");
        assert_eq!(c.base_url, "https://openapi.example");
    }

    #[test]
    fn items_without_price_or_link_are_skipped_and_markup_stripped() {
        let item = |lprice: &str, link: &str| Item {
            title: "<b>서울우유</b> 1L".into(),
            link: link.into(),
            image: String::new(),
            lprice: lprice.into(),
            mall_name: "쿠팡".into(),
            product_id: "1".into(),
            brand: " 서울우유 ".into(),
            maker: String::new(),
            category1: "식품".into(),
            category2: String::new(),
            category3: "우유".into(),
            category4: String::new(),
        };
        let l = item("2890", "https://www.coupang.com/vp/products/1")
            .into_listing()
            .expect("listing");
        assert_eq!(l.title, "서울우유 1L");
        assert_eq!(l.price_krw, 2_890);
        assert_eq!(l.image, None);
        assert_eq!(l.brand.as_deref(), Some("서울우유"));
        assert_eq!(l.categories, vec!["식품", "우유"]);
        assert!(item("", "https://x.example/").into_listing().is_none());
        assert!(item("12a", "https://x.example/").into_listing().is_none());
        assert!(item("100", "javascript:alert(1)").into_listing().is_none());
    }

    #[test]
    fn the_budget_day_is_korea_s() {
        let late_utc = DateTime::parse_from_rfc3339("2026-12-03T15:30:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(korea_day(late_utc).to_string(), "2026-12-04");
    }
}
