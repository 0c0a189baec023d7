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

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, RefOr, Required, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::routes;

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
        routes::plans::generate_offline,
        routes::plans::select_offline,
        routes::plans::generate_online,
        routes::plans::select_online,
        routes::plans::generate_legacy,
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
        (name = "catalog", description = "Products and stores"),
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

/// The operations of a path item, whatever their method.
fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// Adds the errors that follow from an operation's shape (see the module
/// docs) and the `X-Request-Id` header to every answer.
struct StandardErrors;

fn error(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    "ErrorResponse",
                )))),
            )
            .build(),
    )
}

fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| error(description));
}

/// Operations whose body may be left out entirely (an empty body).
const OPTIONAL_BODIES: [&str; 4] = [
    "generateOfflinePlans",
    "generateOnlinePlans",
    "generatePlansLegacy",
    "logout",
];

impl Modify for StandardErrors {
    fn modify(&self, openapi: &mut Document) {
        let global_security = openapi.security.clone().unwrap_or_default();
        for (path, item) in openapi.paths.paths.iter_mut() {
            let api = path.starts_with("/api/");
            for op in operations_mut(item) {
                if OPTIONAL_BODIES.contains(&op.operation_id.as_deref().unwrap_or_default()) {
                    if let Some(RefOr::T(body)) = op.request_body.as_mut() {
                        body.required = Some(Required::False);
                    }
                }
                let guarded = match &op.security {
                    Some(reqs) => reqs.iter().any(|r| *r != SecurityRequirement::default()),
                    None => !global_security.is_empty(),
                };
                if guarded {
                    add(
                        op,
                        "401",
                        "UNAUTHENTICATED, TOKEN_EXPIRED: no valid access token or the session ended",
                    );
                }
                if op.request_body.is_some() {
                    add(op, "400", "INVALID_JSON: the body is not JSON");
                    add(op, "413", "PAYLOAD_TOO_LARGE: the body is over 1 MiB");
                    add(
                        op,
                        "415",
                        "UNSUPPORTED_MEDIA_TYPE: the body was not sent as application/json",
                    );
                }
                let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                if op.request_body.is_some() || has_params {
                    add(
                        op,
                        "422",
                        "VALIDATION_FAILED: `fields` names each invalid field",
                    );
                }
                if api {
                    add(
                        op,
                        "503",
                        "UNAVAILABLE: the database is not reachable right now",
                    );
                }
                for response in op.responses.responses.values_mut() {
                    if let RefOr::T(r) = response {
                        r.headers
                            .entry("X-Request-Id".to_owned())
                            .or_insert_with(|| {
                                RefOr::T(
                                HeaderBuilder::new()
                                    .description(Some(
                                        "The request's id (the client's when it sent a sane one)",
                                    ))
                                    .build(),
                            )
                            });
                    }
                }
            }
        }
    }
}

/// OpenAPI links: how the answer of one operation feeds the next (a client
/// generator's hints, and what lets a stateful fuzzer reach past 404s).
struct Links;

/// (from operationId, status, link name, to operationId, parameters, request body)
type LinkSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    Option<fn() -> serde_json::Value>,
);

const LINKS: &[LinkSpec] = &[
    (
        "createReservation",
        "201",
        "GetReservation",
        "getReservation",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createReservation",
        "201",
        "PatchReservation",
        "patchReservation",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createReservation",
        "201",
        "ListRuns",
        "listReservationRuns",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createReservation",
        "201",
        "RunNow",
        "runReservationNow",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createReservation",
        "201",
        "CancelReservation",
        "cancelReservation",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createOrder",
        "201",
        "GetOrder",
        "getOrder",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createOrder",
        "201",
        "PayOrder",
        "createPaymentIntent",
        &[],
        Some(
            || serde_json::json!({"order_id": "$response.body#/id", "amount_krw": "$response.body#/total_krw"}),
        ),
    ),
    (
        "createPaymentIntent",
        "201",
        "GetIntent",
        "getPaymentIntent",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createPaymentIntent",
        "201",
        "ConfirmIntent",
        "confirmPaymentIntent",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "addPaymentMethod",
        "201",
        "DeleteMethod",
        "deletePaymentMethod",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "addBasketItem",
        "201",
        "PatchItem",
        "patchBasketItem",
        &[("id", "$response.body#/items/0/id")],
        None,
    ),
    (
        "addBasketItem",
        "201",
        "DeleteItem",
        "deleteBasketItem",
        &[("id", "$response.body#/items/0/id")],
        None,
    ),
    (
        "generateOfflinePlans",
        "200",
        "SelectPlan",
        "selectOfflinePlan",
        &[],
        Some(
            || serde_json::json!({"plan_request_id": "$response.body#/plan_request_id", "plan_id": "$response.body#/plans/0/plan_id"}),
        ),
    ),
    (
        "generateOnlinePlans",
        "200",
        "SelectPlan",
        "selectOnlinePlan",
        &[],
        Some(
            || serde_json::json!({"plan_request_id": "$response.body#/plan_request_id", "plan_id": "$response.body#/plans/0/plan_id"}),
        ),
    ),
];

