//! Test helpers shared by the port contract suite (`contract/`) and the HTTP
//! tests (`api/`): throwaway stores on both backends and a clock tests can move.
//!
//! PostgreSQL tests use a fresh database per test on the server named by
//! `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//! Without a server they are skipped locally, but fail when `CI=true`.

pub mod catalog_fixture;
pub mod feed_fake;
pub mod http;
pub mod runner;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use ttokjang_domain::ports::Clock;
use ttokjang_postgres::PgStore;
use ttokjang_sqlite::SqliteStore;
use uuid::Uuid;

/// A folder under the system temp dir, removed with everything in it on drop.
#[derive(Debug)]
pub struct TempDirGuard {
    path: PathBuf,
}

impl TempDirGuard {
    /// Creates a new, uniquely named folder.
    ///
    /// # Panics
    /// When the folder cannot be created: a test cannot go on without it.
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(format!("ttokjang-test-{}", Uuid::new_v4().simple()));
        if let Err(e) = std::fs::create_dir_all(&path) {
            panic!("cannot create temp dir {}: {e}", path.display());
        }
        Self { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Default for TempDirGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TempDirGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A migrated SQLite store on a file in its own temp dir (gone when the guard drops).
///
/// # Panics
/// When the store cannot be opened.
pub fn sqlite_store() -> (Arc<SqliteStore>, TempDirGuard) {
    let dir = TempDirGuard::new();
    let path = dir.path().join("nested").join("ttokjang.db");
    let url = format!("sqlite://{}", path.display());
    match SqliteStore::open(&url) {
        Ok(store) => (Arc::new(store), dir),
        Err(e) => panic!("cannot open sqlite store: {e}"),
    }
}

/// The admin URL of the test PostgreSQL server.
pub fn postgres_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// `url` with its database name replaced by `name` (the query string is kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

fn database_name(url: &str) -> Option<String> {
    let base = url.split('?').next().unwrap_or(url);
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let rest = &base[after_scheme..];
    rest.find('/').map(|i| rest[i + 1..].to_owned())
}

fn admin_connection() -> Option<PgConnection> {
    match PgConnection::establish(&postgres_url()) {
        Ok(conn) => Some(conn),
        Err(e) if in_ci() => panic!(
            "PostgreSQL is required in CI but does not answer at TEST_DATABASE_URL \
             (run scripts/dev/ensure-postgres.sh first): {e}"
        ),
        Err(e) => {
            eprintln!("PostgreSQL not reachable, skipping its tests: {e}");
            None
        }
    }
}

/// Creates a fresh, uniquely named database and returns its URL; `None` when no
/// server answers outside CI.
///
/// # Panics
/// When `CI=true` and no server answers (a missing PostgreSQL is a failure in
/// CI, never a skip), or when the server answers but refuses `CREATE DATABASE`.
pub fn fresh_pg_database() -> Option<String> {
    let mut conn = admin_connection()?;
    let name = format!("ttokjang_t_{}", Uuid::new_v4().simple());
    if let Err(e) = diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn) {
        panic!("cannot create test database: {e}");
    }
    Some(with_database(&postgres_url(), &name))
}

/// Drops a database made by [`fresh_pg_database`], even if connections remain.
pub fn drop_pg_database(url: &str) {
    let Some(name) = database_name(url) else {
        return;
    };
    // Only ever drop what fresh_pg_database made.
    if !name.starts_with("ttokjang_t_")
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return;
    }
    if let Ok(mut conn) = PgConnection::establish(&postgres_url()) {
        if let Err(e) = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
        {
            eprintln!("could not drop test database {name}: {e}");
        }
    }
}

/// Drops its database when dropped.
#[derive(Debug)]
pub struct PgDatabaseGuard {
    url: String,
}

impl PgDatabaseGuard {
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for PgDatabaseGuard {
    fn drop(&mut self) {
        drop_pg_database(&self.url);
    }
}

/// A migrated PostgreSQL store on a fresh database; `None` when no server
/// answers outside CI (see [`fresh_pg_database`]).
///
/// # Panics
/// When the store cannot be opened on a database just created.
pub fn pg_store() -> Option<(Arc<PgStore>, PgDatabaseGuard)> {
    let url = fresh_pg_database()?;
    let guard = PgDatabaseGuard { url };
    match PgStore::open(guard.url()) {
        Ok(store) => Some((Arc::new(store), guard)),
        Err(e) => panic!("cannot open postgres store: {e}"),
    }
}

/// A clock that stands still until a test moves it.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<DateTime<Utc>>,
}

impl FixedClock {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(now),
        }
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A fixed instant with a sub-second part, for tests that want stable times.
pub fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 123_456_000).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_in_url_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
        assert_eq!(
            database_name("postgres://h/ttokjang_t_1?a=b").as_deref(),
            Some("ttokjang_t_1")
        );
    }
}
