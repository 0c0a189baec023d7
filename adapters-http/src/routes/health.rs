//! `/healthz` (alive) and `/readyz` (able to serve).

use std::collections::BTreeMap;
use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use crate::state::ApiState;

/// A database that does not answer within this long counts as down.
const DB_CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// `{"status": "ok"}` for liveness probes.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // a schema only
pub struct Health {
    #[schema(example = "ok")]
    status: String,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations", operation_id = "healthz",
    security(()),
    responses((status = 200, description = "Alive", body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The outcome of every readiness check, shared by `/readyz` and `/metrics`.
#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    pub database_ok: bool,
    /// `None` when no scheduler runs in this process.
    pub scheduler_ok: Option<bool>,
    /// What `/readyz` shows for each check.
    pub checks: Value,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.database_ok && self.scheduler_ok.unwrap_or(true)
    }
}

/// Runs the checks: the database answers and has no pending migration; the
/// scheduler (when one runs here) has beaten recently enough.
pub async fn readiness(state: &ApiState) -> Readiness {
    let backend = state.health.backend();
    let database = match tokio::time::timeout(DB_CHECK_TIMEOUT, state.health.check()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready: database");
            // The stores report pending migrations with this exact message.
            let reason = if e.to_string().contains("migrations pending") {
                "migrations_pending"
            } else {
                "unavailable"
            };
            Err(reason)
        }
        Err(_) => {
            tracing::warn!("not ready: database check timed out");
            Err("timeout")
        }
    };
    let database_check = match database {
        Ok(()) => json!({"status": "ok", "backend": backend}),
        Err(reason) => json!({"status": "fail", "backend": backend, "reason": reason}),
    };
    let (scheduler_ok, scheduler_check) = match &state.heartbeat {
        None => (None, json!({"status": "not_running"})),
        Some(hb) => {
            let max = hb.max_age_s();
            match hb.age_s() {
                Some(age) if age <= max => (
                    Some(true),
                    json!({"status": "ok", "last_beat_s": age, "max_age_s": max}),
                ),
                age => {
                    tracing::warn!(?age, max, "not ready: scheduler heartbeat stale");
                    (
                        Some(false),
                        json!({"status": "stale", "last_beat_s": age, "max_age_s": max}),
                    )
                }
            }
        }
    };
    Readiness {
        database_ok: database.is_ok(),
        scheduler_ok,
        checks: json!({"database": database_check, "scheduler": scheduler_check}),
    }
}

/// 200 when every check passes, else 503 with the contract's error envelope;
/// both carry each check's status under `checks`.
/// Readiness: `status` (`ready`/`not_ready`), the backend, the scheduler's
/// state and each check; when not ready also the contract's `error`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // a schema only
pub struct Ready {
    #[schema(example = "ready")]
    status: String,
    /// `sqlite` or `postgres`.
    database: String,
    /// `{"last_beat_s": n}`, `"not_running"` or `"stale"`.
    scheduler: serde_json::Value,
    /// Each check by name (`database`, `scheduler`) with its own status.
    checks: BTreeMap<String, serde_json::Value>,
}

#[utoipa::path(get, path = "/readyz", tag = "operations", operation_id = "readyz",
    security(()),
    responses(
        (status = 200, description = "The database answers, migrations are applied, the scheduler beats", body = Ready),
        (status = 503, description = "Not ready: the body is `Ready` plus the contract's `error`", body = Ready),
    ))]
pub async fn readyz(state: web::Data<ApiState>) -> HttpResponse {
    let r = readiness(&state).await;
    // Kept from the first version of this answer: the backend and the
    // scheduler's state at the top level.
    let scheduler = match &r.checks["scheduler"]["last_beat_s"] {
        Value::Number(age) if r.scheduler_ok == Some(true) => json!({"last_beat_s": age}),
        _ if r.scheduler_ok.is_none() => json!("not_running"),
        _ => json!("stale"),
    };
    let mut body = json!({
        "status": if r.ready() { "ready" } else { "not_ready" },
        "database": state.health.backend(),
        "scheduler": scheduler,
        "checks": r.checks,
    });
    let mut res = if r.ready() {
        HttpResponse::Ok()
    } else {
        let message = if r.database_ok {
            "the scheduler has not reported in time".to_owned()
        } else {
            format!("the {} database is not ready", state.health.backend())
        };
        body["error"] = json!({
            "code": "UNAVAILABLE",
            "message": message,
            "request_id": crate::request_id::current().unwrap_or_default(),
        });
        HttpResponse::ServiceUnavailable()
    };
    res.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .json(body)
}
