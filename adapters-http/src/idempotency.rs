//! `Idempotency-Key` for POST endpoints: one helper that claims the key, runs
//! the handler once, stores its answer and replays it for duplicates.
//!
//! - missing, blank, longer than 255 or non-printable-ASCII key → 400
//!   `VALIDATION_FAILED` with `fields["Idempotency-Key"]`;
//! - same user + key + request (method, path, canonical JSON body) → the first
//!   answer again, byte for byte, with `Idempotent-Replayed: true`;
//! - same key, different request → 422 `IDEMPOTENCY_KEY_REUSED`;
//! - same key while the first request still runs → 409 `CONFLICT`;
//! - a 5xx answer is not stored (the claim is released, a retry runs again);
//!   every other answer, errors included, is stored and replayed.

use std::future::Future;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use ttokjang_domain::payment::idempotency::{Claim, IdempotencyKey, RequestHash, StoredResponse};
use ttokjang_domain::user::UserId;

use crate::error::ApiError;
use crate::state::ApiState;

/// The header set on a replayed answer.
pub const REPLAYED: &str = "idempotent-replayed";

/// What a guarded handler answers when it succeeds (or answers a business
/// refusal with its own body, e.g. a declined card).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub body: serde_json::Value,
}

/// The key from the request's header, checked.
pub fn key_of(req: &HttpRequest) -> Result<IdempotencyKey, ApiError> {
    let raw = match req.headers().get(IdempotencyKey::HEADER) {
        None => None,
        // `to_str` fails on bytes outside visible ASCII.
        Some(v) => Some(v.to_str().unwrap_or("\u{0}")),
    };
    IdempotencyKey::parse(raw).map_err(|e| {
        let mut err = ApiError::from_invalid(vec![e]);
        err.status = StatusCode::BAD_REQUEST;
        err
    })
}

/// Runs `run` at most once per (user, key, request) and answers duplicates
/// from the store. `body` is the raw request body (fingerprinted).
pub async fn idempotent<F, Fut>(
    req: &HttpRequest,
    state: &ApiState,
    user: UserId,
    body: &[u8],
    run: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Answer, ApiError>>,
{
    let key = key_of(req)?;
    let hash = RequestHash::of(req.method().as_str(), req.path(), body);
    let store = &state.payments.idempotency;
    let claim = store
        .claim(
            user,
            &key,
            &hash,
            state.auth.now(),
            state.payments.lock_timeout,
        )
        .await?;
    match claim {
        Claim::Replay(stored) => Ok(respond(&stored, true)),
        Claim::InProgress => Err(ApiError::new(
            StatusCode::CONFLICT,
            "CONFLICT",
            "a request with this Idempotency-Key is still being processed; retry shortly",
        )),
        Claim::Mismatch => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "IDEMPOTENCY_KEY_REUSED",
            "this Idempotency-Key was already used for a different request; use a new key",
        )),
        Claim::New => {
            let stored = match run().await {
                Ok(a) => StoredResponse {
                    status: a.status.as_u16(),
                    body: a.body.to_string(),
                },
                Err(e) if e.status.is_server_error() => {
                    if let Err(r) = store.release(user, &key).await {
                        tracing::warn!(error = %r, "could not release an idempotency claim");
                    }
                    return Err(e);
                }
                Err(e) => StoredResponse {
                    status: e.status.as_u16(),
                    body: e.envelope().to_string(),
                },
            };
            if let Err(r) = store.finish(user, &key, &stored).await {
                // The answer still goes out; a retry finds the claim stale later.
                tracing::warn!(error = %r, "could not store an idempotent answer");
            }
            Ok(respond(&stored, false))
        }
    }
}

fn respond(stored: &StoredResponse, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut b = HttpResponse::build(status);
    b.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    b.content_type("application/json");
    if replayed {
        b.insert_header((REPLAYED, HeaderValue::from_static("true")));
    }
    b.body(stored.body.clone())
}
