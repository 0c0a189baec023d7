//! Cursor pagination for list endpoints: `limit` (default 20, at most 100) and
//! an opaque cursor naming the last item seen. Lists are newest first, ordered
//! by an instant and then an id, so a cursor is that pair.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::user::InvalidValue;

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// The position after which the next page starts (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    /// Opaque to clients: base64url of `micros:uuid`.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.at.timestamp_micros(), self.id))
    }

    pub fn decode(raw: &str) -> Result<Self, InvalidValue> {
        let bad = || InvalidValue::new("cursor", "is not a cursor this API handed out");
        if raw.len() > 128 {
            return Err(bad());
        }
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (micros, id) = text.split_once(':').ok_or_else(bad)?;
        let at = micros
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_micros)
            .ok_or_else(bad)?;
        let id = Uuid::parse_str(id).map_err(|_| bad())?;
        Ok(Self { at, id })
    }
}

/// Which page a client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<Cursor>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            after: None,
        }
    }
}

impl PageRequest {
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, Vec<InvalidValue>> {
        let mut problems = Vec::new();
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(n) if (1..=i64::from(MAX_LIMIT)).contains(&n) => {
                u32::try_from(n).unwrap_or(DEFAULT_LIMIT)
            }
            Some(_) => {
                problems.push(InvalidValue::new("limit", "must be 1 to 100"));
                DEFAULT_LIMIT
            }
        };
        let after = match cursor.filter(|c| !c.trim().is_empty()) {
            None => None,
            Some(c) => match Cursor::decode(c) {
                Ok(c) => Some(c),
                Err(e) => {
                    problems.push(e);
                    None
                }
            },
        };
        if problems.is_empty() {
            Ok(Self { limit, after })
        } else {
            Err(problems)
        }
    }

    /// How many rows an adapter fetches: one more than the page, to learn
    /// whether another page follows.
    pub fn fetch(&self) -> i64 {
        i64::from(self.limit) + 1
    }
}

/// One page of a list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<Cursor>,
}

impl<T> Page<T> {
    /// From up to `limit + 1` rows in list order: the extra row only says that
    /// a next page exists.
    pub fn from_rows(mut rows: Vec<T>, request: &PageRequest, key: impl Fn(&T) -> Cursor) -> Self {
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if more { rows.last().map(key) } else { None };
        Self {
            items: rows,
            next_cursor,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = Cursor {
            at: DateTime::from_timestamp_micros(1_800_000_000_123_456).expect("instant"),
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Ok(c));
        for bad in ["", "!!!", "bm9wZQ", &"a".repeat(200)] {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits_default_and_bounds() {
        assert_eq!(PageRequest::parse(None, None), Ok(PageRequest::default()));
        assert_eq!(
            PageRequest::parse(Some(100), None).map(|p| p.limit),
            Ok(100)
        );
        assert!(PageRequest::parse(Some(0), None).is_err());
        assert!(PageRequest::parse(Some(101), None).is_err());
        assert!(PageRequest::parse(None, Some("zz")).is_err());
    }

    #[test]
    fn extra_row_makes_a_next_cursor() {
        let req = PageRequest {
            limit: 2,
            after: None,
        };
        let id = Uuid::nil();
        let key = |n: &i64| Cursor {
            at: DateTime::from_timestamp(*n, 0).unwrap_or_default(),
            id,
        };
        let p = Page::from_rows(vec![3, 2, 1], &req, key);
        assert_eq!(p.items, vec![3, 2]);
        assert_eq!(p.next_cursor.map(|c| c.at.timestamp()), Some(2));
        let p = Page::from_rows(vec![3, 2], &req, key);
        assert_eq!(p.next_cursor, None);
    }
}
