//! PostgreSQL storage for Ttokjang's ports: diesel 2 over an r2d2 pool, with
//! embedded migrations run by [`PgStore::open`].
//!
//! Diesel is synchronous, so every query runs on tokio's blocking pool.
//! Writes that must be atomic use `BEGIN IMMEDIATE`, which takes SQLite's write
//! lock up front so that two writers never both read and then both write.

mod baskets;
mod catalog;
mod chat;
mod error;
mod health;
mod idempotency;
mod invites;
mod notifications;
mod orders;
mod payments;
mod plan_requests;
mod preferences;
mod pricesync;
mod profiles;
mod reservations;
mod rows;
mod schema;
mod sessions;
mod shopper_rows;
mod store;
mod users;

pub use store::PgStore;
