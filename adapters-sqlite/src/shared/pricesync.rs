//! The price sync's state (`SyncStateRepository`): calls, the daily budget,
//! each source's last success/error, and the price history.
//!
//! `claim` is one transaction (on PostgreSQL the call row is locked
//! `FOR UPDATE`, so of two instances one waits and then sees the other's
//! lease): the budget row is incremented only while
//! below the budget (`ON CONFLICT … DO UPDATE … WHERE used < ?`), then the
//! call is leased only while pending and not held by a live lease; if either
//! fails the transaction rolls back. `complete` marks the call done (only
//! while this holder holds it) and writes the catalog rows, the history and
//! the follow-up calls together.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use ttokjang_domain::pricesync::feed::FeedError;
use ttokjang_domain::pricesync::ports::{
    CallResult, Claim, LastError, SourceStatus, SyncStateRepository,
};
use ttokjang_domain::pricesync::{format_day, parse_day, Source};
use ttokjang_domain::RepoError;

use crate::dialect::{sql, write_tx, Conn, DbStore, FOR_UPDATE};
use crate::error::Failure;
use crate::shared::catalog::CatalogRows;

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn from_micros(v: i64) -> Result<DateTime<Utc>, Failure> {
    DateTime::from_timestamp_micros(v)
        .ok_or_else(|| Failure::Repo(RepoError::Corrupt("bad timestamp".into())))
}

#[derive(QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = Text)]
    call_key: String,
}

#[derive(QueryableByName)]
struct CallRow {
    #[diesel(sql_type = Bool)]
    done: bool,
    #[diesel(sql_type = Nullable<Text>)]
    holder: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    lease_until: Option<i64>,
}

