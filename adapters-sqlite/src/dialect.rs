//! What SQLite does its own way, for the query code in `shared/` (compiled
//! once per backend): how ids and instants are stored, which transaction a
//! write takes and how rows are locked. Ids are hyphenated UUID text and
//! instants microseconds since the Unix epoch; a write takes the database's
//! write lock up front (`BEGIN IMMEDIATE`), so no row lock is ever needed.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::error::{corrupt, Failure};
use crate::shared::reservations::{ReservationRow, RunRow};

/// Named only by the rows' `check_for_backend` attributes.
#[allow(dead_code)]
pub(crate) type Db = diesel::sqlite::Sqlite;
pub(crate) type Conn = diesel::SqliteConnection;
pub(crate) type DbStore = crate::store::SqliteStore;
/// How an id column is held in Rust.
pub(crate) type Id = String;
/// How an instant column is held in Rust.
pub(crate) type Instant = i64;

/// The backend's name, as `StoreHealth::backend` and the logs give it.
pub(crate) const NAME: &str = "sqlite";

pub(crate) fn to_db_id(u: Uuid) -> Id {
    u.hyphenated().to_string()
}

pub(crate) fn from_db_id(column: &str, v: &Id) -> Result<Uuid, RepoError> {
    Uuid::parse_str(v).map_err(|_| corrupt(column))
}

/// Finer parts than a microsecond are cut.
pub(crate) fn to_db_time(t: DateTime<Utc>) -> Instant {
    t.timestamp_micros()
}

pub(crate) fn from_db_time(column: &str, v: Instant) -> Result<DateTime<Utc>, RepoError> {
    DateTime::from_timestamp_micros(v).ok_or_else(|| corrupt(column))
}

/// A read-write transaction that holds SQLite's write lock from its start
/// (`BEGIN IMMEDIATE`): of any number of writers one at a time reads and
/// then writes, so a check inside it cannot go stale.
pub(crate) fn write_tx<T>(
    conn: &mut Conn,
    f: impl FnOnce(&mut Conn) -> Result<T, Failure>,
) -> Result<T, Failure> {
    conn.immediate_transaction(f)
}

/// A read that sees one version of several tables (SQLite's deferred
/// transaction reads one snapshot).
pub(crate) fn read_tx<T>(
    conn: &mut Conn,
    f: impl FnOnce(&mut Conn) -> Result<T, Failure>,
) -> Result<T, Failure> {
    conn.transaction(f)
}

/// Serialises one user's writes. `write_tx` already holds the write lock.
pub(crate) fn lock_user(_conn: &mut Conn, _user: &Id) -> Result<(), Failure> {
    Ok(())
}

/// A row lock for the rest of the transaction: none needed under `write_tx`.
macro_rules! locked {
    ($query:expr) => {
        $query
    };
}
pub(crate) use locked;

/// Runs `$body` with each row of `$rows` as `$batch`: diesel cannot batch an
/// upsert on SQLite, and one statement per row inside one `BEGIN IMMEDIATE`
/// transaction is cheap (no fsync per row).
macro_rules! in_batches {
    ($rows:expr, |$batch:ident| $body:block) => {
        for $batch in $rows.iter() $body
    };
}
pub(crate) use in_batches;

/// Step 1 of a claim: queued runs and runs whose lease expired, oldest
/// first, with their reservation. `BEGIN IMMEDIATE` around the claim makes
/// the read and the updates that follow one unit.
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
    Ok(reservation_runs::table
        .inner_join(reservations::table)
        .filter(claimable)
        .order(r::scheduled_for.asc())
        .limit(limit)
        .select((RunRow::as_select(), ReservationRow::as_select()))
        .load(conn)?)
}

/// Step 2 of a claim: active reservations due by `now`, earliest first.
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
        .load(conn)?)
}
