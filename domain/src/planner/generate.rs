//! The one way a plan request is made, whoever asks (the HTTP routes, a
//! reservation run, the chat): read the shopper's stored defaults, apply and
//! check the request's overrides, then generate and store the plans.

use super::context::PlanDefaults;
use super::service::{Generated, PlanLine, PlanService, PlanningError};
use super::view::{Comparison, ModeSummary};
use super::PlanMode;
use crate::catalog::GeoPoint;
use crate::preferences::Preferences;
use crate::user::UserId;

/// Most lines one plan request may carry in place of the stored basket.
pub const MAX_ITEMS: usize = 100;

/// One line to plan instead of the stored basket's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemOverride {
    /// The line's id in the answer (`basket_item_id`); `None`: `line-N`
    /// (its 1-based position).
    pub id: Option<String>,
    pub product_id: Option<String>,
    pub name: String,
    pub quantity: u32,
}

/// What a plan request changes of the shopper's stored defaults; `None`
/// keeps the stored value. `Default` plans the stored basket with the stored
/// settings (a reservation without its own items, the chat).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanOverrides {
    /// Lines to plan instead of the live basket: an HTTP request's `basket`,
    /// or a reservation's own item list. The stored basket is then not read.
    pub items: Option<Vec<ItemOverride>>,
    /// Where the shopping starts, as (lat, lng).
    pub location: Option<(f64, f64)>,
    /// Stops per offline plan (`Preferences::MAX_STORES_RANGE`).
    pub max_stores: Option<i64>,
    /// Search radius in metres (`Preferences::MAX_DISTANCE_M_RANGE`).
    pub max_distance_m: Option<i64>,
    /// When the shopper leaves (offline: stores closed on arrival are
    /// skipped). `None`: now. At most [`MAX_DEPARTURE_AHEAD_DAYS`] ahead.
    pub departure_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// How far ahead a departure may be.
pub const MAX_DEPARTURE_AHEAD_DAYS: i64 = 366;

/// An override refused: `field` names the request's field (e.g.
/// `basket[2].name`, `max_stores`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {message}")]
pub struct OverrideRefused {
    pub field: String,
    pub message: String,
}

fn refused(field: impl Into<String>, message: impl Into<String>) -> PlanningError {
    PlanningError::Override(OverrideRefused {
        field: field.into(),
        message: message.into(),
    })
}

fn in_range(field: &str, value: i64, (lo, hi): (i64, i64)) -> Result<i64, PlanningError> {
    if (lo..=hi).contains(&value) {
        Ok(value)
    } else {
        Err(refused(field, format!("must be {lo} to {hi}")))
    }
}

impl PlanOverrides {
    /// The defaults with these overrides applied, or the first override
    /// refused (the same bounds as the stored preferences).
    pub fn apply(self, defaults: PlanDefaults) -> Result<PlanDefaults, PlanningError> {
        let PlanDefaults {
            mut lines,
            mut settings,
        } = defaults;
        if let Some(items) = self.items {
            if items.len() > MAX_ITEMS {
                return Err(refused("basket", format!("at most {MAX_ITEMS} items")));
            }
            if let Some(i) = items
                .iter()
                .position(|l| l.name.chars().any(char::is_control))
            {
                return Err(refused(
                    format!("basket[{i}].name"),
                    "must not contain control characters",
                ));
            }
            lines = items
                .into_iter()
                .enumerate()
                .map(|(i, l)| PlanLine {
                    id: l.id.unwrap_or_else(|| format!("line-{}", i + 1)),
                    product_id: l.product_id,
                    name: l.name,
                    quantity: l.quantity,
                })
                .collect();
        }
        if let Some((lat, lng)) = self.location {
            settings.origin = GeoPoint::new(lat, lng).map_err(|e| refused(e.field, e.message))?;
        }
        if let Some(k) = self.max_stores {
            let k = in_range("max_stores", k, Preferences::MAX_STORES_RANGE)?;
            settings.max_stores =
                u8::try_from(k).map_err(|_| refused("max_stores", "too large"))?;
        }
        if let Some(d) = self.max_distance_m {
            settings.max_distance_m =
                in_range("max_distance_m", d, Preferences::MAX_DISTANCE_M_RANGE)?;
        }
        if self.departure_at.is_some() {
            settings.departure_at = self.departure_at;
        }
        Ok(PlanDefaults { lines, settings })
    }
}

