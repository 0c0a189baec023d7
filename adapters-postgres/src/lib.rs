//! PostgreSQL storage for Ttokjang's ports: diesel 2 over an r2d2 pool, with
//! embedded migrations run by [`PgStore::open`].
//!
//! Diesel is synchronous, so every query runs on tokio's blocking pool.
//! Checks that must not go stale lock rows (`FOR UPDATE`); claimers skip rows
//! another instance holds (`FOR UPDATE SKIP LOCKED`).
//!
//! The query logic lives once in `adapters-sqlite/src/shared/`, compiled
//! into this crate by path; this crate adds what only PostgreSQL does: its
//! schema, its `dialect` and the store (the advisory migration lock).

mod dialect;
mod schema;
#[path = "../../adapters-sqlite/src/shared/mod.rs"]
mod shared;
mod store;

use shared::{error, rows, shopper_rows};

pub use store::PgStore;
