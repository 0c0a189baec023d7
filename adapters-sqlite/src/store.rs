//! The store: opening, connection set-up and the blocking-pool helper.
//!
//! Look-ups by a unique key in this crate use `get_result`, not diesel's
//! `first()`: `first()` adds `LIMIT ?`, and SQLite (3.50) plans a bound LIMIT
//! with its value, so such a statement is compiled again every time it runs.
//! `first()` stays where the limit matters.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use tokio::sync::Semaphore;
use ttokjang_domain::RepoError;

use crate::error::{unavailable, Failure};

pub(crate) const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub(crate) type SqlitePool = Pool<ConnectionManager<SqliteConnection>>;

/// How long a storage call waits for a free connection before 503.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);

const POOL_SIZE: u32 = 8;

/// Ttokjang's storage on one SQLite file. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
    /// One permit per pooled connection: a storage call waits here (a
    /// future, no thread) until a connection is free, so the blocking pool
    /// never holds more threads than connections, all parked on the pool.
    permits: Arc<Semaphore>,
    /// Keeps the background checkpointer running while any clone lives.
    _checkpointer: Arc<Checkpointer>,
}

/// How often the background thread checkpoints the WAL.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// A thread that copies the WAL into the database file every
/// [`CHECKPOINT_EVERY`] with `PRAGMA wal_checkpoint(PASSIVE)` (it never waits
/// for readers or writers). Without it SQLite checkpoints inside whichever
/// commit pushes the WAL past 1,000 pages, fsync included, so one request in
/// a few hundred pays for all; SQLite's automatic checkpoint stays on as the
/// safety net. The thread ends (and is joined) when the last clone of the
/// store is dropped: its channel disconnects.
struct Checkpointer {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    fn start(mut conn: SqliteConnection) -> Result<Self, RepoError> {
        // Never waits for a lock: a busy round is skipped, not queued.
        conn.batch_execute("PRAGMA busy_timeout = 0;")
            .map_err(|_| unavailable("cannot set sqlite pragmas"))?;
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                let mut failing = false;
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(CHECKPOINT_EVERY)
                {
                    match conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE);") {
                        Ok(()) => failing = false,
                        // Once per run of failures, then quiet.
                        Err(e) if !failing => {
                            failing = true;
                            tracing::warn!(error = %e, "background wal checkpoint failed");
                        }
                        Err(_) => {}
                    }
                }
            })
            .map_err(|_| unavailable("cannot start the wal checkpointer"))?;
        Ok(Self {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // Wakes at once (the channel is gone); at most one short
            // checkpoint is still running.
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("connections", &self.pool.state().connections)
            .finish()
    }
}

/// Per-connection settings: SQLite forgets them when a connection closes.
#[derive(Debug)]
struct Pragmas;

const PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                       PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(PRAGMAS)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Accepts a plain path, `sqlite://path`, `sqlite:path` or `file:path`.
fn path_of(url: &str) -> &str {
    ["sqlite://", "sqlite:", "file:"]
        .iter()
        .find_map(|p| url.strip_prefix(p))
        .unwrap_or(url)
}

/// Creates the database file readable and writable by its owner only (0600)
/// when it does not exist yet: it holds password hashes and sessions. SQLite
/// gives the `-wal` and `-shm` files it creates the database file's mode. An
/// existing file keeps the mode it has.
#[cfg(unix)]
fn create_private(path: &Path) -> Result<(), RepoError> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(_) => Err(unavailable("cannot create the sqlite file")),
    }
}

#[cfg(not(unix))]
fn create_private(_path: &Path) -> Result<(), RepoError> {
    Ok(())
}

