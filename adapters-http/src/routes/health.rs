//! `/healthz` (alive) and `/readyz` (able to serve).

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::error::ApiError;
use crate::state::ApiState;

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

pub async fn readyz(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    if let Err(e) = state.health.check().await {
        tracing::warn!(error = %e, "not ready: database");
        return Err(ApiError::unavailable(format!(
            "the {} database is not ready",
            state.health.backend()
        )));
    }
    let mut scheduler = json!("not_running");
    if let Some(hb) = &state.heartbeat {
        match hb.age_s() {
            Some(age) if age <= hb.max_age_s() => scheduler = json!({"last_beat_s": age}),
            age => {
                tracing::warn!(?age, "not ready: scheduler heartbeat stale");
                return Err(ApiError::unavailable(
                    "the scheduler has not reported in time",
                ));
            }
        }
    }
    Ok(HttpResponse::Ok().json(json!({
        "status": "ready",
        "database": state.health.backend(),
        "scheduler": scheduler,
    })))
}
