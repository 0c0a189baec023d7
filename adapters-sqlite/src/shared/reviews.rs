//! The product review list (`ProductReviewRepository`): products an import
//! kept apart because they might be a catalog product, and the operator's
//! decision. Merging moves the product's offers in the same transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::catalog::identity::{ReviewDecision, ReviewEntry, ReviewItem, ReviewStatus};
use ttokjang_domain::catalog::ProductId;
use ttokjang_domain::ports::{ProductReviewRepository, Resolved};
use ttokjang_domain::RepoError;

use crate::dialect::{from_db_time, locked, sql, to_db_time, write_tx, Conn, DbStore, Instant};
use crate::error::{corrupt, Failure};
use crate::schema::{offers, product_reviews, products};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = product_reviews, check_for_backend(crate::dialect::Db))]
struct ReviewRow {
    product_id: String,
    name: String,
    candidates: String,
    reason: String,
    status: String,
    merged_into: Option<String>,
    listed_at: Instant,
    resolved_at: Option<Instant>,
}

impl ReviewRow {
    fn from_item(item: &ReviewItem, at: DateTime<Utc>) -> Self {
        let ids: Vec<&str> = item.candidates.iter().map(ProductId::as_str).collect();
        Self {
            product_id: item.product_id.to_string(),
            name: item.name.clone(),
            candidates: ids.join("\n"),
            reason: item.reason.clone(),
            status: ReviewStatus::Pending.as_str().to_owned(),
            merged_into: None,
            listed_at: to_db_time(at),
            resolved_at: None,
        }
    }

