//! Validation and the shared preparation of both engines: lines sorted by id,
//! stores sorted by id, the cost matrix and the reasons for missing lines.

use std::collections::HashMap;

use super::model::{
    limits, Assignment, BasketLine, Missing, MissingReason, PlanError, ProductKey, StoreId,
    UnitPrice,
};

/// Marks "this store cannot supply this line" in a cost matrix. Far above any
/// real sum (< 2·10¹³) yet far from overflowing when a few are added.
pub(crate) const INF: i64 = i64::MAX / 8;

/// Validates the basket and returns its lines sorted by id.
pub(crate) fn sorted_lines(lines: &[BasketLine]) -> Result<Vec<&BasketLine>, PlanError> {
    if lines.is_empty() {
        return Err(PlanError::EmptyBasket);
    }
    if lines.len() > limits::MAX_LINES {
        return Err(PlanError::TooLarge(format!(
            "{} basket lines (at most {})",
            lines.len(),
            limits::MAX_LINES
        )));
    }
    let mut sorted: Vec<&BasketLine> = lines.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    for pair in sorted.windows(2) {
        if pair[0].id == pair[1].id {
            return Err(PlanError::DuplicateLine(pair[0].id.clone()));
        }
    }
    for line in &sorted {
        if line.quantity == 0 || line.quantity > limits::MAX_QUANTITY {
            return Err(PlanError::InvalidQuantity {
                line_id: line.id.clone(),
            });
        }
    }
    Ok(sorted)
}

/// Sorts stores by id and refuses duplicate ids.
pub(crate) fn sorted_by_id<T>(
    items: &[T],
    id: impl Fn(&T) -> &StoreId,
) -> Result<Vec<&T>, PlanError> {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by(|a, b| id(a).cmp(id(b)));
    for pair in sorted.windows(2) {
        if id(pair[0]) == id(pair[1]) {
            return Err(PlanError::DuplicateStore(id(pair[0]).clone()));
        }
    }
    Ok(sorted)
}

/// Checks the price rows of one store for the basket's products (other rows
/// are not looked at).
pub(crate) fn check_prices(
    store: &StoreId,
    prices: &HashMap<ProductKey, UnitPrice>,
    lines: &[&BasketLine],
) -> Result<(), PlanError> {
    for line in lines {
        if let Some(p) = prices.get(&line.product) {
            if p.price_krw < 1 || p.price_krw > limits::MAX_UNIT_PRICE_KRW {
                return Err(PlanError::InvalidPrice {
                    store_id: store.clone(),
                    product: line.product.clone(),
                });
            }
        }
    }
    Ok(())
}

/// [`line_cost`] that also checks the price row it reads (as [`check_prices`]).
pub(crate) fn checked_line_cost(
    store: &StoreId,
    prices: &HashMap<ProductKey, UnitPrice>,
    line: &BasketLine,
) -> Result<i64, PlanError> {
    match prices.get(&line.product) {
        Some(p) if p.price_krw < 1 || p.price_krw > limits::MAX_UNIT_PRICE_KRW => {
            Err(PlanError::InvalidPrice {
                store_id: store.clone(),
                product: line.product.clone(),
            })
        }
        Some(p) if p.in_stock => Ok(p.price_krw * i64::from(line.quantity)),
        _ => Ok(INF),
    }
}

pub(crate) fn check_fee(field: &'static str, value: i64) -> Result<(), PlanError> {
    if !(0..=limits::MAX_FEE_KRW).contains(&value) {
        return Err(PlanError::param(
            field,
            format!("must be 0..={} KRW", limits::MAX_FEE_KRW),
        ));
    }
    Ok(())
}

/// The cost of `line` at a store: quantity × unit price when in stock.
pub(crate) fn line_cost(prices: &HashMap<ProductKey, UnitPrice>, line: &BasketLine) -> i64 {
    match prices.get(&line.product) {
        Some(p) if p.in_stock => p.price_krw.saturating_mul(i64::from(line.quantity)),
        _ => INF,
    }
}

/// Why a line that no candidate can supply is missing.
/// `listed`: some store of the request lists it (out of stock);
/// `in_stock_elsewhere`: some store outside the candidates has it in stock.
pub(crate) fn unavailable_reason(listed: bool, in_stock_elsewhere: bool) -> MissingReason {
    if in_stock_elsewhere {
        MissingReason::OutOfRange
    } else if listed {
        MissingReason::OutOfStock
    } else {
        MissingReason::NotSold
    }
}

pub(crate) fn missing(line: &BasketLine, reason: MissingReason) -> Missing {
    Missing {
        line_id: line.id.clone(),
        product: line.product.clone(),
        quantity: line.quantity,
        reason,
    }
}

pub(crate) fn assignment(line: &BasketLine, cost: i64) -> Assignment {
    let quantity = line.quantity;
    Assignment {
        line_id: line.id.clone(),
        product: line.product.clone(),
        quantity,
        unit_price_krw: cost / i64::from(quantity.max(1)),
        subtotal_krw: cost,
    }
}

/// Merges plans that buy at the same stores for the same total: the first one
/// keeps its label and gains the later ones' labels as `other_labels`.
pub(crate) fn dedup<T>(found: Vec<(super::PlanLabel, T, super::Plan)>) -> Vec<super::Plan>
where
    T: PartialEq,
{
    let mut out: Vec<(T, super::Plan)> = Vec::new();
    for (label, key, plan) in found {
        if let Some((_, existing)) = out.iter_mut().find(|(k, _)| *k == key) {
            existing.other_labels.push(label);
        } else {
            out.push((key, plan));
        }
    }
    out.into_iter().map(|(_, p)| p).collect()
}
