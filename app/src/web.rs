//! Serving the built web app from `WEB_DIST` with a single-page-app fallback:
//! any GET that is not a file and not under `/api` gets `index.html`.
//!
//! Caching: files under `/assets/` carry a content hash in their name (Vite), so
//! they are `public, max-age=31536000, immutable`; everything else (index.html,
//! the SPA fallback, favicon) is `no-cache` so a new deployment shows up at once.
//! Source maps (`*.map`) are never served, even if a build left some in `dist`.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::body::MessageBody;
use actix_web::dev::{fn_service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpResponse};

use crate::server::not_built;

/// `Cache-Control` of content-hashed build output.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of the HTML shell and un-hashed files.
pub const NO_CACHE: &str = "no-cache";

/// Whether `path` (a request path) names a content-hashed build asset.
fn is_hashed_asset(path: &str) -> bool {
    path.starts_with("/assets/") && !path.ends_with('/')
}

/// Sets `Cache-Control` on successful (and 304) static answers: immutable for a
/// hashed asset, `no-cache` for the HTML shell and everything else.
async fn cache_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let hashed = is_hashed_asset(req.path());
    let mut res = next.call(req).await?;
    let status = res.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        let value = if hashed { IMMUTABLE } else { NO_CACHE };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    Ok(res)
}

fn is_source_map(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("map"))
}

pub fn site(dist: PathBuf) -> impl Fn(&mut web::ServiceConfig) + Clone {
    move |cfg: &mut web::ServiceConfig| {
        let index = dist.join("index.html");
        if !index.is_file() {
            cfg.default_service(web::to(not_built));
            return;
        }
        cfg.service(
            web::scope("").wrap(from_fn(cache_headers)).service(
                Files::new("/", dist.clone())
                    .index_file("index.html")
                    .prefer_utf8(true)
                    .path_filter(|path, _| !is_source_map(path))
                    .default_handler(fn_service(move |req: ServiceRequest| {
                        let index = index.clone();
                        async move {
                            let (req, _) = req.into_parts();
                            // a missing hashed asset or any source map is a plain 404,
                            // never the HTML shell (which would then be cached for a year)
                            if is_hashed_asset(req.path()) || is_source_map(Path::new(req.path())) {
                                return Ok(ServiceResponse::new(
                                    req,
                                    HttpResponse::NotFound().finish(),
                                ));
                            }
                            let res = NamedFile::open_async(&index).await?.into_response(&req);
                            Ok(ServiceResponse::new(req, res))
                        }
                    })),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_the_files_under_assets() {
        assert!(is_hashed_asset("/assets/index-3f9a1c2b.js"));
        assert!(!is_hashed_asset("/assets/"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/favicon.svg"));
        assert!(!is_hashed_asset("/basket"));
    }

    #[test]
    fn source_maps_are_recognised() {
        assert!(is_source_map(Path::new("assets/index-3f9a.js.map")));
        assert!(is_source_map(Path::new("a.MAP")));
        assert!(!is_source_map(Path::new("assets/index-3f9a.js")));
    }
}
