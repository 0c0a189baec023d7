//! SQLite storage for Ttokjang's ports: diesel 2 over an r2d2 pool, with
//! embedded migrations run by [`SqliteStore::open`].
//!
//! Diesel is synchronous, so every query runs on tokio's blocking pool.
//! Writes that must be atomic use `BEGIN IMMEDIATE`, which takes SQLite's write
//! lock up front so that two writers never both read and then both write.
//!
//! The query logic lives once in `shared/` (also compiled into
//! `ttokjang-postgres`); this crate adds what only SQLite does: its schema,
//! its `dialect` and the store (pragmas, the WAL checkpointer).

mod dialect;
mod schema;
mod shared;
mod store;

use shared::{error, rows, shopper_rows};

pub use store::SqliteStore;
