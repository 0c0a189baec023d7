//! The shopper's basket: typed lines, at most one line per product (or per
//! normalised name when no product is known), and a version for optimistic
//! concurrency so that two devices never silently overwrite each other.

pub mod ports;
mod service;
#[cfg(test)]
mod tests;

use std::fmt;

use chrono::{DateTime, Utc};
use thiserror::Error;
use uuid::Uuid;

use crate::text;
use crate::user::{InvalidValue, UserId};

pub use service::{
    Applied, BasketChange, BasketService, BasketUseError, ChangeOutcome, ItemInput, ItemPatch,
};

/// A basket line's identifier, unique within one basket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BasketItemId(pub Uuid);

impl fmt::Display for BasketItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How many of a thing: a whole number from 1 to 99.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(u8);

impl Quantity {
    pub const MIN: i64 = 1;
    pub const MAX: i64 = 99;

    pub fn new(n: i64) -> Result<Self, InvalidValue> {
        Self::in_field("quantity", n)
    }

    /// As [`Quantity::new`], naming another input field in the error.
    pub fn in_field(field: &'static str, n: i64) -> Result<Self, InvalidValue> {
        if !(Self::MIN..=Self::MAX).contains(&n) {
            return Err(InvalidValue::new(
                field,
                "must be a whole number from 1 to 99",
            ));
        }
        u8::try_from(n)
            .map(Self)
            .map_err(|_| InvalidValue::new(field, "must be a whole number from 1 to 99"))
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }

    /// The sum, if it stays within the bound.
    pub fn checked_add(self, other: Quantity) -> Option<Quantity> {
        Quantity::new(self.get() + other.get()).ok()
    }
}

/// What the shopper calls the item: 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemName(String);