impl SqliteStore {
    /// Opens (creating the file and parent dirs if missing) and runs pending
    /// embedded migrations.
    pub fn open(url: &str) -> Result<Self, RepoError> {
        let path = path_of(url.trim());
        if path.is_empty() {
            return Err(unavailable("sqlite path is empty"));
        }
        if let Some(parent) = Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .map_err(|_| unavailable("cannot create the sqlite file's folder"))?;
            }
        }

        create_private(Path::new(path))?;

        // One connection first: switch to WAL and migrate before the pool opens
        // its connections, so they never race for the journal-mode change.
        let mut first = SqliteConnection::establish(path)
            .map_err(|_| unavailable("cannot open the sqlite file"))?;
        first
            .batch_execute(PRAGMAS)
            .map_err(|_| unavailable("cannot set sqlite pragmas"))?;
        first.run_pending_migrations(MIGRATIONS).map_err(|e| {
            tracing::error!(error = %e, "sqlite migrations failed");
            unavailable("migrations failed")
        })?;

        // A local file connection does not go stale: no `SELECT 1` before
        // every use (r2d2's default), a broken one is still dropped on return.
        let pool = Pool::builder()
            .max_size(POOL_SIZE)
            .test_on_check_out(false)
            .connection_timeout(CONNECTION_TIMEOUT)
            .connection_customizer(Box::new(Pragmas))
            .build(ConnectionManager::<SqliteConnection>::new(path))
            .map_err(|_| unavailable("cannot open the sqlite pool"))?;
        Ok(Self {
            pool,
            permits: Arc::new(Semaphore::new(POOL_SIZE as usize)),
            // The set-up connection carries on as the checkpointer's.
            _checkpointer: Arc::new(Checkpointer::start(first)?),
        })
    }

    /// Runs `f` with a pooled connection on tokio's blocking pool.
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, Failure>
    where
        F: FnOnce(&mut SqliteConnection) -> Result<T, Failure> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        // One deadline for the permit and the connection together.
        let deadline = std::time::Instant::now() + CONNECTION_TIMEOUT;
        let permit = tokio::time::timeout(CONNECTION_TIMEOUT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| unavailable("no database connection available"))?
            .map_err(|_| unavailable("storage closed"))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = pool
                .get_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
                .map_err(|_| unavailable("no database connection available"))?;
            f(&mut conn)
        })
        .await
        .map_err(|_| unavailable("storage task failed"))?
    }

    /// Every stored refresh-token value, for tests that check no raw token is kept.
    #[doc(hidden)]
    pub fn raw_refresh_token_hashes(&self) -> Result<Vec<String>, RepoError> {
        use crate::schema::refresh_tokens::dsl::*;
        let mut conn = self
            .pool
            .get()
            .map_err(|_| unavailable("no database connection available"))?;
        refresh_tokens
            .select(token_hash)
            .order(token_hash)
            .load::<String>(&mut conn)
            .map_err(|e| Failure::Db(e).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttokjang_domain::ports::StoreHealth;

    /// A store file in a fresh temp folder (removed by the caller).
    fn temp_db() -> std::path::PathBuf {
        std::env::temp_dir()
            .join(format!("ttokjang-sqlite-{}", uuid::Uuid::new_v4().simple()))
            .join("sub")
            .join("t.db")
    }

    #[tokio::test]
    async fn reopen_is_idempotent_and_health_sees_pending_migrations() {
        let path = temp_db();
        let url = format!("sqlite:{}", path.display());
        let store = SqliteStore::open(&url).expect("open creates dirs and migrates");
        assert_eq!(store.check().await, Ok(()));
        assert_eq!(store.backend(), "sqlite");
        drop(store);

        let store = SqliteStore::open(&url).expect("reopen");
        assert_eq!(store.check().await, Ok(()));
        {
            let mut conn = store.pool.get().expect("connection");
            conn.revert_last_migration(MIGRATIONS).expect("revert");
        }
        assert_eq!(
            store.check().await,
            Err(RepoError::Unavailable("migrations pending".into()))
        );
        drop(store);
        if let Some(dir) = path.parent().and_then(|p| p.parent()) {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    /// The background checkpointer moves committed pages into the database
    /// file without any further write, long before SQLite's own 1,000-page
    /// threshold would.
    #[tokio::test]
    async fn committed_pages_reach_the_database_file_in_the_background() {
        let path = temp_db();
        let url = format!("sqlite:{}", path.display());
        let store = SqliteStore::open(&url).expect("open");
        let size = || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        // A connection of the test's own stays open, so that SQLite's
        // checkpoint-on-last-close cannot be what moves the pages.
        let mut own = SqliteConnection::establish(path.to_str().expect("utf-8 path"))
            .expect("own connection");
        own.batch_execute(
            "CREATE TABLE filler (b BLOB); \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) \
             INSERT INTO filler SELECT zeroblob(4000) FROM n;",
        )
        .expect("write ~200 pages");
        let before = size();
        let mut grown = false;
        for _ in 0..50 {
            if size() > before + 400_000 {
                grown = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(grown, "the database file stayed at {before} bytes");
        drop(store); // joins the checkpointer thread
        drop(own);
        if let Some(dir) = path.parent().and_then(|p| p.parent()) {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    /// The database and the WAL files SQLite makes next to it are the
    /// owner's only (finding 10 of issue 13: they were 0644).
    #[cfg(unix)]
    #[tokio::test]
    async fn new_database_files_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let path = temp_db();
        let store = SqliteStore::open(&format!("sqlite:{}", path.display())).expect("open");
        assert_eq!(store.check().await, Ok(()));
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .ok()
        };
        assert_eq!(mode(&path), Some(0o600), "{}", path.display());
        for suffix in ["-wal", "-shm"] {
            let side = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            assert_eq!(mode(&side), Some(0o600), "{}", side.display());
        }
        drop(store);
        if let Some(dir) = path.parent().and_then(|p| p.parent()) {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    #[test]
    fn url_forms() {
        assert_eq!(path_of("data/t.db"), "data/t.db");
        assert_eq!(path_of("sqlite://data/t.db"), "data/t.db");
        assert_eq!(path_of("sqlite:///abs/t.db"), "/abs/t.db");
        assert_eq!(path_of("sqlite:t.db"), "t.db");
        assert_eq!(path_of("file:t.db"), "t.db");
    }
}
