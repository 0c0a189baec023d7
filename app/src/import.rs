//! `ttokjang import prices FILE.csv`: 참가격-shaped price rows into the catalog.

use std::fmt;
use std::path::Path;

use ttokjang_domain::catalog::identity::{self, ReviewItem};
use ttokjang_domain::catalog::import::{parse_price_csv, ImportError, Rejection};
use ttokjang_domain::catalog::pack::strip_sizes;
use ttokjang_domain::catalog::search::ProductQuery;
use ttokjang_domain::catalog::{CatalogBatch, CatalogCounts, Product};
use ttokjang_domain::ports::CatalogRepository;
use ttokjang_domain::RepoError;

/// Files larger than this are refused (the full public data set is far smaller).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{0}")]
    Format(#[from] ImportError),
    #[error("nothing was written: {0}")]
    Storage(#[from] RepoError),
}

/// What an import did; printed to the operator.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub rows_read: usize,
    pub imported: usize,
    pub stores_in_file: usize,
    pub products_in_file: usize,
    pub rejected: Vec<Rejection>,
    pub outliers_flagged: usize,
    /// Products of the file that are a catalog product (same source id, or
    /// same name and pack) and were priced as it.
    pub merged_products: usize,
    /// Products kept apart that might be a catalog product.
    pub review: Vec<ReviewItem>,
    pub catalog: CatalogCounts,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "rows read:        {}", self.rows_read)?;
        writeln!(
            f,
            "imported:         {} price rows ({} stores, {} products)",
            self.imported, self.stores_in_file, self.products_in_file
        )?;
        writeln!(f, "rejected:         {}", self.rejected.len())?;
        for r in &self.rejected {
            writeln!(f, "  line {}: {}", r.line, r.reason)?;
        }
        writeln!(
            f,
            "outliers flagged: {} (kept; outside median × [0.45, 2.2])",
            self.outliers_flagged
        )?;
        writeln!(
            f,
            "same product:     {} (priced as the catalog's product)",
            self.merged_products
        )?;
        writeln!(f, "to review:        {}", self.review.len())?;
        for r in &self.review {
            let ids: Vec<&str> = r.candidates.iter().map(|c| c.as_str()).collect();
            writeln!(
                f,
                "  {} {:?} may be {} ({})",
                r.product_id,
                r.name,
                ids.join(", "),
                r.reason
            )?;
        }
        write!(
            f,
            "catalog now:      {} stores, {} products, {} offers",
            self.catalog.stores, self.catalog.products, self.catalog.offers
        )
    }
}

/// Validates every row and writes the valid ones in one atomic batch.
/// Importing the same text again leaves the catalog unchanged.
pub async fn import_prices(
    catalog: &dyn CatalogRepository,
    text: &str,
) -> Result<ImportReport, ImportFailure> {
    let mut parsed = parse_price_csv(text)?;
    let products_in_file = parsed.batch.products.len();
    let identity = unify_with_catalog(catalog, &mut parsed.batch).await?;
    let counts = if parsed.batch.offers.is_empty() {
        catalog.catalog_counts().await?
    } else {
        catalog.upsert_catalog(&parsed.batch).await?
    };
    Ok(ImportReport {
        rows_read: parsed.rows_read,
        imported: parsed.batch.offers.len(),
        stores_in_file: parsed.batch.stores.len(),
        products_in_file,
        rejected: parsed.rejected,
        outliers_flagged: parsed.outliers_flagged,
        merged_products: identity.merged.len(),
        review: identity.review,
        catalog: counts,
    })
}

/// The catalog products an incoming batch's products might be: those with
/// the same ids, and the hits of a name search for each product's name
/// without its size words.
pub async fn candidates(
    catalog: &dyn CatalogRepository,
    batch: &CatalogBatch,
) -> Result<Vec<Product>, RepoError> {
    let ids: Vec<_> = batch.products.iter().map(|p| p.id().clone()).collect();
    let mut known = catalog.get_products(&ids).await?;
    for p in &batch.products {
        let bare = strip_sizes(p.name());
        let Ok(query) = ProductQuery::parse(bare.trim()) else {
            continue;
        };
        known.extend(catalog.search_products(&query, 0, 50).await?);
    }
    known.sort_by(|a, b| a.id().cmp(b.id()));
    known.dedup_by(|a, b| a.id() == b.id());
    Ok(known)
}

/// Makes the batch's products the catalog's where they are the same good
/// ([`identity::unify`]).
pub async fn unify_with_catalog(
    catalog: &dyn CatalogRepository,
    batch: &mut CatalogBatch,
) -> Result<identity::IdentityReport, RepoError> {
    let known = candidates(catalog, batch).await?;
    Ok(identity::unify(batch, &known))
}

/// Reads `path` (UTF-8, at most [`MAX_FILE_BYTES`]) and imports it.
pub async fn import_file(
    catalog: &dyn CatalogRepository,
    path: &Path,
) -> Result<ImportReport, ImportFailure> {
    let shown = path.display().to_string();
    let read_err = |reason: String| ImportFailure::Read {
        path: shown.clone(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| read_err(e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(read_err("larger than 64 MiB".into()));
    }
    let bytes = std::fs::read(path).map_err(|e| read_err(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| read_err("not UTF-8 text".into()))?;
    import_prices(catalog, &text).await
}
