//! The opaque position in a newest-first order list: base64url of the last
//! order's creation instant (microseconds) and id. Not a secret and not
//! signed: a client can only point itself somewhere in its own list.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::OrderId;
use crate::user::InvalidValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderCursor {
    pub created_at: DateTime<Utc>,
    pub id: OrderId,
}

impl OrderCursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!(
            "{}.{}",
            self.created_at.timestamp_micros(),
            self.id.0.simple()
        ))
    }

    pub fn decode(raw: &str) -> Result<Self, InvalidValue> {
        let bad = || InvalidValue::new("cursor", "is not a cursor this service gave out");
        if raw.len() > 128 {
            return Err(bad());
        }
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (micros, id) = text.split_once('.').ok_or_else(bad)?;
        if micros.is_empty() || !micros.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Err(bad());
        }
        let micros: i64 = micros.parse().map_err(|_| bad())?;
        let created_at = DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
        if id.len() != 32 {
            return Err(bad());
        }
        let id = Uuid::try_parse(id).map_err(|_| bad())?;
        Ok(Self {
            created_at,
            id: OrderId(id),
        })
    }
}
