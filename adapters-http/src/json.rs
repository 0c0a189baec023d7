//! Body, path and query parsing whose failures speak the contract's error shape.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest JSON body accepted anywhere (413 above it).
pub const BODY_LIMIT: usize = 256 * 1024;

fn from_serde(e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Data => ApiError::validation([("body", clean(&e.to_string()))]),
        Category::Syntax | Category::Eof | Category::Io => ApiError::invalid_json(format!(
            "the body is not valid JSON: {}",
            clean(&e.to_string())
        )),
    }
}

/// serde's messages may quote the offending input; keep them short and single-line.
fn clean(msg: &str) -> String {
    let one_line: String = msg
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    one_line.chars().take(200).collect()
}

pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!("the body is larger than {BODY_LIMIT} bytes"),
            )
        }
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the body as Content-Type: application/json",
        ),
        JsonPayloadError::Deserialize(e) => from_serde(e),
        _ => ApiError::invalid_json("the body could not be read"),
    };
    api.into()
}

pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::not_found(format!("no such resource ({})", clean(&err.to_string()))).into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::validation([("query", clean(&err.to_string()))]).into()
}

/// For endpoints whose body is optional: empty → `None`, otherwise it must be
/// valid JSON of the given shape.
pub fn optional_body<T: DeserializeOwned>(bytes: &web::Bytes) -> Result<Option<T>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(bytes)
        .map(Some)
        .map_err(|e| from_serde(&e))
}

/// A required JSON body read from raw bytes (for handlers that also need the
/// bytes, e.g. to fingerprint an idempotent request).
pub fn required_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| from_serde(&e))
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT)
        .error_handler(json_error)
}