#[derive(QueryableByName)]
struct UsedRow {
    #[diesel(sql_type = BigInt)]
    used: i64,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct SourceRow {
    #[diesel(sql_type = Nullable<BigInt>)]
    last_success_at: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    last_survey_day: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    last_error_at: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    last_error_call: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    last_error_kind: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    last_error_message: Option<String>,
    #[diesel(sql_type = BigInt)]
    history_rows: i64,
}

fn ensure_source(conn: &mut Conn, source: &str) -> Result<(), Failure> {
    diesel::sql_query(sql(
        "INSERT INTO sync_sources (source) VALUES (?) ON CONFLICT (source) DO NOTHING",
    ))
    .bind::<Text, _>(source)
    .execute(conn)?;
    Ok(())
}

#[async_trait]
impl SyncStateRepository for DbStore {
    async fn enqueue(
        &self,
        source: Source,
        keys: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let keys = keys.to_vec();
        self.run(move |conn| {
            write_tx(conn, |conn| {
                for k in &keys {
                    diesel::sql_query(sql(
                        "INSERT INTO sync_calls (source, call_key, enqueued_at) VALUES (?, ?, ?) \
                         ON CONFLICT (source, call_key) DO NOTHING",
                    ))
                    .bind::<Text, _>(source.as_str())
                    .bind::<Text, _>(k)
                    .bind::<BigInt, _>(micros(now))
                    .execute(conn)?;
                }
                Ok(())
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn pending(&self, source: Source) -> Result<Vec<String>, RepoError> {
        self.run(move |conn| {
            let rows: Vec<KeyRow> = diesel::sql_query(sql(
                "SELECT call_key FROM sync_calls WHERE source = ? AND NOT done ORDER BY call_key",
            ))
            .bind::<Text, _>(source.as_str())
            .load(conn)?;
            Ok(rows.into_iter().map(|r| r.call_key).collect())
        })
        .await
        .map_err(Into::into)
    }

    async fn claim(
        &self,
        source: Source,
        key: &str,
        holder: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        budget_day: NaiveDate,
        budget: u32,
    ) -> Result<Claim, RepoError> {
        let (key, holder) = (key.to_owned(), holder.to_owned());
        self.run(move |conn| {
            write_tx(conn, |conn| {
                let call: Option<CallRow> = diesel::sql_query(sql(&format!(
                    "SELECT done, holder, lease_until FROM sync_calls \
                     WHERE source = ? AND call_key = ?{FOR_UPDATE}"
                )))
                .bind::<Text, _>(source.as_str())
                .bind::<Text, _>(&key)
                .get_result(conn)
                .optional()?;
                let Some(call) = call else {
                    return Err(Failure::Repo(RepoError::Conflict("no such call".into())));
                };
                if call.done {
                    return Ok(Claim::AlreadyDone);
                }
                let live_other = call.holder.as_deref().is_some_and(|h| h != holder)
                    && call.lease_until.is_some_and(|t| t > micros(now));
                if live_other {
                    return Ok(Claim::Held);
                }
                if budget == 0 {
                    return Ok(Claim::BudgetSpent);
                }
                let used: Option<UsedRow> = diesel::sql_query(sql(
                    "INSERT INTO sync_budget (source, day, used) VALUES (?, ?, 1) \
                     ON CONFLICT (source, day) DO UPDATE SET used = sync_budget.used + 1 \
                     WHERE sync_budget.used < ? RETURNING used",
                ))
                .bind::<Text, _>(source.as_str())
                .bind::<Text, _>(format_day(budget_day))
                .bind::<BigInt, _>(i64::from(budget))
                .get_result(conn)
                .optional()?;
                if used.is_none_or(|u| u.used > i64::from(budget)) {
                    return Ok(Claim::BudgetSpent);
                }
                diesel::sql_query(sql("UPDATE sync_calls SET holder = ?, lease_until = ? \
                     WHERE source = ? AND call_key = ?"))
                .bind::<Text, _>(&holder)
                .bind::<BigInt, _>(micros(lease_until))
                .bind::<Text, _>(source.as_str())
                .bind::<Text, _>(&key)
                .execute(conn)?;
                Ok(Claim::Claimed)
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn complete(
        &self,
        source: Source,
        holder: &str,
        result: &CallResult,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let rows = CatalogRows::of(&result.batch);
        let result = result.clone();
        let holder = holder.to_owned();
        self.run(move |conn| {
            write_tx(conn, |conn| {
                let n = diesel::sql_query(sql(
                    "UPDATE sync_calls SET done = TRUE, holder = NULL, lease_until = NULL, \
                     outcome = ?, rows_read = ?, bad_rows = ?, finished_at = ? \
                     WHERE source = ? AND call_key = ? AND NOT done AND holder = ?",
                ))
                .bind::<Text, _>(&result.outcome)
                .bind::<BigInt, _>(i64::from(result.rows))
                .bind::<BigInt, _>(i64::from(result.bad_rows))
                .bind::<BigInt, _>(micros(now))
                .bind::<Text, _>(source.as_str())
                .bind::<Text, _>(&result.key)
                .bind::<Text, _>(&holder)
                .execute(conn)?;
                if n != 1 {
                    return Err(Failure::Repo(RepoError::Conflict(
                        "the call is not held by this holder".into(),
                    )));
                }
                rows.write(conn)?;
                // New rows are counted into `sync_sources.history_rows`, so
                // the status never counts the history (it only grows).
                let mut new_rows: i64 = 0;
                for r in &result.records {
                    let inserted = diesel::sql_query(sql(
                        "INSERT INTO price_history (source, place, product_id, survey_day, \
                         store_id, price_krw, fetched_at, discounted, discount_start, \
                         discount_end, plus_one) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                         ON CONFLICT (source, place, product_id, survey_day) DO NOTHING",
                    ))
                    .bind::<Text, _>(r.source.as_str())
                    .bind::<Text, _>(&r.place)
                    .bind::<Text, _>(r.product_id.as_str())
                    .bind::<Text, _>(format_day(r.survey_day))
                    .bind::<Nullable<Text>, _>(r.store_id.as_ref().map(|s| s.as_str().to_owned()))
                    .bind::<BigInt, _>(r.price.krw())
                    .bind::<BigInt, _>(micros(r.fetched_at))
                    .bind::<Bool, _>(r.discounted)
                    .bind::<Nullable<Text>, _>(r.discount_period.map(|(a, _)| format_day(a)))
                    .bind::<Nullable<Text>, _>(r.discount_period.map(|(_, b)| format_day(b)))
                    .bind::<Bool, _>(r.plus_one)
                    .execute(conn)?;
                    if inserted == 1 {
                        new_rows += 1;
                        continue;
                    }
                    diesel::sql_query(sql(
                        "UPDATE price_history SET store_id = ?, price_krw = ?, fetched_at = ?, \
                         discounted = ?, discount_start = ?, discount_end = ?, plus_one = ? \
                         WHERE source = ? AND place = ? AND product_id = ? AND survey_day = ?",
                    ))
                    .bind::<Nullable<Text>, _>(r.store_id.as_ref().map(|s| s.as_str().to_owned()))
                    .bind::<BigInt, _>(r.price.krw())
                    .bind::<BigInt, _>(micros(r.fetched_at))
                    .bind::<Bool, _>(r.discounted)
                    .bind::<Nullable<Text>, _>(r.discount_period.map(|(a, _)| format_day(a)))
                    .bind::<Nullable<Text>, _>(r.discount_period.map(|(_, b)| format_day(b)))
                    .bind::<Bool, _>(r.plus_one)
                    .bind::<Text, _>(r.source.as_str())
                    .bind::<Text, _>(&r.place)
                    .bind::<Text, _>(r.product_id.as_str())
                    .bind::<Text, _>(format_day(r.survey_day))
                    .execute(conn)?;
                }
                for k in &result.follow_ups {
                    diesel::sql_query(sql(
                        "INSERT INTO sync_calls (source, call_key, enqueued_at) VALUES (?, ?, ?) \
                         ON CONFLICT (source, call_key) DO NOTHING",
                    ))
                    .bind::<Text, _>(source.as_str())
                    .bind::<Text, _>(k)
                    .bind::<BigInt, _>(micros(now))
                    .execute(conn)?;
                }
                ensure_source(conn, source.as_str())?;
                let survey = result.records.iter().map(|r| r.survey_day).max();
                diesel::sql_query(sql("UPDATE sync_sources SET last_success_at = ?, \
                     history_rows = history_rows + ?, last_survey_day = CASE WHEN ? IS NULL THEN last_survey_day \
                       WHEN last_survey_day IS NULL OR last_survey_day < ? THEN ? \
                       ELSE last_survey_day END \
                     WHERE source = ?"))
                .bind::<BigInt, _>(micros(now))
                .bind::<BigInt, _>(new_rows)
                .bind::<Nullable<Text>, _>(survey.map(format_day))
                .bind::<Nullable<Text>, _>(survey.map(format_day))
                .bind::<Nullable<Text>, _>(survey.map(format_day))
                .bind::<Text, _>(source.as_str())
                .execute(conn)?;
                Ok(())
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn fail(
        &self,
        source: Source,
        key: &str,
        holder: &str,
        error: &FeedError,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let (key, holder) = (key.to_owned(), holder.to_owned());
        let (kind, message, is_final) = (error.kind(), error.to_string(), error.is_final());
        self.run(move |conn| {
            write_tx(conn, |conn| {
                diesel::sql_query(sql(
                    "UPDATE sync_calls SET holder = NULL, lease_until = NULL, done = ?, \
                     outcome = ?, finished_at = ? \
                     WHERE source = ? AND call_key = ? AND NOT done AND holder = ?",
                ))
                .bind::<Bool, _>(is_final)
                .bind::<Text, _>(kind)
                .bind::<BigInt, _>(micros(now))
                .bind::<Text, _>(source.as_str())
                .bind::<Text, _>(&key)
                .bind::<Text, _>(&holder)
                .execute(conn)?;
                ensure_source(conn, source.as_str())?;
                diesel::sql_query(sql(
                    "UPDATE sync_sources SET last_error_at = ?, last_error_call = ?, \
                     last_error_kind = ?, last_error_message = ? WHERE source = ?",
                ))
                .bind::<BigInt, _>(micros(now))
                .bind::<Text, _>(&key)
                .bind::<Text, _>(kind)
                .bind::<Text, _>(&message)
                .bind::<Text, _>(source.as_str())
                .execute(conn)?;
                Ok(())
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn calls_on(&self, source: Source, day: NaiveDate) -> Result<u32, RepoError> {
        self.run(move |conn| {
            let used: Option<UsedRow> = diesel::sql_query(sql(
                "SELECT used FROM sync_budget WHERE source = ? AND day = ?",
            ))
            .bind::<Text, _>(source.as_str())
            .bind::<Text, _>(format_day(day))
            .get_result(conn)
            .optional()?;
            Ok(used.map_or(0, |u| u32::try_from(u.used).unwrap_or(u32::MAX)))
        })
        .await
        .map_err(Into::into)
    }

    async fn status(&self, source: Source) -> Result<SourceStatus, RepoError> {
        self.run(move |conn| {
            let count = |conn: &mut Conn, sql: &str| -> Result<u64, Failure> {
                let r: CountRow = diesel::sql_query(crate::dialect::sql(sql))
                    .bind::<Text, _>(source.as_str())
                    .get_result(conn)?;
                Ok(u64::try_from(r.n).unwrap_or(0))
            };
            let calls_done = count(
                conn,
                "SELECT COUNT(*) AS n FROM sync_calls WHERE source = ? AND done",
            )?;
            let calls_pending = count(
                conn,
                "SELECT COUNT(*) AS n FROM sync_calls WHERE source = ? AND NOT done",
            )?;
            let s: Option<SourceRow> = diesel::sql_query(sql(
                "SELECT last_success_at, last_survey_day, last_error_at, last_error_call, \
                 last_error_kind, last_error_message, history_rows FROM sync_sources \
                 WHERE source = ?",
            ))
            .bind::<Text, _>(source.as_str())
            .get_result(conn)
            .optional()?;
            let mut status = SourceStatus {
                calls_done,
                calls_pending,
                ..SourceStatus::default()
            };
            if let Some(s) = s {
                status.rows = u64::try_from(s.history_rows).unwrap_or(0);
                status.last_success_at = s.last_success_at.map(from_micros).transpose()?;
                status.last_survey_day = s.last_survey_day.as_deref().and_then(parse_day);
                if let (Some(at), Some(call), Some(kind), Some(message)) = (
                    s.last_error_at,
                    s.last_error_call,
                    s.last_error_kind,
                    s.last_error_message,
                ) {
                    status.last_error = Some(LastError {
                        at: from_micros(at)?,
                        call,
                        kind,
                        message,
                    });
                }
            }
            Ok(status)
        })
        .await
        .map_err(Into::into)
    }
}
