//! Price sources for online malls and the gateway that asks them under a
//! deadline.
//!
//! `CatalogPriceSource` answers from the stored catalog (the mall's latest
//! observed offers). `FaultySource` wraps any source with an injected delay or
//! failure, configured by `PRICE_SOURCE_FAULTS`, so that degraded answers can
//! be exercised end to end — in tests and on a staging box.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use ttokjang_domain::catalog::{Offer, ProductId, StoreId};
use ttokjang_domain::metrics::Metrics;
use ttokjang_domain::planner::listing::MallDirectory;
use ttokjang_domain::planner::prices::{
    Listed, PriceGateway, PriceSource, PriceSourceError, SourceReport, SourceStatus,
};
use ttokjang_domain::ports::CatalogRepository;

use crate::shopping::{ShoppingPriceSource, ShoppingSearch};

/// A mall's prices as last observed in the catalog.
pub struct CatalogPriceSource {
    id: String,
    mall: StoreId,
    catalog: Arc<dyn CatalogRepository>,
}

impl CatalogPriceSource {
    pub fn new(mall: StoreId, catalog: Arc<dyn CatalogRepository>) -> Self {
        Self {
            id: mall.as_str().to_owned(),
            mall,
            catalog,
        }
    }
}

#[async_trait]
impl PriceSource for CatalogPriceSource {
    fn id(&self) -> &str {
        &self.id
    }

    fn mall(&self) -> &StoreId {
        &self.mall
    }

    async fn fetch(&self, products: &[ProductId]) -> Result<Vec<Offer>, PriceSourceError> {
        self.catalog
            .offers_for(products, std::slice::from_ref(&self.mall))
            .await
            .map_err(|e| PriceSourceError(e.to_string()))
    }
}

/// An injected fault (`PRICE_SOURCE_FAULTS`, parsed by
/// [`crate::config::prices::parse_faults`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer correctly, but only after this long.
    Delay(Duration),
    /// Fail at once.
    Error,
}

pub struct FaultySource {
    inner: Arc<dyn PriceSource>,
    fault: Fault,
}

impl FaultySource {
    pub fn new(inner: Arc<dyn PriceSource>, fault: Fault) -> Self {
        Self { inner, fault }
    }
}

#[async_trait]
impl PriceSource for FaultySource {
    fn id(&self) -> &str {
        self.inner.id()
    }

    fn mall(&self) -> &StoreId {
        self.inner.mall()
    }

    async fn fetch(&self, products: &[ProductId]) -> Result<Vec<Offer>, PriceSourceError> {
        match self.fault {
            Fault::Error => Err(PriceSourceError("injected failure".into())),
            Fault::Delay(d) => {
                tokio::time::sleep(d).await;
                self.inner.fetch(products).await
            }
        }
    }

    async fn fetch_listed(&self, products: &[ProductId]) -> Result<Listed, PriceSourceError> {
        match self.fault {
            Fault::Error => Err(PriceSourceError("injected failure".into())),
            Fault::Delay(d) => {
                tokio::time::sleep(d).await;
                self.inner.fetch_listed(products).await
            }
        }
    }
}

/// Asks the sources of the requested malls concurrently; each gets `deadline`.
/// Sources are built per call from the catalog's malls, so a mall added to the
/// catalog is priced without a restart.
pub struct DeadlineGateway {
    catalog: Arc<dyn CatalogRepository>,
    faults: HashMap<String, Fault>,
    deadline: Duration,
    /// The shopping search and which malls it prices; other malls (and all
    /// of them without it) answer from the catalog.
    shopping: Option<(Arc<ShoppingSearch>, Arc<MallDirectory>)>,
}

impl DeadlineGateway {
    pub fn new(
        catalog: Arc<dyn CatalogRepository>,
        faults: HashMap<String, Fault>,
        deadline: Duration,
    ) -> Self {
        Self {
            catalog,
            faults,
            deadline,
            shopping: None,
        }
    }

    /// Prices the malls `malls` knows from the shopping search
    /// (`app/src/shopping.rs`); the others keep the catalog's offers.
    pub fn with_shopping(mut self, search: Arc<ShoppingSearch>, malls: Arc<MallDirectory>) -> Self {
        self.shopping = Some((search, malls));
        self
    }

    fn source_for(&self, mall: &StoreId) -> Arc<dyn PriceSource> {
        let base: Arc<dyn PriceSource> = match &self.shopping {
            Some((search, malls)) if malls.knows(mall) => Arc::new(ShoppingPriceSource::new(
                mall.clone(),
                search.clone(),
                malls.clone(),
                self.catalog.clone(),
            )),
            _ => Arc::new(CatalogPriceSource::new(mall.clone(), self.catalog.clone())),
        };
        match self.faults.get(mall.as_str()) {
            Some(f) => Arc::new(FaultySource::new(base, *f)),
            None => base,
        }
    }
}

pub async fn ask(
    source: Arc<dyn PriceSource>,
    products: Vec<ProductId>,
    deadline: Duration,
) -> SourceReport {
    let started = Instant::now();
    let outcome = tokio::time::timeout(deadline, source.fetch_listed(&products)).await;
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (status, Listed { offers, links }) = match outcome {
        Ok(Ok(listed)) => (SourceStatus::Ok, listed),
        Ok(Err(e)) => {
            tracing::warn!(source = source.id(), error = %e, latency_ms, "price source failed");
            (SourceStatus::Error, Listed::default())
        }
        Err(_) => {
            tracing::warn!(
                source = source.id(),
                latency_ms,
                "price source missed its deadline"
            );
            (SourceStatus::Timeout, Listed::default())
        }
    };
    SourceReport {
        source_id: source.id().to_owned(),
        status,
        latency_ms,
        offers,
        links,
    }
}

#[async_trait]
impl PriceGateway for DeadlineGateway {
    async fn gather(&self, malls: &[StoreId], products: &[ProductId]) -> Vec<SourceReport> {
        let tasks: Vec<_> = malls
            .iter()
            .map(|m| {
                let source = self.source_for(m);
                let products = products.to_vec();
                let deadline = self.deadline;
                tokio::spawn(ask(source, products, deadline))
            })
            .collect();
        let mut reports = Vec::with_capacity(tasks.len());
        for (task, mall) in tasks.into_iter().zip(malls) {
            reports.push(task.await.unwrap_or_else(|_| SourceReport {
                source_id: mall.as_str().to_owned(),
                status: SourceStatus::Error,
                latency_ms: 0,
                offers: Vec::new(),
                links: Vec::new(),
            }));
        }
        reports
    }
}

/// Counts every source's outcome and latency in the metrics, then hands the
/// reports on unchanged.
pub struct MeteredGateway {
    inner: Arc<dyn PriceGateway>,
    metrics: Arc<dyn Metrics>,
}

impl MeteredGateway {
    pub fn new(inner: Arc<dyn PriceGateway>, metrics: Arc<dyn Metrics>) -> Self {
        Self { inner, metrics }
    }
}

#[async_trait]
impl PriceGateway for MeteredGateway {
    async fn gather(&self, malls: &[StoreId], products: &[ProductId]) -> Vec<SourceReport> {
        let reports = self.inner.gather(malls, products).await;
        for r in &reports {
            let status = match r.status {
                SourceStatus::Ok => "ok",
                SourceStatus::Timeout => "timeout",
                SourceStatus::Error => "error",
            };
            #[allow(clippy::cast_precision_loss)]
            let seconds = r.latency_ms as f64 / 1000.0;
            self.metrics.price_source(&r.source_id, status, seconds);
        }
        reports
    }
}
