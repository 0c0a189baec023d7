use async_trait::async_trait;
use diesel::connection::SimpleConnection;
use diesel_migrations::MigrationHarness;
use ttokjang_domain::ports::{PoolState, StoreHealth};
use ttokjang_domain::RepoError;

use crate::dialect::{DbStore, NAME};
use crate::error::unavailable;
use crate::store::MIGRATIONS;

#[async_trait]
impl StoreHealth for DbStore {
    async fn check(&self) -> Result<(), RepoError> {
        self.run(|conn| {
            conn.batch_execute("SELECT 1")?;
            let pending = conn
                .has_pending_migration(MIGRATIONS)
                .map_err(|_| unavailable("cannot read migration state"))?;
            if pending {
                return Err(unavailable("migrations pending").into());
            }
            Ok(())
        })
        .await
        .map_err(Into::into)
    }

    fn pool_state(&self) -> Option<PoolState> {
        let state = self.pool.state();
        Some(PoolState {
            connections: state.connections,
            idle: state.idle_connections,
            max: self.pool.max_size(),
        })
    }

    fn backend(&self) -> &'static str {
        NAME
    }
}
