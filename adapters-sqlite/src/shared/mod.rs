//! Storage logic written once for both backends. This folder is compiled
//! into `ttokjang-sqlite` as `mod shared;` and into `ttokjang-postgres` by
//! path, so `crate::` names the including crate: `crate::schema` is that
//! backend's generated schema and `crate::dialect` what the backend does its
//! own way (id and instant types and their conversions, transactions, row
//! locks, the claim queries). No code here names a backend.
//!
//! `Id` is `Copy` on PostgreSQL (`Uuid`) but not on SQLite (`String`), so the
//! same `.clone()` is needed on one and redundant on the other.
#![allow(clippy::clone_on_copy)]

pub(crate) mod account;
pub(crate) mod baskets;
pub(crate) mod catalog;
pub(crate) mod chat;
pub(crate) mod error;
pub(crate) mod health;
pub(crate) mod idempotency;
pub(crate) mod invites;
pub(crate) mod mall_terms;
pub(crate) mod notifications;
pub(crate) mod orders;
pub(crate) mod payments;
pub(crate) mod plan_requests;
pub(crate) mod preferences;
pub(crate) mod pricesync;
pub(crate) mod profiles;
pub(crate) mod reservation_items;
pub(crate) mod reservations;
pub(crate) mod reviews;
pub(crate) mod rows;
pub(crate) mod sessions;
pub(crate) mod shopper_rows;
pub(crate) mod sync_jobs;
pub(crate) mod throttle;
pub(crate) mod users;
