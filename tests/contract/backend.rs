//! A backend under test: its ports as trait objects, plus what keeps its
//! storage alive (a temp dir or a throwaway database) until the test ends.

use std::any::Any;
use std::sync::Arc;

use ttokjang::storage::{wire, Stores};
use ttokjang_domain::ports::RunQueue;

type RawHashes = Box<dyn Fn() -> Vec<String> + Send + Sync>;
type Reopen = Box<dyn Fn() -> Arc<dyn RunQueue> + Send + Sync>;

/// Its ports (`b.users`, `b.run_queue`, …) are the app's own wiring,
/// [`ttokjang::storage::wire`], reached through `Deref`.
pub struct Backend {
    pub name: &'static str,
    stores: Stores,
    /// Opens another store on the same database (its own pool), as a second
    /// instance of the service would.
    reopen: Reopen,
    /// Every value in `refresh_tokens.token_hash`, read straight from the table.
    raw_hashes: RawHashes,
    // Declared last so it drops last, after every handle on the store.
    _storage: Box<dyn Any + Send>,
}

impl std::ops::Deref for Backend {
    type Target = Stores;

    fn deref(&self) -> &Stores {
        &self.stores
    }
}

impl Backend {
    pub fn stored_refresh_token_hashes(&self) -> Vec<String> {
        (self.raw_hashes)()
    }

    /// The run queue of a second store on the same database.
    pub fn second_run_queue(&self) -> Arc<dyn RunQueue> {
        (self.reopen)()
    }
}

pub fn sqlite() -> Option<Backend> {
    let (store, dir) = ttokjang_tests::sqlite_store();
    let raw = Arc::clone(&store);
    let url = format!(
        "sqlite://{}",
        dir.path().join("nested").join("ttokjang.db").display()
    );
    let reopen: Reopen = Box::new(move || match ttokjang_sqlite::SqliteStore::open(&url) {
        Ok(s) => Arc::new(s),
        Err(e) => panic!("cannot reopen sqlite store: {e}"),
    });
    Some(Backend {
        name: "sqlite",
        stores: wire(store),
        reopen,
        raw_hashes: Box::new(move || match raw.raw_refresh_token_hashes() {
            Ok(v) => v,
            Err(e) => panic!("cannot read refresh_tokens: {e}"),
        }),
        _storage: Box::new(dir),
    })
}

pub fn postgres() -> Option<Backend> {
    let (store, db) = ttokjang_tests::pg_store()?;
    let raw = Arc::clone(&store);
    let url = db.url().to_owned();
    let reopen: Reopen = Box::new(move || match ttokjang_postgres::PgStore::open(&url) {
        Ok(s) => Arc::new(s),
        Err(e) => panic!("cannot open a second postgres store: {e}"),
    });
    Some(Backend {
        name: "postgres",
        stores: wire(store),
        reopen,
        raw_hashes: Box::new(move || match raw.raw_refresh_token_hashes() {
            Ok(v) => v,
            Err(e) => panic!("cannot read refresh_tokens: {e}"),
        }),
        _storage: Box::new(db),
    })
}
