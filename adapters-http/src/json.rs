//! Body, path and query parsing whose failures speak the contract's error shape.

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::mime;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest JSON body accepted anywhere (413 above it).
pub const BODY_LIMIT: usize = 256 * 1024;

fn from_serde(e: &serde_json::Error) -> ApiError {
    from_serde_at(e, "")
}

/// A serde error in our own words: the field's path and what is wrong with it,
/// never serde's text (which quotes the input and lists our type's fields).
fn from_serde_at(e: &serde_json::Error, path: &str) -> ApiError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Data => {
            let (field, problem) = describe(path, "body", &bare_message(e));
            ApiError::validation([(field, problem)])
        }
        Category::Syntax | Category::Eof | Category::Io => ApiError::invalid_json(format!(
            "the body is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        )),
    }
}

/// serde_json's message without its " at line L column C" suffix.
fn bare_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Keeps a message short and single-line.
fn clean(msg: &str) -> String {
    let one_line: String = msg
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    one_line.chars().take(200).collect()
}

/// The name between the first pair of backticks of a serde message.
fn quoted(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

/// `path.name`, unless `path` already ends at `name` (serde_path_to_error
/// records an unknown or duplicate key as a step, a missing one not).
fn join(path: &str, name: &str) -> String {
    if path == name || path.ends_with(&format!(".{name}")) {
        path.to_owned()
    } else if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// Maps serde's message for the value at `path` (empty: the whole body) to
/// `(field, problem)`. serde's data errors come from a handful of fixed
/// templates (`serde::de::Error`'s provided methods); anything else is a
/// message from one of our own `TryFrom` conversions, kept when it quotes
/// nothing.
fn describe(path: &str, root: &str, msg: &str) -> (String, String) {
    let at = |p: &str| {
        if p.is_empty() {
            root.to_owned()
        } else {
            p.to_owned()
        }
    };
    if msg.starts_with("unknown field") {
        let name = quoted(msg).unwrap_or("?");
        return (join(path, &clean(name)), "is not a known field".to_owned());
    }
    if msg.starts_with("missing field") {
        let name = quoted(msg).unwrap_or("?");
        return (join(path, &clean(name)), "is required".to_owned());
    }
    if msg.starts_with("duplicate field") {
        let name = quoted(msg).unwrap_or("?");
        return (
            join(path, &clean(name)),
            "appears more than once".to_owned(),
        );
    }
    if msg.starts_with("unknown variant") {
        let allowed = msg
            .split_once("expected ")
            .map(|(_, list)| list.replace("one of ", "").replace('`', ""));
        let problem = match allowed {
            Some(list) if !list.is_empty() => format!("must be one of: {}", clean(&list)),
            _ => "is not one of the accepted values".to_owned(),
        };
        return (at(path), problem);
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        return (at(path), expected_kind(expected).to_owned());
    }
    if msg.starts_with("invalid value") {
        return (at(path), "has a value that is not allowed".to_owned());
    }
    if msg.starts_with("invalid length") {
        return (at(path), "has the wrong number of items".to_owned());
    }
    if msg.contains("out of range") || msg.contains("number") && msg.contains("large") {
        return (at(path), "is out of range".to_owned());
    }
    if msg.contains('`') || msg.contains("expected") || msg.is_empty() {
        return (at(path), "is not valid".to_owned());
    }
    (at(path), clean(msg))
}

/// What serde says it expected (`Expected`'s text) → "must be …".
fn expected_kind(expected: &str) -> &'static str {
    const INTEGERS: [&str; 12] = [
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    ];
    let e = expected.trim();
    if INTEGERS.contains(&e) {
        "must be a whole number"
    } else if e == "f32" || e == "f64" || e.contains("number") {
        "must be a number"
    } else if e.contains("bool") {
        "must be true or false"
    } else if e.contains("string") || e == "a character" || e.contains("UUID") {
        "must be a string"
    } else if e.contains("sequence") || e.contains("array") || e.starts_with("tuple") {
        "must be an array"
    } else if e.contains("object") || e.contains("map") || e.starts_with("struct") {
        "must be an object"
    } else {
        "has the wrong type"
    }
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

pub fn path_error(_err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::not_found("no such resource").into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let (field, problem) = match &err {
        QueryPayloadError::Deserialize(e) => describe("", "query", &e.to_string()),
        _ => ("query".to_owned(), "is not valid".to_owned()),
    };
    ApiError::validation([(field, problem)]).into()
}

/// `Content-Type: application/json`, with or without parameters (`charset`);
/// nothing else (not `text/json`, not `…+json`): the contract promises 415.
fn is_json_type(req: &HttpRequest) -> bool {
    req.mime_type().ok().flatten().is_some_and(|m| {
        m.type_() == mime::APPLICATION && m.subtype() == mime::JSON && m.suffix().is_none()
    })
}

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
        "send the body as Content-Type: application/json",
    )
}

/// For handlers that read raw bytes: a non-empty body must be sent as
/// `application/json`, else 415.
fn require_json_type(req: &HttpRequest, bytes: &[u8]) -> Result<(), ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    if is_json_type(req) {
        Ok(())
    } else {
        Err(unsupported_media_type())
    }
}

/// serde lets a struct be written as a JSON array of its fields (so `[]` is an
/// empty struct when every field is optional); the contract's bodies are objects.
fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        from_serde_at(e.inner(), &path)
    })?;
    de.end().map_err(|e| from_serde(&e))?;
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

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        format!("the body is larger than {BODY_LIMIT} bytes"),
    )
}

/// The JSON body extractor every route uses instead of `web::Json`:
/// `Content-Type` must be `application/json` (a `charset` is fine) or the
/// answer is 415 before anything is read; the body is read up to
/// [`BODY_LIMIT`] (413 above it); parse errors are answered in our own words
/// with the field's path (`items[0].quantity: must be a whole number`), never
/// with serde's text.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !is_json_type(req) {
            return Box::pin(async { Err(unsupported_media_type().into()) });
        }
        // `web::Bytes` applies the `PayloadConfig` limit and decompresses.
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = bytes.await.map_err(|e| {
                if matches!(e.as_error::<PayloadError>(), Some(PayloadError::Overflow)) {
                    too_large()
                } else {
                    ApiError::invalid_json("the body could not be read")
                }
            })?;
            from_slice(&body).map(Json).map_err(Into::into)
        })
    }
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(BODY_LIMIT)
        .error_handler(json_error)
}
