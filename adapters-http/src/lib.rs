//! The HTTP adapter: actix-web routes for the contract in `shared/API.md`,
//! the JWT guard, DTOs, and the one error type that speaks the contract's shape.

pub mod error;
pub mod guard;
pub mod idempotency;
pub mod json;
pub mod jwt;
pub mod openapi;
pub mod request_id;
pub mod routes;
pub mod security;
pub mod state;
pub mod transport;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

pub use error::ApiError;
pub use state::{ApiState, Heartbeat};

/// Mounts the API (`/api/v1/...`), the health endpoints and the OpenAPI
/// document (`/api-docs/openapi.json`, Swagger UI at `/api-docs/ui/`).
pub fn configure(state: ApiState) -> impl Fn(&mut web::ServiceConfig) + Clone {
    let data = web::Data::new(state);
    let document = openapi::document();
    move |cfg: &mut web::ServiceConfig| {
        cfg.service(
            utoipa_swagger_ui::SwaggerUi::new("/api-docs/ui/{_:.*}")
                .url("/api-docs/openapi.json", document.clone()),
        )
        .app_data(data.clone())
        .app_data(json::json_config())
        .app_data(web::PathConfig::default().error_handler(json::path_error))
        .app_data(web::QueryConfig::default().error_handler(json::query_error))
        .app_data(web::PayloadConfig::default().limit(json::BODY_LIMIT))
        .service(get("/healthz", routes::health::healthz))
        .service(get("/readyz", routes::health::readyz))
        .service(get("/metrics", routes::metrics::metrics))
        .service(
            web::scope("/api/v1")
                .service(
                    web::scope("/auth")
                        .service(post("/register", routes::auth::register))
                        .service(post("/login", routes::auth::login))
                        .service(post("/refresh", routes::auth::refresh))
                        .service(post("/logout", routes::auth::logout))
                        .service(post("/password-reset", routes::account::reset_password))
                        .service(get("/me", routes::auth::me))
                        .default_service(web::to(api_not_found)),
                )
                .service(post(
                    "/offline/plans/generate",
                    routes::plans::generate_offline,
                ))
                .service(post("/offline/plans/select", routes::plans::select_offline))
                .service(post(
                    "/online/plans/generate",
                    routes::plans::generate_online,
                ))
                .service(post("/online/plans/select", routes::plans::select_online))
                .service(post("/plans/generate", routes::plans::generate_legacy))
                .service(post("/plans/compare", routes::plans::compare))
                .service(get("/plans/{plan_request_id}", routes::plans::get_stored))
                .service(
                    web::scope("/catalog")
                        .service(get("/products", routes::catalog::products))
                        .service(get("/stores", routes::catalog::stores))
                        .service(get("/sources", routes::sources::sources))
                        .service(get(
                            "/products/{id}/prices",
                            routes::catalog::product_prices,
                        ))
                        .default_service(web::to(api_not_found)),
                )
                .configure(routes::user_data::configure)
                .service(
                    resource("/reservations")
                        .route(web::get().to(routes::reservations::list))
                        .route(web::post().to(routes::reservations::create)),
                )
                .service(
                    resource("/reservations/{id}")
                        .route(web::get().to(routes::reservations::get))
                        .route(web::patch().to(routes::reservations::patch))
                        .route(web::delete().to(routes::reservations::cancel)),
                )
                .service(get("/reservations/{id}/runs", routes::reservations::runs))
                .service(post(
                    "/reservations/{id}/run",
                    routes::reservations::run_now,
                ))
                .service(get("/notifications", routes::reservations::notifications))
                .service(get(
                    "/notifications/unread-count",
                    routes::reservations::unread_count,
                ))
                .service(post("/notifications/read", routes::reservations::mark_read))
                .configure(routes::payments::configure)
                .default_service(web::to(api_not_found)),
        );
    }
}

/// A resource whose other methods answer 405 in the contract's shape (without
/// this, actix would fall through to the app's default service: the web app).
pub(crate) fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

fn post<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    resource(path).route(web::post().to(handler))
}

fn get<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    resource(path).route(web::get().to(handler))
}

/// 405 in the contract's shape, with the `Allow` header RFC 9110 asks for:
/// the methods come from the OpenAPI document, the one list of what each
/// route accepts.
pub async fn method_not_allowed(req: actix_web::HttpRequest) -> HttpResponse {
    let mut res = actix_web::ResponseError::error_response(&ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "this endpoint does not accept that method",
    ));
    let allow = req
        .match_pattern()
        .and_then(|pattern| openapi::allowed_methods(&pattern))
        .and_then(|methods| actix_web::http::header::HeaderValue::from_str(methods).ok());
    if let Some(allow) = allow {
        res.headers_mut()
            .insert(actix_web::http::header::ALLOW, allow);
    }
    res
}

/// Unknown paths under `/api/v1` (and wrong methods on known ones) answer in
/// the contract's shape.
pub async fn api_not_found() -> HttpResponse {
    actix_web::ResponseError::error_response(&ApiError::not_found("no such endpoint"))
}

/// Middleware that rewrites bare error answers produced by actix itself (405 on
/// a known path, a guard's 404) into the contract's envelope. Answers that are
/// already JSON pass untouched.
pub fn error_envelopes<B: actix_web::body::MessageBody + 'static>(
) -> actix_web::middleware::ErrorHandlers<B> {
    use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
    ErrorHandlers::new().default_handler(|res: actix_web::dev::ServiceResponse<B>| {
        let is_json = res
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if is_json {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        let status = res.status();
        let (req, _) = res.into_parts();
        let new = envelope_for_status(status);
        Ok(ErrorHandlerResponse::Response(
            actix_web::dev::ServiceResponse::new(req, new).map_into_right_body(),
        ))
    })
}

/// Turns actix's own bare error answers (e.g. 405 on a known path with the wrong
/// method) into the contract's shape. Used as `ErrorHandlers` default.
pub fn envelope_for_status(status: StatusCode) -> HttpResponse {
    let code = match status.as_u16() {
        400 => "INVALID_JSON",
        401 => "UNAUTHENTICATED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        429 => "RATE_LIMITED",
        s if s >= 500 => "INTERNAL",
        _ => "BAD_REQUEST",
    };
    let message = status.canonical_reason().unwrap_or("error").to_lowercase();
    actix_web::ResponseError::error_response(&ApiError::new(status, code, message))
}
