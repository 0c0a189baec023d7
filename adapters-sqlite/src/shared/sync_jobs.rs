//! The price sync's scheduled jobs (`SyncJobRepository`): one row per
//! source. `claim_job` is one conditional `UPDATE` (PostgreSQL re-checks its
//! `WHERE` on the row another transaction just changed, SQLite writes one at a
//! time), so of two instances polling together exactly one gets the run.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use ttokjang_domain::pricesync::ports::SyncJobRepository;
use ttokjang_domain::pricesync::schedule::JobState;
use ttokjang_domain::pricesync::Source;
use ttokjang_domain::RepoError;

use crate::dialect::{sql, write_tx, DbStore};
use crate::error::Failure;

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn instant(v: Option<i64>) -> Result<Option<DateTime<Utc>>, Failure> {
    v.map(|v| {
        DateTime::from_timestamp_micros(v)
            .ok_or_else(|| Failure::Repo(RepoError::Corrupt("bad timestamp".into())))
    })
    .transpose()
}

#[derive(QueryableByName)]
struct JobRow {
    #[diesel(sql_type = Nullable<BigInt>)]
    last_slot: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    retry_at: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    holder: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    lease_until: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    last_run_at: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    last_outcome: Option<String>,
}

#[async_trait]
impl SyncJobRepository for DbStore {
    async fn claim_job(
        &self,
        source: Source,
        slot: DateTime<Utc>,
        holder: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let holder = holder.to_owned();
        self.run(move |conn| {
            write_tx(conn, |conn| {
                diesel::sql_query(sql(
                    "INSERT INTO sync_jobs (source) VALUES (?) ON CONFLICT (source) DO NOTHING",
                ))
                .bind::<Text, _>(source.as_str())
                .execute(conn)?;
                let n = diesel::sql_query(sql(
                    "UPDATE sync_jobs SET holder = ?, lease_until = ? WHERE source = ? \
                     AND (last_slot IS NULL OR last_slot < ? \
                          OR (retry_at IS NOT NULL AND retry_at <= ?)) \
                     AND (holder IS NULL OR holder = ? OR lease_until IS NULL \
                          OR lease_until <= ?)",
                ))
                .bind::<Text, _>(&holder)
                .bind::<BigInt, _>(micros(lease_until))
                .bind::<Text, _>(source.as_str())
                .bind::<BigInt, _>(micros(slot))
                .bind::<BigInt, _>(micros(now))
                .bind::<Text, _>(&holder)
                .bind::<BigInt, _>(micros(now))
                .execute(conn)?;
                Ok(n == 1)
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn finish_job(
        &self,
        source: Source,
        holder: &str,
        slot: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
        outcome: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let (holder, outcome) = (holder.to_owned(), outcome.to_owned());
        self.run(move |conn| {
            let n = diesel::sql_query(sql(
                "UPDATE sync_jobs SET holder = NULL, lease_until = NULL, last_slot = ?, \
                 retry_at = ?, last_run_at = ?, last_outcome = ? \
                 WHERE source = ? AND holder = ?",
            ))
            .bind::<BigInt, _>(micros(slot))
            .bind::<Nullable<BigInt>, _>(retry_at.map(micros))
            .bind::<BigInt, _>(micros(now))
            .bind::<Text, _>(&outcome)
            .bind::<Text, _>(source.as_str())
            .bind::<Text, _>(&holder)
            .execute(conn)?;
            Ok(n == 1)
        })
        .await
        .map_err(Into::into)
    }

    async fn job(&self, source: Source) -> Result<Option<JobState>, RepoError> {
        self.run(move |conn| {
            let row: Option<JobRow> = diesel::sql_query(sql(
                "SELECT last_slot, retry_at, holder, lease_until, last_run_at, last_outcome \
                 FROM sync_jobs WHERE source = ?",
            ))
            .bind::<Text, _>(source.as_str())
            .get_result(conn)
            .optional()?;
            row.map(|r| {
                Ok(JobState {
                    last_slot: instant(r.last_slot)?,
                    retry_at: instant(r.retry_at)?,
                    holder: r.holder,
                    lease_until: instant(r.lease_until)?,
                    last_run_at: instant(r.last_run_at)?,
                    last_outcome: r.last_outcome,
                })
            })
            .transpose()
        })
        .await
        .map_err(Into::into)
    }
}
