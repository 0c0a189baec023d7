pub mod account;
pub mod auth;
pub mod basket;
pub mod catalog;
pub mod chat;
pub mod health;
pub mod metrics;
pub mod orders;
pub mod payments;
pub mod plans;
pub mod preferences;
pub mod profile;
pub mod reservations;
pub mod sources;
pub mod user_data;

/// An answer that browsers and proxies must not keep (personal data, tokens).
pub(crate) fn no_store(status: actix_web::http::StatusCode) -> actix_web::HttpResponseBuilder {
    use actix_web::http::header::{HeaderValue, CACHE_CONTROL};
    let mut b = actix_web::HttpResponse::build(status);
    b.insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")));
    b
}
