//! What PostgreSQL does its own way, for the query code in `shared/`
//! (compiled once per backend): ids are native `uuid` and instants
//! `timestamptz`; writes run in ordinary (READ COMMITTED) transactions and
//! take row locks (`FOR UPDATE`) where a check must not go stale; claimers
//! skip the rows another scheduler holds (`FOR UPDATE SKIP LOCKED`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::error::Failure;
use crate::shared::reservations::{ReservationRow, RunRow};

/// Named only by the rows' `check_for_backend` attributes.
#[allow(dead_code)]
pub(crate) type Db = diesel::pg::Pg;
pub(crate) type Conn = diesel::PgConnection;
pub(crate) type DbStore = crate::store::PgStore;
/// How an id column is held in Rust.
pub(crate) type Id = Uuid;
/// How an instant column is held in Rust.
pub(crate) type Instant = DateTime<Utc>;

/// The backend's name, as `StoreHealth::backend` and the logs give it.
pub(crate) const NAME: &str = "postgres";

pub(crate) fn to_db_id(u: Uuid) -> Id {
    u
}

pub(crate) fn from_db_id(_column: &str, v: &Id) -> Result<Uuid, RepoError> {
    Ok(*v)
}

/// PostgreSQL keeps microseconds; anything finer is cut here so that what a
/// write returns equals what a later read gives.
pub(crate) fn to_db_time(t: DateTime<Utc>) -> Instant {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

pub(crate) fn from_db_time(_column: &str, v: Instant) -> Result<DateTime<Utc>, RepoError> {
    Ok(v)
}

/// A read-write transaction; what must not change under it is locked with
/// [`locked!`] or [`lock_user`].
pub(crate) fn write_tx<T>(
    conn: &mut Conn,
    f: impl FnOnce(&mut Conn) -> Result<T, Failure>,
) -> Result<T, Failure> {
    conn.transaction(f)
}

/// A read that sees one version of several tables: one snapshot (READ
/// COMMITTED would give each query its own).
pub(crate) fn read_tx<T>(
    conn: &mut Conn,
    f: impl FnOnce(&mut Conn) -> Result<T, Failure>,
) -> Result<T, Failure> {
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(f)
}

/// Serialises one user's writes (sequence numbers, counts, budgets) on the
/// user's row until the transaction ends.
pub(crate) fn lock_user(conn: &mut Conn, user: &Id) -> Result<(), Failure> {
    use crate::schema::users;
    users::table
        .find(user)
        .select(users::id)
        .for_update()
        .get_result::<Id>(conn)
        .optional()?;
    Ok(())
}

/// Locks the rows `$query` reads until the transaction ends.
macro_rules! locked {
    ($query:expr) => {
        $query.for_update()
    };
}
pub(crate) use locked;

/// Rows per multi-row INSERT (13 columns × 500 stays far below the 65,535
/// bound-parameter limit).
pub(crate) const CHUNK: usize = 500;

/// Runs `$body` with each slice of up to [`CHUNK`] rows of `$rows` as `$batch`.
macro_rules! in_batches {
    ($rows:expr, |$batch:ident| $body:block) => {
        for $batch in $rows.chunks($crate::dialect::CHUNK) $body
    };
}
pub(crate) use in_batches;

/// Step 1 of a claim: queued runs and runs whose lease expired, oldest
/// first, with their reservation. The runs are locked and rows another
/// claimer holds are skipped, so concurrent schedulers split the set.
pub(crate) fn claimable_runs(
    conn: &mut Conn,
    now: Instant,
    limit: i64,
) -> Result<Vec<(RunRow, ReservationRow)>, Failure> {
    use crate::schema::{reservation_runs, reservations};
    use reservation_runs::dsl as r;
    let claimable = r::status
        .eq("queued")
        .or(r::status.eq("running").and(r::lease_expires_at.le(now)));
    let runs: Vec<RunRow> = reservation_runs::table
        .filter(claimable)
        .order(r::scheduled_for.asc())
        .limit(limit)
        .select(RunRow::as_select())
        .for_update()
        .skip_locked()
        .load(conn)?;
    let mut rows = Vec::with_capacity(runs.len());
    for run in runs {
        let reservation = reservations::table
            .find(run.reservation_id)
            .select(ReservationRow::as_select())
            .first(conn)?;
        rows.push((run, reservation));
    }
    Ok(rows)
}

/// Step 2 of a claim: active reservations due by `now`, earliest first,
/// locked, skipping those another claimer holds.
pub(crate) fn due_reservations(
    conn: &mut Conn,
    now: Instant,
    limit: i64,
) -> Result<Vec<ReservationRow>, Failure> {
    use crate::schema::reservations::dsl as s;
    Ok(crate::schema::reservations::table
        .filter(s::status.eq("active"))
        .filter(s::next_run_at.le(now))
        .order(s::next_run_at.asc())
        .limit(limit)
        .select(ReservationRow::as_select())
        .for_update()
        .skip_locked()
        .load(conn)?)
}
