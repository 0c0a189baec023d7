//! `IdempotencyRepository`. A claim is `INSERT … ON CONFLICT DO NOTHING`,
//! then a conditional take-over of a stale claim, then a look, in one write
//! transaction: under SQLite's `BEGIN IMMEDIATE` the insert-or-inspect of one
//! key is serial; on PostgreSQL a concurrent insert of the same key waits for
//! the first to commit.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use ttokjang_domain::payment::idempotency::{Claim, IdempotencyKey, RequestHash, StoredResponse};
use ttokjang_domain::ports::IdempotencyRepository;
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;

use crate::dialect::{to_db_id, to_db_time, write_tx, Conn, DbStore, Id, Instant};
use crate::error::Failure;
use crate::schema::idempotency_keys;

#[derive(Debug, Insertable)]
#[diesel(table_name = idempotency_keys, check_for_backend(crate::dialect::Db))]
struct NewKey {
    user_id: Id,
    idem_key: String,
    request_hash: String,
    locked_at: Instant,
    created_at: Instant,
}

type Found = (String, Option<i32>, Option<String>);

fn claim_in(conn: &mut Conn, row: &NewKey, stale: Instant) -> Result<Claim, Failure> {
    use idempotency_keys as k;
    let inserted = diesel::insert_into(k::table)
        .values(row)
        .on_conflict((k::user_id, k::idem_key))
        .do_nothing()
        .execute(conn)?;
    if inserted == 1 {
        return Ok(Claim::New);
    }
    // A claim nobody answered within the lock timeout: its runner died.
    let taken = diesel::update(
        k::table
            .filter(k::user_id.eq(&row.user_id))
            .filter(k::idem_key.eq(&row.idem_key))
            .filter(k::request_hash.eq(&row.request_hash))
            .filter(k::response_status.is_null())
            .filter(k::locked_at.lt(stale)),
    )
    .set(k::locked_at.eq(row.locked_at))
    .execute(conn)?;
    if taken == 1 {
        return Ok(Claim::New);
    }
    let found: Option<Found> = k::table
        .filter(k::user_id.eq(&row.user_id))
        .filter(k::idem_key.eq(&row.idem_key))
        .select((k::request_hash, k::response_status, k::response_body))
        .get_result(conn)
        .optional()?;
    Ok(match found {
        None => Claim::InProgress,
        Some((hash, _, _)) if hash != row.request_hash => Claim::Mismatch,
        Some((_, Some(status), body)) => Claim::Replay(StoredResponse {
            status: u16::try_from(status)
                .map_err(|_| RepoError::Corrupt("idempotency_keys.response_status".into()))?,
            body: body.unwrap_or_default(),
        }),
        Some(_) => Claim::InProgress,
    })
}

#[async_trait]
impl IdempotencyRepository for DbStore {
    async fn claim(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        request: &RequestHash,
        now: DateTime<Utc>,
        lock_timeout: Duration,
    ) -> Result<Claim, RepoError> {
        let row = NewKey {
            user_id: to_db_id(user.0),
            idem_key: key.as_str().to_owned(),
            request_hash: request.0.clone(),
            locked_at: to_db_time(now),
            created_at: to_db_time(now),
        };
        let stale = to_db_time(now - lock_timeout);
        self.run(move |conn| write_tx(conn, |conn| claim_in(conn, &row, stale)))
            .await
            .map_err(Into::into)
    }

    async fn finish(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        response: &StoredResponse,
    ) -> Result<(), RepoError> {
        use idempotency_keys as k;
        let (uid, key) = (to_db_id(user.0), key.as_str().to_owned());
        let (status, body) = (i32::from(response.status), response.body.clone());
        self.run(move |conn| {
            diesel::update(
                k::table
                    .filter(k::user_id.eq(uid))
                    .filter(k::idem_key.eq(key))
                    .filter(k::response_status.is_null()),
            )
            .set((k::response_status.eq(status), k::response_body.eq(body)))
            .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(Into::into)
    }

    async fn release(&self, user: UserId, key: &IdempotencyKey) -> Result<(), RepoError> {
        use idempotency_keys as k;
        let (uid, key) = (to_db_id(user.0), key.as_str().to_owned());
        self.run(move |conn| {
            diesel::delete(
                k::table
                    .filter(k::user_id.eq(uid))
                    .filter(k::idem_key.eq(key))
                    .filter(k::response_status.is_null()),
            )
            .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(Into::into)
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        use idempotency_keys as k;
        let before = to_db_time(before);
        let n = self
            .run(move |conn| {
                Ok(diesel::delete(k::table.filter(k::created_at.lt(before))).execute(conn)?)
            })
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
