//! Ttokjang's domain core.
//!
//! Pure Rust: entities, validated value objects, rules and use cases. Everything
//! that touches the outside world (databases, clocks, randomness, password
//! hashing) sits behind the ports in [`ports`]. This crate must never depend on
//! diesel, actix, jsonwebtoken or any I/O library.

pub mod account;
pub mod auth;
pub mod basket;
pub mod catalog;
pub mod chat;
pub mod error;
pub mod mall;
pub mod metrics;
pub mod notification;
pub mod order;
pub mod page;
pub mod payment;
pub mod plan;
pub mod planner;
pub mod ports;
pub mod preferences;
pub mod pricesync;
pub mod profile;
pub mod redirect;
pub mod reservation;
pub mod schedule;
pub mod session;
pub mod system;
pub mod text;
pub mod throttle;
pub mod user;

pub use error::RepoError;

/// `t` cut to whole microseconds: what both stores keep, so a value a use
/// case answers after a write equals what a later read gives.
pub fn stored_instant(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}
