//! Orders: what was bought, where, and for how much. An order is built only
//! through checks that make its money add up (integer 원, never negative):
//! every line's subtotal is unit price × quantity, goods are the sum of the
//! subtotals, and the total is goods + fees.

mod cursor;
pub mod ports;
mod service;
#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::Deref;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::basket::{ItemName, ProductRef, Quantity};
use crate::error::RepoError;
use crate::text;
use crate::user::{InvalidValue, UserId};

pub use cursor::OrderCursor;
pub use service::{
    LineInput, ManualOrderInput, OrderError, OrderPage, OrderService, PlanOrderInput, MAX_CHECKS,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrderId(pub Uuid);

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where an order came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderSource {
    /// The shopper recorded a purchase by hand.
    Manual,
    OfflinePlan,
    OnlinePlan,
}

impl OrderSource {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderSource::Manual => "manual",
            OrderSource::OfflinePlan => "offline_plan",
            OrderSource::OnlinePlan => "online_plan",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "manual" => Some(OrderSource::Manual),
            "offline_plan" => Some(OrderSource::OfflinePlan),
            "online_plan" => Some(OrderSource::OnlinePlan),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    Placed,
    CheckoutPending,
    Paid,
    Cancelled,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::CheckoutPending => "checkout_pending",
            OrderStatus::Paid => "paid",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "placed" => Some(OrderStatus::Placed),
            "checkout_pending" => Some(OrderStatus::CheckoutPending),
            "paid" => Some(OrderStatus::Paid),
            "cancelled" => Some(OrderStatus::Cancelled),
            _ => None,
        }
    }
}

/// An id from another part of the system (a store, a plan request, a plan):
/// 1 to 64 characters without blanks or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExternalRef(String);

impl ExternalRef {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, InvalidValue> {
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

/// A store's name as shown on an order line: at most 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreName(String);

impl StoreName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, InvalidValue> {
        Ok(text::optional("store_name", raw, Self::MAX_CHARS)?.map(Self))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    pub name: ItemName,
    pub product_id: Option<ProductRef>,
    pub store_id: Option<ExternalRef>,
    pub store_name: Option<StoreName>,
    pub quantity: Quantity,
    pub unit_price_krw: i64,
    pub subtotal_krw: i64,
    /// Ticked off the shopping checklist ("장보기 모드"); new lines are not.
    pub checked: bool,
}

/// One tick or untick of a line of an order's checklist: `line` is the
/// line's index in `lines` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCheck {
    pub line: u32,
    pub checked: bool,
}

/// Every field of an order. Build an [`Order`] from it with [`Order::new`],
/// which checks that the money adds up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderParts {
    pub id: OrderId,
    pub user_id: UserId,
    pub source: OrderSource,
    pub plan_request_id: Option<ExternalRef>,
    pub plan_id: Option<ExternalRef>,
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    pub goods_krw: i64,
    pub fees_krw: i64,
    pub total_krw: i64,
    pub created_at: DateTime<Utc>,
}

/// A checked order. Read its fields through `Deref` to [`OrderParts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order(OrderParts);

impl Deref for Order {
    type Target = OrderParts;
    fn deref(&self) -> &OrderParts {
        &self.0
    }
}

impl Order {
    pub const MAX_LINES: usize = 200;
    /// The largest unit price or fee accepted (1억 원): anything above is a typo.
    pub const MAX_AMOUNT_KRW: i64 = 100_000_000;

    /// Checks: 1 to 200 lines; amounts are whole 원 from 0 to 1억; each
    /// subtotal is unit price × quantity; goods = Σ subtotals; total = goods +
    /// fees; plan orders name their plan request and plan, manual ones do not.
    pub fn new(parts: OrderParts) -> Result<Self, Vec<InvalidValue>> {
        let mut p = Vec::new();
        if parts.lines.is_empty() {
            p.push(InvalidValue::new("lines", "an order has at least one line"));
        }
        if parts.lines.len() > Self::MAX_LINES {
            p.push(InvalidValue::new("lines", "an order has at most 200 lines"));
        }
        let mut goods: i64 = 0;
        for (n, line) in parts.lines.iter().enumerate() {
            let expected = line.unit_price_krw.checked_mul(line.quantity.get());
            if !(0..=Self::MAX_AMOUNT_KRW).contains(&line.unit_price_krw) {
                p.push(InvalidValue::new(
                    "lines",
                    format!("line {}: unit_price_krw must be from 0 to 100000000", n + 1),
                ));
            } else if expected != Some(line.subtotal_krw) {
                p.push(InvalidValue::new(
                    "lines",
                    format!(
                        "line {}: subtotal_krw must be unit_price_krw × quantity",
                        n + 1
                    ),
                ));
            }
            goods = goods.saturating_add(line.subtotal_krw.max(0));
        }
        if !(0..=Self::MAX_AMOUNT_KRW).contains(&parts.fees_krw) {
            p.push(InvalidValue::new("fees_krw", "must be from 0 to 100000000"));
        }
        if p.is_empty() {
            if parts.goods_krw != goods {
                p.push(InvalidValue::new(
                    "goods_krw",
                    "must be the sum of the lines' subtotals",
                ));
            }
            if parts.goods_krw.checked_add(parts.fees_krw) != Some(parts.total_krw) {
                p.push(InvalidValue::new(
                    "total_krw",
                    "must be goods_krw + fees_krw",
                ));
            }
        }
        let from_plan = parts.source != OrderSource::Manual;
        if from_plan && (parts.plan_request_id.is_none() || parts.plan_id.is_none()) {
            p.push(InvalidValue::new(
                "plan_request_id",
                "an order from a plan names its plan request and plan",
            ));
        }
        if !from_plan && (parts.plan_request_id.is_some() || parts.plan_id.is_some()) {
            p.push(InvalidValue::new(
                "plan_request_id",
                "a manual order names no plan",
            ));
        }
        if p.is_empty() {
            Ok(Self(parts))
        } else {
            Err(p)
        }
    }

    /// Rebuilds a stored order; a broken rule means a corrupt row.
    pub fn restore(parts: OrderParts) -> Result<Self, RepoError> {
        Self::new(parts).map_err(|_| RepoError::Corrupt("order totals do not add up".into()))
    }

    /// Where this order sits in the newest-first list.
    pub fn cursor(&self) -> OrderCursor {
        OrderCursor {
            created_at: self.created_at,
            id: self.id,
        }
    }

    /// How many lines are ticked, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.lines.iter().filter(|l| l.checked).count(),
            self.lines.len(),
        )
    }

    pub fn into_parts(self) -> OrderParts {
        self.0
    }
}
