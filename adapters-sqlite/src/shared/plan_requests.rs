//! `PlanRequestRepository`.
//!
//! Answers are stored compactly: the answer's JSON deflated (raw DEFLATE,
//! RFC 1951, `flate2`) in `payload_deflate`, `payload` left empty. That is
//! generic — whatever fields the answer gains round-trip byte for byte — and
//! takes a ≈ 13 KB answer to ≈ 2 KB (docs/PERFORMANCE.md). Rows written before
//! the migration keep their JSON in `payload` and are read as they are.

use std::io::{Read as _, Write as _};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::planner::{PlanMode, StoredPlanRequest};
use ttokjang_domain::ports::PlanRequestRepository;
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::dialect::{
    from_db_id, from_db_time, to_db_id, to_db_time, write_tx, DbStore, Id, Instant,
};
use crate::schema::{notifications, orders, plan_requests, reservation_runs};

/// Expired requests looked at per pruning transaction (short write locks).
const PRUNE_BATCH: i64 = 1_000;

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = plan_requests, check_for_backend(crate::dialect::Db))]
struct PlanRequestRow {
    id: Id,
    user_id: Id,
    mode: String,
    payload: String,
    created_at: Instant,
    expires_at: Instant,
    payload_deflate: Option<Vec<u8>>,
}

/// The answer's JSON, deflated.
fn deflate(json: &str) -> Result<Vec<u8>, RepoError> {
    let mut z = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(json.len() / 4),
        flate2::Compression::default(),
    );
    z.write_all(json.as_bytes())
        .and_then(|()| z.finish())
        .map_err(|e| RepoError::Unavailable(format!("compressing a plan answer: {e}")))
}

fn inflate(bytes: &[u8]) -> Result<String, RepoError> {
    let mut json = String::with_capacity(bytes.len() * 8);
    flate2::read::DeflateDecoder::new(bytes)
        .read_to_string(&mut json)
        .map_err(|_| corrupt("payload_deflate"))?;
    Ok(json)
}

fn corrupt(column: &str) -> RepoError {
    RepoError::Corrupt(format!("plan_requests.{column} is not valid"))
}

impl PlanRequestRow {
    fn from_domain(r: &StoredPlanRequest) -> Result<Self, RepoError> {
        Ok(Self {
            id: to_db_id(r.id),
            user_id: to_db_id(r.user_id.0),
            mode: r.mode.as_str().to_owned(),
            payload: String::new(),
            created_at: to_db_time(r.created_at),
            expires_at: to_db_time(r.expires_at),
            payload_deflate: Some(deflate(&r.payload)?),
        })
    }

    fn into_domain(self) -> Result<StoredPlanRequest, RepoError> {
        Ok(StoredPlanRequest {
            id: from_db_id("plan_requests.id", &self.id)?,
            user_id: UserId(from_db_id("plan_requests.user_id", &self.user_id)?),
            mode: PlanMode::parse(&self.mode).ok_or_else(|| corrupt("mode"))?,
            payload: match self.payload_deflate {
                Some(bytes) => inflate(&bytes)?,
                None => self.payload,
            },
            created_at: from_db_time("plan_requests.created_at", self.created_at)?,
            expires_at: from_db_time("plan_requests.expires_at", self.expires_at)?,
        })
    }
}

#[async_trait]
impl PlanRequestRepository for DbStore {
    async fn save(&self, request: &StoredPlanRequest) -> Result<(), RepoError> {
        let row = PlanRequestRow::from_domain(request)?;
        self.run(move |conn| {
            diesel::insert_into(plan_requests::table)
                .values(&row)
                .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(Into::into)
    }

    async fn find(&self, user: UserId, id: Uuid) -> Result<Option<StoredPlanRequest>, RepoError> {
        let (user, id) = (to_db_id(user.0), to_db_id(id));
        let row = self
            .run(move |conn| {
                Ok(plan_requests::table
                    .filter(plan_requests::id.eq(id))
                    .filter(plan_requests::user_id.eq(user))
                    .select(PlanRequestRow::as_select())
                    .get_result(conn)
                    .optional()?)
            })
            .await?;
        row.map(PlanRequestRow::into_domain).transpose()
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        let before = to_db_time(before);
        let mut pruned = 0u64;
        let mut after: Option<Id> = None;
        // In batches, each its own short transaction: select expired ids
        // after the cursor, keep those an order, a reservation run or a
        // notification names, delete the rest.
        loop {
            let cursor = after.clone();
            let (deleted, last) = self
                .run(move |conn| write_tx(conn, |conn| prune_batch(conn, before, cursor)))
                .await?;
            pruned += deleted;
            match last {
                Some(last) => after = Some(last),
                None => return Ok(pruned),
            }
        }
    }
}

/// One batch of [`PlanRequestRepository::prune`]: how many were deleted and
/// the last id looked at (`None`: nothing was left to look at).
fn prune_batch(
    conn: &mut crate::dialect::Conn,
    before: Instant,
    after: Option<Id>,
) -> Result<(u64, Option<Id>), crate::error::Failure> {
    let mut q = plan_requests::table
        .filter(plan_requests::expires_at.lt(before))
        .order(plan_requests::id)
        .limit(PRUNE_BATCH)
        .select(plan_requests::id)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(plan_requests::id.gt(after));
    }
    let expired: Vec<Id> = q.load(conn)?;
    let Some(last) = expired.last().cloned() else {
        return Ok((0, None));
    };
    // References are the hyphenated text of the id on both backends.
    let mut names = Vec::with_capacity(expired.len());
    for id in &expired {
        names.push(from_db_id("plan_requests.id", id)?.to_string());
    }
    let mut kept: std::collections::HashSet<String> = orders::table
        .filter(orders::plan_request_id.eq_any(&names))
        .select(orders::plan_request_id.assume_not_null())
        .load::<String>(conn)?
        .into_iter()
        .collect();
    kept.extend(
        reservation_runs::table
            .filter(reservation_runs::plan_request_id.eq_any(&names))
            .select(reservation_runs::plan_request_id.assume_not_null())
            .load::<String>(conn)?,
    );
    kept.extend(
        notifications::table
            .filter(notifications::plan_request_id.eq_any(&names))
            .select(notifications::plan_request_id.assume_not_null())
            .load::<String>(conn)?,
    );
    let doomed: Vec<Id> = expired
        .into_iter()
        .zip(names)
        .filter(|(_, name)| !kept.contains(name))
        .map(|(id, _)| id)
        .collect();
    let n = diesel::delete(plan_requests::table.filter(plan_requests::id.eq_any(doomed)))
        .execute(conn)?;
    Ok((u64::try_from(n).unwrap_or(0), Some(last)))
}
