//! `GET /metrics`: Prometheus text format. Open by default (bind it to a
//! private network); with `METRICS_TOKEN` set, the scraper must send
//! `Authorization: Bearer <token>`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::guard::bearer;
use crate::routes::health::readiness;
use crate::state::ApiState;
use ttokjang_domain::metrics::HeartbeatAge;

/// What the metrics adapter renders: the text exposition format 0.0.4.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Compares without stopping at the first difference, so the answer time
/// does not tell how much of a guess was right.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let mut diff = u8::from(given.len() != expected.len());
    for (i, e) in expected.iter().enumerate() {
        diff |= e ^ given.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

/// Prometheus text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "operations", operation_id = "metrics",
    security((), ("metrics_token" = [])),
    responses(
        (status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 401, description = "METRICS_TOKEN is set and the request did not send it", body = crate::openapi::ErrorResponse),
    ))]
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<ApiState>,
) -> Result<HttpResponse, ApiError> {
    if let Some(expected) = &state.metrics_token {
        let given = bearer(&req).unwrap_or_default();
        if !same_secret(given.as_bytes(), expected.as_bytes()) {
            return Err(ApiError::unauthenticated(
                "send the metrics token as a Bearer token",
            ));
        }
    }
    // Figures that are read, not counted: taken now, for this scrape.
    let ready = readiness(&state).await;
    state.metrics.set_ready("database", ready.database_ok);
    match ready.scheduler_ok {
        Some(ok) => state.metrics.set_ready("scheduler", ok),
        None => state.metrics.set_ready("scheduler", true),
    }
    state
        .metrics
        .set_heartbeat(state.heartbeat.as_ref().map(|hb| HeartbeatAge {
            age_s: hb.age_s(),
            max_age_s: hb.max_age_s(),
        }));
    match state.sources.list().await {
        Ok(reports) => {
            for r in reports.iter().filter(|r| r.setup.configured) {
                state
                    .metrics
                    .set_price_sync(r.setup.source.as_str(), r.gauges());
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: reading the price sources failed"),
    }
    if let Some(pool) = state.health.pool_state() {
        state.metrics.set_pool(state.health.backend(), pool);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .body(state.metrics.render()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
        assert!(!same_secret(b"abcd", b"abc"));
        assert!(!same_secret(b"", b"abc"));
    }
}
