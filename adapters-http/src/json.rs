//! Body, path and query parsing whose failures speak the contract's error shape.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest};
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

/// What `web::Json` checks before parsing, for handlers that read raw bytes:
/// a non-empty body must be sent as `application/json` (or `…+json`), else 415.
fn require_json_type(req: &HttpRequest, bytes: &[u8]) -> Result<(), ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let is_json = req
        .mime_type()
        .ok()
        .flatten()
        .is_some_and(|m| m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the body as Content-Type: application/json",
        ))
    }
}

/// serde lets a struct be written as a JSON array of its fields (so `[]` is an
/// empty struct when every field is optional); the contract's bodies are objects.
fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: T = serde_json::from_slice(bytes).map_err(|e| from_serde(&e))?;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(ApiError::validation([("body", "must be a JSON object")]));
    }
    Ok(value)
}

/// For endpoints whose body is optional: empty → `None`, otherwise it must be
/// a JSON object of the given shape, sent as JSON.
pub fn optional_body<T: DeserializeOwned>(
    req: &HttpRequest,
    bytes: &web::Bytes,
) -> Result<Option<T>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    require_json_type(req, bytes)?;
    from_slice(bytes).map(Some)
}

/// A required JSON body read from raw bytes (for handlers that also need the
/// bytes, e.g. to fingerprint an idempotent request), with the checks of
/// `web::Json` (content type) plus "a JSON object".
pub fn required_body<T: DeserializeOwned>(req: &HttpRequest, bytes: &[u8]) -> Result<T, ApiError> {
    require_json_type(req, bytes)?;
    from_slice(bytes)
}

/// A request body that must be a JSON object: `web::Json<Object<T>>`.
///
/// serde's derived `Deserialize` also reads a struct from a JSON array of its
/// fields (`["hi"]` would be `ChatBody { message: "hi" }`); the contract's
/// bodies are objects, so anything else is refused like any other wrong type
/// (422 `VALIDATION_FAILED`), with serde's position in the message.
#[derive(Debug)]
pub struct Object<T>(pub T);

impl<T> std::ops::Deref for Object<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OnlyMaps<T>(std::marker::PhantomData<T>);

        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for OnlyMaps<T> {
            type Value = T;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }

        d.deserialize_map(OnlyMaps(std::marker::PhantomData))
            .map(Object)
    }
}

/// `#[serde(deserialize_with = "…")]` helpers for objects nested in a body
/// (the same rule as [`Object`], one level down).
pub fn object_opt<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Option::<Object<T>>::deserialize(d)?.map(|o| o.0))
}

pub fn objects<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Vec::<Object<T>>::deserialize(d)?
        .into_iter()
        .map(|o| o.0)
        .collect())
}

pub fn objects_opt<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Option::<Vec<Object<T>>>::deserialize(d)?.map(|v| v.into_iter().map(|o| o.0).collect()))
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT)
        .error_handler(json_error)
}
