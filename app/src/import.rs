//! `ttokjang import prices FILE.csv…`: 참가격-shaped price rows into the
//! catalog, streamed.
//!
//! Files of any size are read twice with the `csv` crate, never held in
//! memory (see `ttokjang_domain::catalog::import` for what each pass keeps):
//!
//! 1. the survey: every row of every file is validated (bad rows reported),
//!    the stores and products collected and each product's prices counted,
//!    so the outlier medians are those of the **whole data set** — all files
//!    of one import, not each file or batch;
//! 2. the products are made the catalog's where they are the same good (one
//!    product identity; doubtful ones go to the review list), stores and
//!    products are written in one transaction, then the offers stream in
//!    batches of [`ImportOptions::batch_rows`], each batch one transaction. A
//!    reader thread parses the next batch while the previous one is written.
//!
//! A bad row is reported and skipped, never stored half. A failure while
//! writing stops the import after the batches already written (re-running
//! the import is safe: every write is an idempotent upsert).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use ttokjang_domain::catalog::identity::{self, ReviewItem};
use ttokjang_domain::catalog::import::{
    Header, ImportError, ParsedRow, Rejection, Rejections, Survey,
};
use ttokjang_domain::catalog::pack::strip_sizes;
use ttokjang_domain::catalog::search::ProductQuery;
use ttokjang_domain::catalog::{CatalogBatch, CatalogCounts, Offer, Product, ProductId};
use ttokjang_domain::ports::{CatalogRepository, ProductReviewRepository};
use ttokjang_domain::RepoError;

/// Offers written per transaction by default.
pub const DEFAULT_BATCH_ROWS: usize = 20_000;

/// How many rejections the printed report lists (all are counted).
const SHOWN_REJECTIONS: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    /// Offers per write transaction (at least 1).
    pub batch_rows: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            batch_rows: DEFAULT_BATCH_ROWS,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path}: {error}")]
    Format { path: String, error: ImportError },
    #[error("storage failed: {0} (batches written before it stay; re-running the import is safe)")]
    Storage(#[from] RepoError),
}

/// What an import did; printed to the operator.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub files: usize,
    pub rows_read: u64,
    /// Offers written.
    pub imported: u64,
    pub batches: u64,
    pub stores_in_file: usize,
    pub products_in_file: usize,
    /// Rejected rows: the first ones in detail, all counted.
    pub rejected: Rejections,
    pub outliers_flagged: u64,
    /// Products of the file that are a catalog product (same source id, or
    /// same name and pack, or merged by the operator) and were priced as it.
    pub merged_products: usize,
    /// Products kept apart that might be a catalog product (listed for
    /// review by `ttokjang catalog review`).
    pub review: Vec<ReviewItem>,
    /// Of those, how many are new on the review list.
    pub review_added: u64,
    pub catalog: CatalogCounts,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "files:            {}", self.files)?;
        writeln!(f, "rows read:        {}", self.rows_read)?;
        writeln!(
            f,
            "imported:         {} price rows in {} batches ({} stores, {} products)",
            self.imported, self.batches, self.stores_in_file, self.products_in_file
        )?;
        writeln!(f, "rejected:         {}", self.rejected.total)?;
        for r in self.rejected.kept.iter().take(SHOWN_REJECTIONS) {
            writeln!(f, "  {} line {}: {}", r.file, r.line, r.reason)?;
        }
        let shown = self.rejected.kept.len().min(SHOWN_REJECTIONS) as u64;
        if self.rejected.total > shown {
            writeln!(f, "  … and {} more", self.rejected.total - shown)?;
        }
        writeln!(
            f,
            "outliers flagged: {} (kept; outside median × [0.45, 2.2], medians over every file)",
            self.outliers_flagged
        )?;
        writeln!(
            f,
            "same product:     {} (priced as the catalog's product)",
            self.merged_products
        )?;
        writeln!(
            f,
            "to review:        {} ({} new on the list; see `ttokjang catalog review`)",
            self.review.len(),
            self.review_added
        )?;
        for r in self.review.iter().take(SHOWN_REJECTIONS) {
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

/// The name a file is reported by.
fn label(path: &Path) -> String {
    path.display().to_string()
}

/// Calls `row` with every data row of every file, in order: (file label,
/// line, the row as the header reads it). Fails when a file cannot be read
/// or has no usable header; a row that is not UTF-8 is a bad row.
fn each_row(
    paths: &[PathBuf],
    mut row: impl FnMut(&str, u64, Result<ParsedRow, String>) -> bool,
) -> Result<(), ImportFailure> {
    for path in paths {
        let file = label(path);
        let read_err = |e: &dyn fmt::Display| ImportFailure::Read {
            path: file.clone(),
            reason: e.to_string(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_path(path)
            .map_err(|e| read_err(&e))?;
        let mut record = csv::StringRecord::new();
        let header = loop {
            match reader.read_record(&mut record) {
                Ok(true) if record.iter().all(|c| c.trim().is_empty()) => continue,
                Ok(true) => break Header::parse(record.iter()),
                Ok(false) => break Err(ImportError::Empty),
                Err(e) if is_utf8(&e) => {
                    break Err(ImportError::MissingColumns(
                        "(the header is not UTF-8)".into(),
                    ))
                }
                Err(e) => return Err(read_err(&e)),
            }
        }
        .map_err(|error| ImportFailure::Format {
            path: file.clone(),
            error,
        })?;
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map_or(0, csv::Position::line);
                    if record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    if !row(&file, line, header.row(record.len(), |i| record.get(i))) {
                        return Ok(());
                    }
                }
                Err(e) if is_utf8(&e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    if !row(&file, line, Err("not UTF-8 text".into())) {
                        return Ok(());
                    }
                }
                Err(e) => return Err(read_err(&e)),
            }
        }
    }
    Ok(())
}

