pub mod auth;
pub mod catalog;
pub mod health;
pub mod metrics;
pub mod plans;
