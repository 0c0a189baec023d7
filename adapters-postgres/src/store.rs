//! The store: opening, migrations and the blocking-pool helper.

use std::sync::Arc;
use std::time::Duration;

use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use tokio::sync::Semaphore;
use ttokjang_domain::RepoError;

use crate::error::{unavailable, Failure};

pub(crate) const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub(crate) type PgPool = Pool<ConnectionManager<PgConnection>>;

/// How long a storage call waits for a free connection before 503.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);

const POOL_SIZE: u32 = 10;

/// Any fixed number shared by every Ttokjang instance: the advisory lock that
/// keeps two instances starting together from migrating at once.
const MIGRATION_LOCK: i64 = 0x7474_6f6b_6a61;

/// Ttokjang's storage on one PostgreSQL database. Cheap to clone.
#[derive(Clone)]
pub struct PgStore {
    pub(crate) pool: PgPool,
    /// One permit per pooled connection: a storage call waits here (a
    /// future, no thread) until a connection is free, so the blocking pool
    /// never holds more threads than connections, all parked on the pool.
    permits: Arc<Semaphore>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may carry a password.
        f.debug_struct("PgStore")
            .field("connections", &self.pool.state().connections)
            .finish()
    }
}

impl PgStore {
    /// Connects (`postgres://…`) and runs pending embedded migrations.
    pub fn open(url: &str) -> Result<Self, RepoError> {
        let pool = Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(2))
            .connection_timeout(CONNECTION_TIMEOUT)
            .build(ConnectionManager::<PgConnection>::new(url.trim()))
            .map_err(|_| unavailable("cannot connect to postgres"))?;
        let mut conn = pool
            .get()
            .map_err(|_| unavailable("cannot connect to postgres"))?;
        diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
            .execute(&mut conn)
            .map_err(|_| unavailable("cannot take the migration lock"))?;
        let migrated = conn.run_pending_migrations(MIGRATIONS).map(|_| ());
        let unlocked = diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
            .execute(&mut conn);
        migrated.map_err(|e| {
            tracing::error!(error = %e, "postgres migrations failed");
            unavailable("migrations failed")
        })?;
        unlocked.map_err(|_| unavailable("cannot release the migration lock"))?;
        Ok(Self {
            pool,
            permits: Arc::new(Semaphore::new(POOL_SIZE as usize)),
        })
    }

    /// Runs `f` with a pooled connection on tokio's blocking pool.
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, Failure>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, Failure> + Send + 'static,
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
