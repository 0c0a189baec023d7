//! Adapters of the price-feed ports (`domain::pricesync::ports`): 참가격 over
//! XML and KAMIS over JSON. Each is configured by a base URL and a key (from
//! the environment only) and works the same against the real service and the
//! local fake server of the tests.
//!
//! The key never reaches a log or an error text: errors are built from
//! `reqwest::Error::without_url()`, and `Debug` of a config masks it.

pub mod chamgagyeok;
pub mod kamis;
mod xml;

use std::fmt;
use std::time::Duration;

use ttokjang_domain::pricesync::feed::FeedError;

/// Where a feed is and how to reach it.
#[derive(Clone)]
pub struct FeedConfig {
    /// e.g. `https://apis.data.go.kr/B551919/ProductPriceInfoService` (no
    /// trailing slash needed).
    pub base_url: String,
    pub key: String,
    /// Appended to operation names (`.do` on the older price.go.kr host).
    pub op_suffix: String,
    pub timeout: Duration,
    /// KAMIS `p_cert_id` (the account the key belongs to).
    pub cert_id: String,
}

impl fmt::Debug for FeedConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeedConfig")
            .field("base_url", &self.base_url)
            .field("key", &mask(&self.key))
            .field("op_suffix", &self.op_suffix)
            .field("timeout", &self.timeout)
            .field("cert_id", &self.cert_id)
            .finish()
    }
}

/// `abcd…(40 chars)`: enough to tell keys apart, not to use one.
pub fn mask(key: &str) -> String {
    if key.is_empty() {
        return "(none)".into();
    }
    let head: String = key.chars().take(4).collect();
    format!("{head}…({} chars)", key.chars().count())
}

fn client(timeout: Duration) -> Result<reqwest::Client, FeedError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .build()
        .map_err(|e| FeedError::Network(e.without_url().to_string()))
}

/// A transport error as a typed outcome, without the URL (it holds the key).
fn transport(e: reqwest::Error) -> FeedError {
    if e.is_timeout() {
        FeedError::Timeout
    } else {
        FeedError::Network(e.without_url().to_string())
    }
}

/// An HTTP status other than 2xx as a typed outcome.
fn status_error(status: reqwest::StatusCode) -> Option<FeedError> {
    let code = status.as_u16();
    match code {
        200..=299 => None,
        401 | 403 => Some(FeedError::KeyRefused(format!("HTTP {code}"))),
        429 => Some(FeedError::QuotaExhausted),
        500..=599 => Some(FeedError::Server(code)),
        _ => Some(FeedError::BadRequest(format!("HTTP {code}"))),
    }
}

/// GETs `url` with `query` and returns the body text.
async fn get_text(
    http: &reqwest::Client,
    url: &str,
    query: &[(&str, &str)],
) -> Result<String, FeedError> {
    let resp = http.get(url).query(query).send().await.map_err(transport)?;
    if let Some(e) = status_error(resp.status()) {
        return Err(e);
    }
    let bytes = resp.bytes().await.map_err(transport)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| FeedError::Malformed("not UTF-8".into()))
}
