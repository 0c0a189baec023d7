//! `ttokjang catalog review [--all] | merge PRODUCT INTO | distinct PRODUCT`:
//! the operator's side of the product review list (one product identity,
//! `ttokjang_domain::catalog::identity`). Nothing is merged without this.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use ttokjang_domain::catalog::identity::{ReviewDecision, ReviewEntry, ReviewStatus};
use ttokjang_domain::catalog::ProductId;
use ttokjang_domain::ports::{ProductReviewRepository, Resolved};
use ttokjang_domain::RepoError;

/// The review list as printed: one entry a line, pending first in the order
/// listed; decided ones with `all`.
pub async fn list(reviews: &dyn ProductReviewRepository, all: bool) -> Result<String, RepoError> {
    let entries = reviews.list_reviews(!all).await?;
    let mut out = String::new();
    if entries.is_empty() {
        out.push_str(if all {
            "the review list is empty\n"
        } else {
            "nothing to review\n"
        });
        return Ok(out);
    }
    for e in &entries {
        let _ = writeln!(out, "{}", line(e));
    }
    let pending = entries
        .iter()
        .filter(|e| e.status == ReviewStatus::Pending)
        .count();
    let _ = writeln!(
        out,
        "{pending} pending. Decide with `ttokjang catalog review merge PRODUCT INTO` or `ttokjang catalog review distinct PRODUCT`."
    );
    Ok(out)
}

fn line(e: &ReviewEntry) -> String {
    let ids: Vec<&str> = e.item.candidates.iter().map(ProductId::as_str).collect();
    let decided = match (e.status, &e.merged_into) {
        (ReviewStatus::Merged, Some(into)) => format!(" → merged into {into}"),
        (ReviewStatus::Distinct, _) => " → distinct".to_owned(),
        _ => String::new(),
    };
    format!(
        "{:<8} {} {:?} may be {} ({}; listed {}){decided}",
        e.status.as_str(),
        e.item.product_id,
        e.item.name,
        ids.join(", "),
        e.item.reason,
        e.listed_at.format("%Y-%m-%d"),
    )
}

fn product_id(raw: &str) -> Result<ProductId, String> {
    ProductId::parse(raw).map_err(|e| format!("{raw:?}: {e}"))
}

async fn decide(
    reviews: &dyn ProductReviewRepository,
    product: &str,
    decision: ReviewDecision,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let id = product_id(product)?;
    match reviews
        .resolve_review(&id, &decision, now)
        .await
        .map_err(|e| e.to_string())?
    {
        Resolved::Done(e) => Ok(format!("decided: {}", line(&e))),
        Resolved::NotListed => Err(format!(
            "{id} is not on the review list (see `ttokjang catalog review --all`)"
        )),
        Resolved::AlreadyDecided(e) => Err(format!("already decided: {}", line(&e))),
        Resolved::UnknownTarget => match decision {
            ReviewDecision::Merge { into } => Err(format!("no catalog product {into}")),
            ReviewDecision::Distinct => Err("unknown product".into()),
        },
    }
}

/// `product` is `into`.
pub async fn merge(
    reviews: &dyn ProductReviewRepository,
    product: &str,
    into: &str,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let into = product_id(into)?;
    if into.as_str() == product.trim() {
        return Err("a product cannot be merged into itself".into());
    }
    decide(reviews, product, ReviewDecision::Merge { into }, now).await
}

/// `product` is a good of its own.
pub async fn distinct(
    reviews: &dyn ProductReviewRepository,
    product: &str,
    now: DateTime<Utc>,
) -> Result<String, String> {
    decide(reviews, product, ReviewDecision::Distinct, now).await
}
