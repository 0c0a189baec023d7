pub mod auth;
pub mod basket;
pub mod health;
pub mod orders;
pub mod preferences;
pub mod profile;
pub mod user_data;
