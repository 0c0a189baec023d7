//! Where online prices come from: one `PriceSource` per mall (its price API),
//! gathered under a deadline by a `PriceGateway`. A source that errors or misses
//! its deadline makes the plan answer degraded; the plans use what arrived.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::catalog::{Offer, ProductId, StoreId};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    Ok,
    Timeout,
    Error,
}

/// What one source answered, or failed to, and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    pub source_id: String,
    pub status: SourceStatus,
    pub latency_ms: u64,
    pub offers: Vec<Offer>,
    /// The product pages behind the offers, when the source knows them (the
    /// shopping search does; the catalog does not).
    pub links: Vec<ProductLink>,
}

/// The listing a mall's offer for one product came from: its product page,
/// image and when its price was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductLink {
    pub product_id: ProductId,
    /// The product page at the mall (checked against the redirect allowlist
    /// before it is handed out).
    pub url: String,
    pub image: Option<String>,
    /// The listing's own title.
    pub title: String,
    pub seen_at: DateTime<Utc>,
}

/// Offers with the listings they came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listed {
    pub offers: Vec<Offer>,
    pub links: Vec<ProductLink>,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("price source failed: {0}")]
pub struct PriceSourceError(pub String);

/// One mall's prices.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PriceSource: Send + Sync {
    /// A stable id for logs, metrics and `meta.sources`.
    fn id(&self) -> &str;
    /// The mall whose prices this source knows.
    fn mall(&self) -> &StoreId;
    /// Current offers for these products (products the mall does not sell are
    /// simply absent).
    async fn fetch(&self, products: &[ProductId]) -> Result<Vec<Offer>, PriceSourceError>;
    /// The offers with their product pages; a source that knows no pages
    /// answers its offers alone.
    async fn fetch_listed(&self, products: &[ProductId]) -> Result<Listed, PriceSourceError> {
        Ok(Listed {
            offers: self.fetch(products).await?,
            links: Vec::new(),
        })
    }
}

/// Asks every source of the given malls at once and waits at most its deadline
/// for each. Never fails as a whole: each source's fate is in its report.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PriceGateway: Send + Sync {
    async fn gather(&self, malls: &[StoreId], products: &[ProductId]) -> Vec<SourceReport>;
}
