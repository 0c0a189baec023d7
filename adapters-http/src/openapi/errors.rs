//! The errors every operation can answer, added from the operation's shape,
//! and the `X-Request-Id` header on every answer.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Content, OpenApi as Document, RefOr, Required, Response, ResponseBuilder};
use utoipa::Modify;

/// The operations of a path item, whatever their method.
pub(super) fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
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
pub(super) struct StandardErrors;

pub(super) fn error(description: &str) -> RefOr<Response> {
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
