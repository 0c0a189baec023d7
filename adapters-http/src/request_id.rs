//! Request ids: echo a sane client id or make one, expose it to error bodies
//! through a task-local, write one log line per request and count it in the
//! metrics.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::Error;
use uuid::Uuid;

pub const HEADER: &str = "x-request-id";

/// The route label of requests no route matched (never the raw path: that
/// would let any client mint new series).
pub const UNMATCHED: &str = "<unmatched>";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, if called inside one.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Runs `f` as if inside a request with this id (for answers made outside
/// the middleware chain, see [`crate::transport`]).
pub fn with_id<R>(id: String, f: impl FnOnce() -> R) -> R {
    REQUEST_ID.sync_scope(id, f)
}

/// A client's id is echoed when it is 1–64 characters of `[A-Za-z0-9._-]`;
/// anything else (too long, spaces, CR/LF) is replaced by a fresh UUID.
pub fn sanitize(client: Option<&str>) -> String {
    match client {
        Some(id)
            if !id.is_empty()
                && id.len() <= 64
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) =>
        {
            id.to_owned()
        }
        _ => Uuid::new_v4().to_string(),
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = sanitize(req.headers().get(HEADER).and_then(|v| v.to_str().ok()));
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let metrics = req
        .app_data::<actix_web::web::Data<crate::ApiState>>()
        .map(|s| s.metrics.clone());
    let res = REQUEST_ID.scope(id.clone(), next.call(req)).await;
    // Handler and extractor errors were already turned into responses inside
    // the scope; what is left here is a middleware failure, answered by actix.
    let mut res = res?;
    let status = res.status();
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| UNMATCHED.to_owned());
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(HeaderName::from_static(HEADER), v);
    }
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(m) = metrics {
        // The template, never the raw path: ids in paths would mint series.
        m.http_request(method.as_str(), &route, status.as_u16(), elapsed);
    }
    let latency_ms = elapsed * 1000.0;
    if status.is_server_error() {
        tracing::error!(request_id = %id, %method, %path, %route, status = status.as_u16(), latency_ms, "request");
    } else {
        tracing::info!(request_id = %id, %method, %path, %route, status = status.as_u16(), latency_ms, "request");
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_ids_are_echoed_others_replaced() {
        assert_eq!(sanitize(Some("abc-123_x.y")), "abc-123_x.y");
        for bad in ["", "has space", "line\nbreak", &"a".repeat(65), "ünï"] {
            let got = sanitize(Some(bad));
            assert_ne!(got, bad);
            assert!(Uuid::parse_str(&got).is_ok());
        }
        assert!(Uuid::parse_str(&sanitize(None)).is_ok());
    }
}