impl PlanService {
    /// Plans for `user`: the stored basket, location and preferences with
    /// `overrides` applied and checked, generated and stored as a plan
    /// request. The stored basket is read only when no items are given.
    pub async fn generate_for(
        &self,
        user: UserId,
        mode: PlanMode,
        overrides: PlanOverrides,
    ) -> Result<Generated, PlanningError> {
        let defaults = self
            .shopper()
            .defaults(user, overrides.items.is_none())
            .await
            .map_err(PlanningError::Defaults)?;
        if let Some(t) = overrides.departure_at {
            // From a day ago (a late reservation run) to a year ahead.
            let now = self.clock.now();
            let ahead = chrono::Duration::days(MAX_DEPARTURE_AHEAD_DAYS);
            if t < now - chrono::Duration::days(1) || t > now + ahead {
                return Err(refused(
                    "departure_at",
                    format!("must be from 24 hours ago to {MAX_DEPARTURE_AHEAD_DAYS} days ahead"),
                ));
            }
        }
        let PlanDefaults { lines, settings } = overrides.apply(defaults)?;
        self.generate(user, mode, &lines, &settings).await
    }
}

#[cfg(test)]
#[path = "generate_tests.rs"]
mod tests;

impl PlanService {
    /// Offline against online for the same basket and settings: both are
    /// generated and stored (as two plan requests) and their `cheapest`
    /// plans compared. A mode with no possible plan is `None`; when neither
    /// has one, the offline mode's error is answered.
    pub async fn compare_for(
        &self,
        user: UserId,
        overrides: PlanOverrides,
    ) -> Result<Comparison, PlanningError> {
        let offline = self
            .generate_for(user, PlanMode::Offline, overrides.clone())
            .await;
        let online = self.generate_for(user, PlanMode::Online, overrides).await;
        let (offline, online) = match (offline, online) {
            (
                Err(e @ PlanningError::NoPlanPossible { .. }),
                Err(PlanningError::NoPlanPossible { .. }),
            ) => return Err(e),
            (a, b) => (summary(a)?, summary(b)?),
        };
        Ok(compare(offline, online))
    }
}

fn summary(r: Result<Generated, PlanningError>) -> Result<Option<ModeSummary>, PlanningError> {
    match r {
        Ok(g) => Ok(g.answer.plans.first().map(|p| ModeSummary {
            plan_request_id: g.answer.plan_request_id,
            plan_id: p.plan_id.clone(),
            total_krw: p.total_krw,
            goods_krw: p.goods_krw,
            travel_krw: p.travel_krw,
            delivery_krw: p.delivery_krw,
            surcharge_krw: p.surcharge_krw,
            missing_items: p.missing_items.len(),
            degraded: g.answer.meta.degraded,
        })),
        Err(PlanningError::NoPlanPossible { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Which mode is cheaper: only when both buy the same number of lines (a
/// plan that buys less is not cheaper, it is smaller).
pub fn compare(offline: Option<ModeSummary>, online: Option<ModeSummary>) -> Comparison {
    let (cheaper, difference_krw, comparable) = match (&offline, &online) {
        (Some(off), Some(on)) if off.missing_items == on.missing_items => {
            let cheaper = match off.total_krw.cmp(&on.total_krw) {
                std::cmp::Ordering::Less => Some(PlanMode::Offline),
                std::cmp::Ordering::Greater => Some(PlanMode::Online),
                std::cmp::Ordering::Equal => None,
            };
            (cheaper, (off.total_krw - on.total_krw).abs(), true)
        }
        _ => (None, 0, false),
    };
    Comparison {
        offline,
        online,
        cheaper,
        difference_krw,
        comparable,
    }
}