    fn into_domain(self) -> Result<ReviewEntry, RepoError> {
        let id = |column: &str, v: &str| ProductId::parse(v).map_err(|_| corrupt(column));
        let candidates = self
            .candidates
            .split('\n')
            .filter(|c| !c.is_empty())
            .map(|c| id("product_reviews.candidates", c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ReviewEntry {
            item: ReviewItem {
                product_id: id("product_reviews.product_id", &self.product_id)?,
                name: self.name,
                candidates,
                reason: self.reason,
            },
            status: ReviewStatus::parse(&self.status)
                .ok_or_else(|| corrupt("product_reviews.status"))?,
            merged_into: self
                .merged_into
                .as_deref()
                .map(|v| id("product_reviews.merged_into", v))
                .transpose()?,
            listed_at: from_db_time("product_reviews.listed_at", self.listed_at)?,
            resolved_at: self
                .resolved_at
                .map(|t| from_db_time("product_reviews.resolved_at", t))
                .transpose()?,
        })
    }
}

fn entries(rows: Vec<ReviewRow>) -> Result<Vec<ReviewEntry>, RepoError> {
    rows.into_iter().map(ReviewRow::into_domain).collect()
}

/// Moves `from`'s offers to `into` (an offer `into` already has at the same
/// store and instant wins) and deletes `from`.
fn merge_product(conn: &mut Conn, from: &str, into: &str) -> Result<(), Failure> {
    use diesel::sql_types::Text;
    diesel::sql_query(sql(
        "DELETE FROM offers WHERE product_id = ? AND EXISTS (SELECT 1 FROM offers o \
         WHERE o.product_id = ? AND o.store_id = offers.store_id \
         AND o.observed_at = offers.observed_at)",
    ))
    .bind::<Text, _>(from)
    .bind::<Text, _>(into)
    .execute(conn)?;
    diesel::update(offers::table.filter(offers::product_id.eq(from)))
        .set(offers::product_id.eq(into))
        .execute(conn)?;
    // Current prices: per store the newer of the two products' prices wins.
    diesel::sql_query(sql(
        "DELETE FROM current_offers WHERE product_id = ? AND EXISTS (SELECT 1 FROM \
         current_offers c WHERE c.product_id = ? AND c.store_id = current_offers.store_id \
         AND c.observed_at >= current_offers.observed_at)",
    ))
    .bind::<Text, _>(from)
    .bind::<Text, _>(into)
    .execute(conn)?;
    diesel::sql_query(sql(
        "DELETE FROM current_offers WHERE product_id = ? AND EXISTS (SELECT 1 FROM \
         current_offers c WHERE c.product_id = ? AND c.store_id = current_offers.store_id)",
    ))
    .bind::<Text, _>(into)
    .bind::<Text, _>(from)
    .execute(conn)?;
    diesel::sql_query(sql(
        "UPDATE current_offers SET product_id = ? WHERE product_id = ?",
    ))
    .bind::<Text, _>(into)
    .bind::<Text, _>(from)
    .execute(conn)?;
    diesel::delete(products::table.filter(products::id.eq(from))).execute(conn)?;
    Ok(())
}

#[async_trait]
impl ProductReviewRepository for DbStore {
    async fn add_reviews(&self, items: &[ReviewItem], at: DateTime<Utc>) -> Result<u64, RepoError> {
        let rows: Vec<ReviewRow> = items.iter().map(|i| ReviewRow::from_item(i, at)).collect();
        self.run(move |conn| {
            write_tx(conn, |conn| {
                let mut added = 0u64;
                for row in &rows {
                    added += diesel::insert_into(product_reviews::table)
                        .values(row)
                        .on_conflict_do_nothing()
                        .execute(conn)? as u64;
                }
                Ok(added)
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn list_reviews(&self, pending_only: bool) -> Result<Vec<ReviewEntry>, RepoError> {
        let rows = self
            .run(move |conn| {
                let mut q = product_reviews::table
                    .order((product_reviews::listed_at, product_reviews::product_id))
                    .select(ReviewRow::as_select())
                    .into_boxed();
                if pending_only {
                    q = q.filter(product_reviews::status.eq(ReviewStatus::Pending.as_str()));
                }
                Ok(q.load(conn)?)
            })
            .await?;
        entries(rows)
    }

    async fn reviews_for(&self, ids: &[ProductId]) -> Result<Vec<ReviewEntry>, RepoError> {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let rows = self
            .run(move |conn| {
                let mut found = Vec::new();
                for chunk in ids.chunks(1_000) {
                    found.extend(
                        product_reviews::table
                            .filter(product_reviews::product_id.eq_any(chunk))
                            .order(product_reviews::product_id)
                            .select(ReviewRow::as_select())
                            .load(conn)?,
                    );
                }
                Ok(found)
            })
            .await?;
        entries(rows)
    }

    async fn resolve_review(
        &self,
        product: &ProductId,
        decision: &ReviewDecision,
        at: DateTime<Utc>,
    ) -> Result<Resolved, RepoError> {
        let id = product.to_string();
        let into = match decision {
            ReviewDecision::Merge { into } => Some(into.to_string()),
            ReviewDecision::Distinct => None,
        };
        let at = to_db_time(at);
        let row = self
            .run(move |conn| {
                write_tx(conn, |conn| {
                    let Some(row) = locked!(product_reviews::table
                        .filter(product_reviews::product_id.eq(&id))
                        .select(ReviewRow::as_select()))
                    .first(conn)
                    .optional()?
                    else {
                        return Ok(Err(Resolved::NotListed));
                    };
                    if row.status != ReviewStatus::Pending.as_str() {
                        return Ok(Ok((row, true)));
                    }
                    let status = if let Some(into) = &into {
                        let exists: i64 = products::table
                            .filter(products::id.eq(into))
                            .count()
                            .get_result(conn)?;
                        if exists == 0 {
                            return Ok(Err(Resolved::UnknownTarget));
                        }
                        merge_product(conn, &id, into)?;
                        ReviewStatus::Merged
                    } else {
                        ReviewStatus::Distinct
                    };
                    let row = diesel::update(
                        product_reviews::table.filter(product_reviews::product_id.eq(&id)),
                    )
                    .set((
                        product_reviews::status.eq(status.as_str()),
                        product_reviews::merged_into.eq(&into),
                        product_reviews::resolved_at.eq(Some(at)),
                    ))
                    .returning(ReviewRow::as_returning())
                    .get_result(conn)?;
                    Ok(Ok((row, false)))
                })
            })
            .await?;
        Ok(match row {
            Err(outcome) => outcome,
            Ok((row, true)) => Resolved::AlreadyDecided(row.into_domain()?),
            Ok((row, false)) => Resolved::Done(row.into_domain()?),
        })
    }
}
