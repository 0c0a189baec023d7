//! Serving the built web app from `WEB_DIST` with a single-page-app fallback:
//! any GET that is not a file and not under `/api` gets `index.html`.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{fn_service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::web;

use crate::server::not_built;

pub fn site(dist: PathBuf) -> impl Fn(&mut web::ServiceConfig) + Clone {
    move |cfg: &mut web::ServiceConfig| {
        let index = dist.join("index.html");
        if !index.is_file() {
            cfg.default_service(web::to(not_built));
            return;
        }
        cfg.service(
            Files::new("/", dist.clone())
                .index_file("index.html")
                .prefer_utf8(true)
                // Source maps are never served, even if a build left some.
                .path_filter(|path, _| !is_source_map(&path.to_string_lossy()))
                .default_handler(fn_service(move |req: ServiceRequest| {
                    let index = index.clone();
                    async move {
                        let (req, _) = req.into_parts();
                        if is_source_map(req.path()) {
                            let res = actix_web::HttpResponse::NotFound()
                                .content_type("text/plain; charset=utf-8")
                                .body("not found");
                            return Ok(ServiceResponse::new(req, res));
                        }
                        let mut res = NamedFile::open_async(&index).await?.into_response(&req);
                        // The shell must be re-fetched so new deployments show up.
                        res.headers_mut()
                            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                        Ok(ServiceResponse::new(req, res))
                    }
                })),
        );
    }
}

/// `*.map` (JavaScript and CSS source maps).
fn is_source_map(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".map")
}
