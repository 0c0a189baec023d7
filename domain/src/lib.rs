//! Ttokjang's domain core.
//!
//! Pure Rust: entities, validated value objects, rules and use cases. Everything
//! that touches the outside world (databases, clocks, randomness, password
//! hashing) sits behind the ports in [`ports`]. This crate must never depend on
//! diesel, actix, jsonwebtoken or any I/O library.

pub mod auth;
pub mod error;
pub mod notification;
pub mod page;
pub mod planner;
pub mod ports;
pub mod redirect;
pub mod reservation;
pub mod schedule;
pub mod session;
pub mod throttle;
pub mod user;

pub use error::RepoError;