impl ItemName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        Self::in_field("name", raw)
    }

    pub fn in_field(field: &'static str, raw: &str) -> Result<Self, InvalidValue> {
        text::required(field, raw, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form two names are compared in when no product id tells them apart.
    pub fn normalised(&self) -> String {
        text::fold(&self.0)
    }
}

/// A catalog product's id as the basket refers to it: 1 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProductRef(String);

impl ProductRef {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        Self::in_field("product_id", raw)
    }

    pub fn in_field(field: &'static str, raw: &str) -> Result<Self, InvalidValue> {
        let s = text::required(field, raw, Self::MAX_CHARS)?;
        if s.chars().any(char::is_whitespace) {
            return Err(InvalidValue::new(field, "must not contain spaces"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A unit the shopper wrote ("팩", "L", "개"): at most 20 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemUnit(String);

impl ItemUnit {
    pub const MAX_CHARS: usize = 20;

    /// `None` for blank input.
    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, InvalidValue> {
        Ok(text::optional("unit", raw, Self::MAX_CHARS)?.map(Self))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A free note on a line ("무지방으로"): at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemNote(String);

impl ItemNote {
    pub const MAX_CHARS: usize = 200;

    /// `None` for blank input.
    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, InvalidValue> {
        Ok(text::optional("note", raw, Self::MAX_CHARS)?.map(Self))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasketItem {
    pub id: BasketItemId,
    pub product_id: Option<ProductRef>,
    pub name: ItemName,
    pub quantity: Quantity,
    pub unit: Option<ItemUnit>,
    pub note: Option<ItemNote>,
}

/// What makes two lines "the same thing": the product, else the folded name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum MergeKey {
    Product(String),
    Name(String),
}

impl BasketItem {
    fn merge_key(&self) -> MergeKey {
        match &self.product_id {
            Some(p) => MergeKey::Product(p.as_str().to_owned()),
            None => MergeKey::Name(self.name.normalised()),
        }
    }
}

/// Why a change to the basket was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum BasketError {
    #[error("invalid basket: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<InvalidValue>),
    #[error("no such basket item")]
    ItemNotFound,
}

impl From<InvalidValue> for BasketError {
    fn from(v: InvalidValue) -> Self {
        BasketError::Invalid(vec![v])
    }
}

/// A shopper's basket. `version` is 0 until the first write and grows by one
/// with every stored change; `updated_at` is `None` until the first write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basket {
    pub user_id: UserId,
    items: Vec<BasketItem>,
    pub updated_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl Basket {
    pub const MAX_ITEMS: usize = 100;

    /// The basket of a shopper who never stored one.
    pub fn empty(user_id: UserId) -> Self {
        Self {
            user_id,
            items: Vec::new(),
            updated_at: None,
            version: 0,
        }
    }

    /// A basket made of `items`, checked: at most 100 lines, ids unique, and
    /// at most one line per product (or per normalised name without product).
    pub fn new(
        user_id: UserId,
        items: Vec<BasketItem>,
        updated_at: Option<DateTime<Utc>>,
        version: i64,
    ) -> Result<Self, BasketError> {
        check_lines(&items)?;
        Ok(Self {
            user_id,
            items,
            updated_at,
            version,
        })
    }

    pub fn items(&self) -> &[BasketItem] {
        &self.items
    }

    pub fn item(&self, id: BasketItemId) -> Option<&BasketItem> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Replaces every line (the checks of [`Basket::new`] apply).
    pub fn replace(&mut self, items: Vec<BasketItem>) -> Result<(), BasketError> {
        check_lines(&items)?;
        self.items = items;
        Ok(())
    }

    /// Adds a line, or adds its quantity to the line of the same product (or
    /// same normalised name). Returns the id of the line that now holds it.
    /// A merged quantity above 99 or a 101st line is refused.
    pub fn add(&mut self, item: BasketItem) -> Result<BasketItemId, BasketError> {
        let key = item.merge_key();
        if let Some(existing) = self.items.iter_mut().find(|i| i.merge_key() == key) {
            existing.quantity = existing
                .quantity
                .checked_add(item.quantity)
                .ok_or_else(|| {
                    InvalidValue::new(
                        "quantity",
                        format!(
                            "would make {} on the line already in the basket (at most 99)",
                            existing.quantity.get() + item.quantity.get()
                        ),
                    )
                })?;
            if item.unit.is_some() {
                existing.unit = item.unit;
            }
            if item.note.is_some() {
                existing.note = item.note;
            }
            return Ok(existing.id);
        }
        if self.items.len() >= Self::MAX_ITEMS {
            return Err(too_many().into());
        }
        let id = item.id;
        if self.item(id).is_some() {
            return Err(InvalidValue::new("id", "is already used by another line").into());
        }
        self.items.push(item);
        Ok(id)
    }

    /// Changes a line's quantity, unit or note.
    pub fn update(&mut self, id: BasketItemId, patch: Patch) -> Result<(), BasketError> {
        let line = self
            .items
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or(BasketError::ItemNotFound)?;
        if let Some(q) = patch.quantity {
            line.quantity = q;
        }
        if let Some(unit) = patch.unit {
            line.unit = unit;
        }
        if let Some(note) = patch.note {
            line.note = note;
        }
        Ok(())
    }

    /// Removes a line; `ItemNotFound` when there is none with that id.
    pub fn remove(&mut self, id: BasketItemId) -> Result<BasketItem, BasketError> {
        let at = self
            .items
            .iter()
            .position(|i| i.id == id)
            .ok_or(BasketError::ItemNotFound)?;
        Ok(self.items.remove(at))
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }
}

/// A validated change to one line. `unit`/`note`: `None` keeps the value,
/// `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patch {
    pub quantity: Option<Quantity>,
    pub unit: Option<Option<ItemUnit>>,
    pub note: Option<Option<ItemNote>>,
}

fn too_many() -> InvalidValue {
    InvalidValue::new("items", "a basket holds at most 100 lines")
}

fn check_lines(items: &[BasketItem]) -> Result<(), BasketError> {
    if items.len() > Basket::MAX_ITEMS {
        return Err(too_many().into());
    }
    let mut ids = std::collections::HashSet::new();
    let mut keys = std::collections::HashSet::new();
    for item in items {
        if !ids.insert(item.id) {
            return Err(InvalidValue::new("items", "two lines have the same id").into());
        }
        if !keys.insert(item.merge_key()) {
            return Err(InvalidValue::new(
                "items",
                format!(
                    "\"{}\" appears on two lines; put it on one line with the total quantity",
                    item.name.as_str()
                ),
            )
            .into());
        }
    }
    Ok(())
}
