//! Idempotent requests: the client's `Idempotency-Key`, the fingerprint of a
//! request, and what a claim on a key can find.
//!
//! Rules (see docs/API.md "Payments"): keys are per user; the first request
//! with a key claims it and its answer is stored; the same key with the same
//! request (method, path and canonical JSON body) replays that answer; with a
//! different request it is refused; while the first is still running a
//! duplicate is told to retry. A claim older than the lock timeout without an
//! answer belongs to a request that died and may be claimed again.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::user::InvalidValue;

/// A client-chosen key: 1 to 255 printable ASCII characters (space to `~`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX_LEN: usize = 255;
    pub const HEADER: &'static str = "Idempotency-Key";

    pub fn parse(raw: Option<&str>) -> Result<Self, InvalidValue> {
        let field = Self::HEADER;
        let Some(raw) = raw else {
            return Err(InvalidValue::new(
                field,
                "is required on this endpoint (a unique value per intended operation, e.g. a UUID)",
            ));
        };
        if raw.trim().is_empty() {
            return Err(InvalidValue::new(field, "must not be blank"));
        }
        if raw.len() > Self::MAX_LEN {
            return Err(InvalidValue::new(
                field,
                "is too long (at most 255 characters)",
            ));
        }
        if !raw.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err(InvalidValue::new(
                field,
                "must be printable ASCII characters only",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// SHA-256 (hex) of a request's method, path and canonical body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestHash(pub String);

impl RequestHash {
    /// Two requests hash alike when method and path are equal and their JSON
    /// bodies are equal as values (key order and blanks do not matter). A body
    /// that is not JSON is hashed as its bytes.
    pub fn of(method: &str, path: &str, body: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(method.to_ascii_uppercase().as_bytes());
        h.update(b"\n");
        h.update(path.as_bytes());
        h.update(b"\n");
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(v) => {
                let mut out = String::new();
                canonical(&v, &mut out);
                h.update(b"json:");
                h.update(out.as_bytes());
            }
            Err(_) => {
                h.update(b"raw:");
                h.update(body);
            }
        }
        let digest = h.finalize();
        let mut hex = String::with_capacity(64);
        for b in digest {
            let _ = write!(hex, "{b:02x}");
        }
        Self(hex)
    }
}

/// JSON with object keys sorted, no blanks: one text per value.
fn canonical(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(x) = map.get(k) {
                    canonical(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The first answer to a key, kept to be replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    /// The body exactly as first sent (JSON text).
    pub body: String,
}

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The caller owns the key now (first use, or a stale claim taken over):
    /// run the request, then `finish` (or `release` on a transient failure).
    New,
    /// The request was answered before: send this again.
    Replay(StoredResponse),
    /// The first request with this key is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_bounded_printable_ascii() {
        assert!(IdempotencyKey::parse(Some("order-42-try-1")).is_ok());
        assert!(IdempotencyKey::parse(Some(&"k".repeat(255))).is_ok());
        assert!(IdempotencyKey::parse(Some(&"k".repeat(256))).is_err());
        assert!(IdempotencyKey::parse(None).is_err());
        assert!(IdempotencyKey::parse(Some("")).is_err());
        assert!(IdempotencyKey::parse(Some("   ")).is_err());
        assert!(IdempotencyKey::parse(Some("a\tb")).is_err());
        assert!(IdempotencyKey::parse(Some("키")).is_err());
        assert_eq!(
            IdempotencyKey::parse(None).map_err(|e| e.field),
            Err("Idempotency-Key")
        );
    }

    #[test]
    fn hash_ignores_key_order_and_blanks_but_not_values() {
        let a = RequestHash::of("POST", "/p", br#"{"a":1,"b":{"x":[1,2],"y":"z"}}"#);
        let b = RequestHash::of(
            "post",
            "/p",
            b"{ \"b\": {\"y\":\"z\", \"x\":[1, 2]}, \"a\": 1 }",
        );
        assert_eq!(a, b);
        assert_eq!(a.0.len(), 64);
        assert_ne!(
            a,
            RequestHash::of("POST", "/p", br#"{"a":2,"b":{"x":[1,2],"y":"z"}}"#)
        );
        assert_ne!(
            a,
            RequestHash::of("POST", "/q", br#"{"a":1,"b":{"x":[1,2],"y":"z"}}"#)
        );
        assert_ne!(
            a,
            RequestHash::of("PUT", "/p", br#"{"a":1,"b":{"x":[1,2],"y":"z"}}"#)
        );
        assert_ne!(
            RequestHash::of("POST", "/p", br#"{"a":[1,2]}"#),
            RequestHash::of("POST", "/p", br#"{"a":[2,1]}"#)
        );
        assert_eq!(
            RequestHash::of("POST", "/p", b"not json"),
            RequestHash::of("POST", "/p", b"not json")
        );
    }
}
