//! Security headers on every answer (API, web app, documents, errors).
//!
//! - `Content-Security-Policy`: everything from our own origin; images also
//!   from OpenStreetMap's tile servers (the map) and `data:`/`blob:` URLs;
//!   no plugins, no framing, no foreign form targets. The built web app has no
//!   inline script (Vite emits module files); React and Leaflet set styles
//!   through the CSSOM, which `style-src 'self'` allows. The Swagger UI page
//!   (`/api-docs/ui/`) sets inline styles, so only it gets
//!   `style-src 'self' 'unsafe-inline'`.
//! - `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`,
//!   `Referrer-Policy: no-referrer`, `Cross-Origin-Opener-Policy: same-origin`.
//! - `Cache-Control: no-store` on `/api/` answers that set no caching policy
//!   of their own: they carry personal data.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::Error;

/// The policy for the web app and the API.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data: blob: https://tile.openstreetmap.org https://*.tile.openstreetmap.org; connect-src 'self'; \
font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
frame-ancestors 'none'";

/// The policy for the bundled Swagger UI, which styles elements inline.
pub const CSP_API_DOCS: &str = "default-src 'self'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let path = req.path().to_owned();
    let mut res = next.call(req).await?;
    apply(&path, res.headers_mut());
    Ok(res)
}

/// Sets the headers on one answer (also used for answers made outside the
/// middleware chain, e.g. framework-level errors).
pub fn apply(path: &str, h: &mut actix_web::http::header::HeaderMap) {
    let csp = if path.starts_with("/api-docs/ui") {
        CSP_API_DOCS
    } else {
        CSP
    };
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if path.starts_with("/api/") && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}
