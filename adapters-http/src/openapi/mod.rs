//! The OpenAPI 3.1 document of the HTTP API, generated from the handlers'
//! `#[utoipa::path]` attributes and the DTOs' `ToSchema` derives, served at
//! `/api-docs/openapi.json` with Swagger UI (vendored, no CDN) at `/api-docs/`.
//!
//! The errors every operation can answer are added here in one place
//! ([`StandardErrors`]) from what the operation is: guarded operations can
//! answer 401, operations with a body 400/413/415/422, operations with
//! parameters 422, and every operation 503 when the database is away.
//! Errors particular to an operation (404, 409, 410, 402, 429 …) are written
//! on the handler itself.

mod errors;
mod links;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi, ToSchema};

use crate::routes;
use errors::StandardErrors;
use links::Links;

/// The contract's error envelope: `{"error": {"code", "message", "request_id", "fields"?}}`.
#[derive(ToSchema)]
#[allow(dead_code)] // a schema only: errors are written by `ApiError`
pub struct ErrorResponse {
    error: ErrorDetail,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `VALIDATION_FAILED`, `NOT_FOUND`.
    #[schema(example = "VALIDATION_FAILED")]
    code: String,
    /// Human text; never carries internals.
    message: String,
    /// The `X-Request-Id` of the request.
    request_id: String,
    /// `VALIDATION_FAILED` (and a few others): field → problem.
    #[schema(required = false)]
    fields: Option<BTreeMap<String, String>>,
}

/// Where the operations live (the contract's tables).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ttokjang API",
        description = "Grocery shopping plans for Korea: basket, catalog, offline/online plans, \
            reservations, chat, orders and a sandbox payment flow. The contract is \
            shared/API.md; this document is generated from the code.",
        version = "1.0.0",
        license(name = "MIT"),
    ),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::metrics::metrics,
        routes::auth::register,
        routes::auth::login,
        routes::auth::refresh,
        routes::auth::logout,
        routes::auth::me,
        routes::account::reset_password,
        routes::account::change_password,
        routes::account::delete_account,
        routes::account::export,
        routes::profile::get,
        routes::profile::put,
        routes::orders::list,
        routes::orders::create,
        routes::orders::get,
        routes::orders::patch,
        routes::preferences::get,
        routes::preferences::put,
        routes::basket::get,
        routes::basket::put,
        routes::basket::add_item,
        routes::basket::patch_item,
        routes::basket::delete_item,
        routes::catalog::products,
        routes::catalog::stores,
        routes::sources::sources,
        routes::catalog::product_prices,
        routes::plans::generate_offline,
        routes::plans::select_offline,
        routes::plans::generate_online,
        routes::plans::select_online,
        routes::plans::generate_legacy,
        routes::plans::compare,
        routes::plans::get_stored,
        routes::reservations::list,
        routes::reservations::create,
        routes::reservations::get,
        routes::reservations::patch,
        routes::reservations::cancel,
        routes::reservations::runs,
        routes::reservations::run_now,
        routes::reservations::notifications,
        routes::reservations::unread_count,
        routes::reservations::mark_read,
        routes::chat::send,
        routes::chat::history,
        routes::chat::clear,
        routes::chat::undo,
        routes::payments::list_methods,
        routes::payments::add_method,
        routes::payments::delete_method,
        routes::payments::create_intent,
        routes::payments::confirm_intent,
        routes::payments::get_intent,
    ),
    // PlanAnswer: the generate routes name it through an `IntoResponses` list,
    // whose types utoipa does not collect by itself.
    components(schemas(ErrorResponse, ErrorDetail, ttokjang_domain::planner::view::PlanAnswer)),
    modifiers(&SecurityScheme_, &StandardErrors, &Links),
    security(("bearer" = [])),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "auth", description = "Accounts, sessions and tokens"),
        (name = "account", description = "Password change, account deletion and data export"),
        (name = "shopper", description = "The shopper's own data: profile, preferences, basket, orders"),
        (name = "catalog", description = "Products, stores and the price sources"),
        (name = "plans", description = "Offline (marts) and online (malls) shopping plans"),
        (name = "reservations", description = "Scheduled plans and the in-app inbox"),
        (name = "chat", description = "Editing the basket by chat"),
        (name = "payments", description = "Sandbox payments: test tokens only"),
    ),
)]
pub struct ApiDoc;

/// The document, built once per call (cheap; the server builds it at start).
pub fn document() -> Document {
    ApiDoc::openapi()
}

/// The methods a documented route accepts, as an `Allow` header value
/// (`"GET, PUT"`), by the route's pattern (`/api/v1/basket/items/{id}`).
pub fn allowed_methods(pattern: &str) -> Option<&'static str> {
    static ALLOWED: OnceLock<HashMap<String, String>> = OnceLock::new();
    ALLOWED
        .get_or_init(|| {
            document()
                .paths
                .paths
                .into_iter()
                .map(|(path, item)| {
                    let methods: Vec<&str> = [
                        ("GET", item.get.is_some()),
                        ("PUT", item.put.is_some()),
                        ("POST", item.post.is_some()),
                        ("DELETE", item.delete.is_some()),
                        ("PATCH", item.patch.is_some()),
                    ]
                    .into_iter()
                    .filter_map(|(m, present)| present.then_some(m))
                    .collect();
                    (path, methods.join(", "))
                })
                .collect()
        })
        .get(pattern)
        .map(String::as_str)
}

#[allow(non_camel_case_types)]
struct SecurityScheme_;

impl Modify for SecurityScheme_ {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "The access token from /api/v1/auth/login or /api/v1/auth/refresh",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("METRICS_TOKEN, when the operator set one"))
                    .build(),
            ),
        );
    }
}