impl Modify for Links {
    fn modify(&self, openapi: &mut Document) {
        for item in openapi.paths.paths.values_mut() {
            for op in operations_mut(item) {
                let id = op.operation_id.clone().unwrap_or_default();
                for (from, status, name, to, params, body) in LINKS {
                    if *from != id {
                        continue;
                    }
                    let Some(RefOr::T(response)) = op.responses.responses.get_mut(*status) else {
                        continue;
                    };
                    let mut link = LinkBuilder::new().operation_id(*to);
                    for (param, expr) in *params {
                        link = link.parameter(*param, *expr);
                    }
                    if let Some(body) = body {
                        link = link.request_body(Some(body()));
                    }
                    response
                        .links
                        .insert((*name).to_owned(), RefOr::T(link.build()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_of_the_contract_is_documented() {
        let doc = document();
        let paths: Vec<&str> = doc.paths.paths.keys().map(String::as_str).collect();
        for p in [
            "/api/v1/auth/register",
            "/api/v1/auth/login",
            "/api/v1/auth/refresh",
            "/api/v1/auth/logout",
            "/api/v1/auth/me",
            "/api/v1/users/me/profile",
            "/api/v1/users/me/orders",
            "/api/v1/preferences",
            "/api/v1/basket",
            "/api/v1/basket/items",
            "/api/v1/basket/items/{id}",
            "/api/v1/catalog/products",
            "/api/v1/catalog/stores",
            "/api/v1/offline/plans/generate",
            "/api/v1/offline/plans/select",
            "/api/v1/online/plans/generate",
            "/api/v1/online/plans/select",
            "/api/v1/plans/generate",
            "/api/v1/reservations",
            "/api/v1/reservations/{id}",
            "/api/v1/reservations/{id}/runs",
            "/api/v1/reservations/{id}/run",
            "/api/v1/chat",
            "/api/v1/chat/history",
            "/api/v1/chat/turns/{id}/undo",
            "/api/v1/users/me/payment-methods",
            "/api/v1/payments/intents",
            "/api/v1/payments/intents/{id}/confirm",
            "/api/v1/payments/intents/{id}",
            "/healthz",
            "/readyz",
            "/metrics",
        ] {
            assert!(paths.contains(&p), "{p} is missing from the document");
        }
    }

    /// Every `$ref` names a schema of the document (utoipa does not collect
    /// the types of `IntoResponses` lists by itself).
    #[test]
    fn every_schema_reference_resolves() {
        fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                        out.push(r.clone());
                    }
                    m.values().for_each(|v| refs(v, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let doc = serde_json::to_value(document()).expect("serialisable");
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 50, "{} references", found.len());
        for r in found {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unexpected reference {r}"));
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{r} names no schema"
            );
        }
    }

    #[test]
    fn every_link_joins_two_documented_operations() {
        let doc = document();
        let ops: std::collections::BTreeMap<String, &Operation> = doc
            .paths
            .paths
            .values()
            .flat_map(|i| [&i.get, &i.put, &i.post, &i.delete, &i.patch])
            .flatten()
            .map(|o| (o.operation_id.clone().unwrap_or_default(), o))
            .collect();
        for (from, status, name, to, _, _) in LINKS {
            assert!(ops.contains_key(*to), "{to} is not an operation");
            let op = ops
                .get(*from)
                .unwrap_or_else(|| panic!("{from} is not an operation"));
            let Some(RefOr::T(r)) = op.responses.responses.get(*status) else {
                panic!("{from} has no {status} answer");
            };
            assert!(r.links.contains_key(*name), "{from} {status} lacks {name}");
        }
    }

    #[test]
    fn allow_lists_the_documented_methods() {
        assert_eq!(allowed_methods("/api/v1/basket"), Some("GET, PUT"));
        assert_eq!(
            allowed_methods("/api/v1/basket/items/{id}"),
            Some("DELETE, PATCH")
        );
        assert_eq!(allowed_methods("/healthz"), Some("GET"));
        assert_eq!(allowed_methods("/nope"), None);
    }

    #[test]
    fn operation_ids_are_unique_and_guarded_operations_answer_401() {
        let doc = document();
        let mut ids = std::collections::BTreeSet::new();
        for (path, item) in &doc.paths.paths {
            for op in [&item.get, &item.put, &item.post, &item.delete, &item.patch]
                .into_iter()
                .flatten()
            {
                let id = op.operation_id.clone().unwrap_or_default();
                assert!(ids.insert(id.clone()), "duplicate operationId {id}");
                let public = op
                    .security
                    .as_ref()
                    .is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default()));
                assert!(
                    public || op.responses.responses.contains_key("401"),
                    "{path} {id}"
                );
            }
        }
    }
}