fn is_utf8(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Utf8 { .. })
}

fn blocking_failed(e: tokio::task::JoinError) -> ImportFailure {
    ImportFailure::Read {
        path: "(reader)".into(),
        reason: e.to_string(),
    }
}

/// Imports one file with the default options.
pub async fn import_file<S>(store: &S, path: &Path) -> Result<ImportReport, ImportFailure>
where
    S: CatalogRepository + ProductReviewRepository,
{
    import_files(
        store,
        store,
        &[path.to_path_buf()],
        ImportOptions::default(),
        Utc::now(),
    )
    .await
}

/// Imports `paths` as one data set (see the module docs). Importing the same
/// files again leaves the catalog unchanged.
pub async fn import_files(
    catalog: &dyn CatalogRepository,
    reviews: &dyn ProductReviewRepository,
    paths: &[PathBuf],
    options: ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportFailure> {
    let batch_rows = options.batch_rows.max(1);
    // Pass 1.
    let owned = paths.to_vec();
    let surveyed = tokio::task::spawn_blocking(move || {
        let mut survey = Survey::default();
        each_row(&owned, |file, line, parsed| {
            survey.row(file, line, parsed);
            true
        })?;
        Ok::<_, ImportFailure>(survey.finish())
    })
    .await
    .map_err(blocking_failed)??;

    let mut batch = surveyed.batch.clone();
    let stores_in_file = batch.stores.len();
    let products_in_file = batch.products.len();
    let identity = unify_with_catalog(catalog, reviews, &mut batch).await?;
    let review_added = if identity.review.is_empty() {
        0
    } else {
        reviews.add_reviews(&identity.review, now).await?
    };
    let rename: HashMap<ProductId, ProductId> = identity.merged.iter().cloned().collect();
    let rows_read = surveyed.rows_read;
    let mut rejected = surveyed.rejected.clone();
    let any_good = surveyed.good_rows > 0;
    let mut emitter = surveyed.emitter(rename);

    let mut batches = 0;
    if any_good {
        catalog.upsert_catalog(&batch).await?;
        // Pass 2: a reader thread parses batches while this task writes them.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Offer>>(2);
        let owned = paths.to_vec();
        let reader = tokio::task::spawn_blocking(move || {
            let mut pending = Vec::with_capacity(batch_rows);
            let done = each_row(&owned, |file, line, parsed| {
                if let Some(offer) = emitter.row(file, line, parsed) {
                    pending.push(offer);
                    if pending.len() >= batch_rows {
                        let full = std::mem::replace(&mut pending, Vec::with_capacity(batch_rows));
                        return tx.blocking_send(full).is_ok();
                    }
                }
                true
            });
            if done.is_ok() && !pending.is_empty() {
                let _ = tx.blocking_send(pending);
            }
            done.map(|()| emitter)
        });
        let mut write_failed = None;
        while let Some(offers) = rx.recv().await {
            if let Err(e) = catalog.write_offers(&offers).await {
                write_failed = Some(e);
                break;
            }
            batches += 1;
        }
        drop(rx);
        let read = reader.await.map_err(blocking_failed)?;
        if let Some(e) = write_failed {
            return Err(ImportFailure::Storage(e));
        }
        emitter = read?;
    }
    let unkept = emitter
        .rejected
        .total
        .saturating_sub(emitter.rejected.kept.len() as u64);
    for r in std::mem::take(&mut emitter.rejected.kept) {
        rejected.push(&r.file, r.line, r.reason);
    }
    rejected.total += unkept;
    rejected.kept.sort_by(|a: &Rejection, b: &Rejection| {
        paths_order(paths, &a.file)
            .cmp(&paths_order(paths, &b.file))
            .then(a.line.cmp(&b.line))
    });
    Ok(ImportReport {
        files: paths.len(),
        rows_read,
        imported: emitter.offers,
        batches,
        stores_in_file,
        products_in_file,
        rejected,
        outliers_flagged: emitter.outliers_flagged,
        merged_products: identity.merged.len(),
        review: identity.review,
        review_added,
        catalog: catalog.catalog_counts().await?,
    })
}

fn paths_order(paths: &[PathBuf], file: &str) -> usize {
    paths
        .iter()
        .position(|p| label(p) == file)
        .unwrap_or(usize::MAX)
}

/// The catalog products an incoming batch's products might be: those with
/// the same ids, the hits of a name search for each product's name without
/// its size words and for its first word (the brand: "매일우유 오리지널 멸균"
/// finds "매일우유 오리지널 900ml"), and the products reviewed ones were
/// merged into.
pub async fn candidates(
    catalog: &dyn CatalogRepository,
    batch: &CatalogBatch,
    decided: &[identity::ReviewEntry],
) -> Result<Vec<Product>, RepoError> {
    let mut ids: Vec<_> = batch.products.iter().map(|p| p.id().clone()).collect();
    ids.extend(decided.iter().filter_map(|e| e.merged_into.clone()));
    let mut known = catalog.get_products(&ids).await?;
    for p in &batch.products {
        let bare = strip_sizes(p.name());
        let bare = bare.trim();
        let first = bare.split_whitespace().next().unwrap_or("");
        let mut queries = vec![bare];
        if first != bare && first.chars().count() >= 2 {
            queries.push(first);
        }
        for q in queries {
            if let Ok(query) = ProductQuery::parse(q) {
                known.extend(catalog.search_products(&query, 0, 50).await?);
            }
        }
    }
    known.sort_by(|a, b| a.id().cmp(b.id()));
    known.dedup_by(|a, b| a.id() == b.id());
    Ok(known)
}

/// Makes the batch's products the catalog's where they are the same good
/// ([`identity::unify`]), following the operator's earlier review decisions.
pub async fn unify_with_catalog(
    catalog: &dyn CatalogRepository,
    reviews: &dyn ProductReviewRepository,
    batch: &mut CatalogBatch,
) -> Result<identity::IdentityReport, RepoError> {
    let ids: Vec<_> = batch.products.iter().map(|p| p.id().clone()).collect();
    let decided = reviews.reviews_for(&ids).await?;
    let known = candidates(catalog, batch, &decided).await?;
    Ok(identity::unify(batch, &known, &decided))
}
