//! The order use cases: record a manual purchase, record the order of a
//! selected plan (idempotent per plan request), read one, list newest first.

use std::sync::Arc;

use thiserror::Error;

use super::{
    ExternalRef, LineCheck, Order, OrderCursor, OrderId, OrderLine, OrderParts, OrderSource,
    OrderStatus, StoreName,
};

/// Most line changes one request may carry (an order has at most 200 lines).
pub const MAX_CHECKS: usize = 200;
use crate::basket::{ItemName, ProductRef, Quantity};
use crate::error::RepoError;
use crate::order::ports::OrderRepository;
use crate::system::{Clock, RandomSource};
use crate::user::{InvalidValue, UserId};

/// A line as a client sends it; the subtotal is computed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub name: String,
    pub product_id: Option<String>,
    pub store_id: Option<String>,
    pub store_name: Option<String>,
    pub quantity: i64,
    pub unit_price_krw: i64,
}

/// A purchase the shopper records by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManualOrderInput {
    pub lines: Vec<LineInput>,
    pub fees_krw: i64,
}

/// The order of a selected plan (used by the plan "select" endpoints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOrderInput {
    pub source: OrderSource,
    pub plan_request_id: String,
    pub plan_id: String,
    pub status: OrderStatus,
    pub lines: Vec<LineInput>,
    /// Travel (offline) or delivery (online) cost.
    pub fees_krw: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderPage {
    pub items: Vec<Order>,
    /// Present when more orders follow.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum OrderError {
    #[error("invalid order: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<InvalidValue>),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

pub struct OrderService {
    orders: Arc<dyn OrderRepository>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
}

impl OrderService {
    pub const DEFAULT_PAGE: u32 = 20;
    pub const MAX_PAGE: u32 = 100;

    pub fn new(
        orders: Arc<dyn OrderRepository>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
    ) -> Self {
        Self {
            orders,
            clock,
            random,
        }
    }

    /// Records a manual purchase: status `placed`, totals computed.
    pub async fn place_manual(
        &self,
        user: UserId,
        input: ManualOrderInput,
    ) -> Result<Order, OrderError> {
        let order = self.build(
            user,
            OrderSource::Manual,
            None,
            None,
            OrderStatus::Placed,
            input.lines,
            input.fees_krw,
        )?;
        Ok(self.orders.create(&order).await?.order)
    }

    /// Records the order of a selected plan. Selecting the same plan request
    /// again returns the order made the first time (`false` = not new).
    pub async fn place_from_plan(
        &self,
        user: UserId,
        input: PlanOrderInput,
    ) -> Result<(Order, bool), OrderError> {
        let mut p = Vec::new();
        let request = ExternalRef::parse("plan_request_id", &input.plan_request_id)
            .map_err(|e| p.push(e))
            .ok();
        let plan = ExternalRef::parse("plan_id", &input.plan_id)
            .map_err(|e| p.push(e))
            .ok();
        if input.source == OrderSource::Manual {
            p.push(InvalidValue::new("source", "a plan order is not manual"));
        }
        if !p.is_empty() {
            return Err(OrderError::Invalid(p));
        }
        let order = self.build(
            user,
            input.source,
            request,
            plan,
            input.status,
            input.lines,
            input.fees_krw,
        )?;
        let created = self.orders.create(&order).await?;
        Ok((created.order, created.created))
    }

    /// The user's own order; another user's order is "not found".
    pub async fn get(&self, user: UserId, id: OrderId) -> Result<Option<Order>, RepoError> {
        self.orders.find(user, id).await
    }

    /// Ticks or unticks lines of the user's order (its checklist). Each
    /// change sets a line's state, so repeating a request changes nothing
    /// more (idempotent), and two devices ticking different lines never undo
    /// each other; for one line the last write wins. `None`: no such order of
    /// this user. Every line index is checked against the order first; one
    /// bad index changes nothing.
    pub async fn set_checked(
        &self,
        user: UserId,
        id: OrderId,
        checks: &[LineCheck],
    ) -> Result<Option<Order>, OrderError> {
        if checks.is_empty() || checks.len() > MAX_CHECKS {
            return Err(OrderError::Invalid(vec![InvalidValue::new(
                "checks",
                format!("1 to {MAX_CHECKS} changes"),
            )]));
        }
        let Some(order) = self.orders.find(user, id).await? else {
            return Ok(None);
        };
        let bad: Vec<InvalidValue> = checks
            .iter()
            .enumerate()
            .filter(|(_, c)| c.line as usize >= order.lines.len())
            .map(|(i, c)| {
                InvalidValue::new(
                    "checks",
                    format!(
                        "change {}: the order has no line {} (it has {} lines, 0 to {})",
                        i + 1,
                        c.line,
                        order.lines.len(),
                        order.lines.len().saturating_sub(1)
                    ),
                )
            })
            .collect();
        if !bad.is_empty() {
            return Err(OrderError::Invalid(bad));
        }
        Ok(self.orders.set_checked(user, id, checks).await?)
    }

    /// A page of the user's orders, newest first. `limit` defaults to 20 and
    /// must be 1..=100; `cursor` is a `next_cursor` from an earlier page.
    pub async fn list(
        &self,
        user: UserId,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<OrderPage, OrderError> {
        let mut p = Vec::new();
        let limit = match limit {
            None => Self::DEFAULT_PAGE,
            Some(n) => match u32::try_from(n) {
                Ok(n) if (1..=Self::MAX_PAGE).contains(&n) => n,
                _ => {
                    p.push(InvalidValue::new("limit", "must be from 1 to 100"));
                    Self::DEFAULT_PAGE
                }
            },
        };
        let after = cursor
            .map(OrderCursor::decode)
            .transpose()
            .map_err(|e| p.push(e))
            .ok()
            .flatten();
        if !p.is_empty() {
            return Err(OrderError::Invalid(p));
        }
        // One more than asked tells whether another page follows.
        let mut items = self.orders.list(user, after, limit + 1).await?;
        let more = items.len() > limit as usize;
        items.truncate(limit as usize);
        let next_cursor = if more {
            items.last().map(|o| o.cursor().encode())
        } else {
            None
        };
        Ok(OrderPage { items, next_cursor })
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        &self,
        user: UserId,
        source: OrderSource,
        plan_request_id: Option<ExternalRef>,
        plan_id: Option<ExternalRef>,
        status: OrderStatus,
        inputs: Vec<LineInput>,
        fees_krw: i64,
    ) -> Result<Order, OrderError> {
        if inputs.len() > Order::MAX_LINES {
            return Err(OrderError::Invalid(vec![InvalidValue::new(
                "lines",
                "an order has at most 200 lines",
            )]));
        }
        let mut p = Vec::new();
        let mut lines = Vec::with_capacity(inputs.len());
        for (n, l) in inputs.into_iter().enumerate() {
            match line(l) {
                Ok(line) => lines.push(line),
                Err(errs) => p.extend(errs.into_iter().map(|e| {
                    InvalidValue::new(
                        "lines",
                        format!("line {}: {} {}", n + 1, e.field, e.message),
                    )
                })),
            }
        }
        if !p.is_empty() {
            return Err(OrderError::Invalid(p));
        }
        let goods_krw = lines
            .iter()
            .try_fold(0i64, |acc, l| acc.checked_add(l.subtotal_krw))
            .unwrap_or(i64::MAX);
        let total_krw = goods_krw.checked_add(fees_krw).unwrap_or(i64::MAX);
        Order::new(OrderParts {
            id: OrderId(self.random.uuid()),
            user_id: user,
            source,
            plan_request_id,
            plan_id,
            status,
            lines,
            goods_krw,
            fees_krw,
            total_krw,
            created_at: crate::stored_instant(self.clock.now()),
        })
        .map_err(OrderError::Invalid)
    }
}

fn line(input: LineInput) -> Result<OrderLine, Vec<InvalidValue>> {
    let mut p = Vec::new();
    let name = ItemName::parse(&input.name).map_err(|e| p.push(e)).ok();
    let product_id = input
        .product_id
        .as_deref()
        .map(ProductRef::parse)
        .transpose()
        .map_err(|e| p.push(e))
        .ok()
        .flatten();
    let store_id = input
        .store_id
        .as_deref()
        .map(|s| ExternalRef::parse("store_id", s))
        .transpose()
        .map_err(|e| p.push(e))
        .ok()
        .flatten();
    let store_name = StoreName::parse(input.store_name.as_deref())
        .map_err(|e| p.push(e))
        .ok()
        .flatten();
    let quantity = Quantity::new(input.quantity).map_err(|e| p.push(e)).ok();
    if !(0..=Order::MAX_AMOUNT_KRW).contains(&input.unit_price_krw) {
        p.push(InvalidValue::new(
            "unit_price_krw",
            "must be a whole number of 원 from 0 to 100000000",
        ));
    }
    match (name, quantity) {
        (Some(name), Some(quantity)) if p.is_empty() => Ok(OrderLine {
            name,
            product_id,
            store_id,
            store_name,
            quantity,
            unit_price_krw: input.unit_price_krw,
            subtotal_krw: input.unit_price_krw * quantity.get(),
            checked: false,
        }),
        _ => Err(p),
    }
}
