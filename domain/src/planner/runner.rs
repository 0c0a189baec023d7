//! A reservation run: plan the shopper's stored basket with their stored
//! settings (`PlanService::generate_for`), and sum the best plan up for the
//! notification.

use std::sync::Arc;

use async_trait::async_trait;

use super::generate::{ItemOverride, PlanOverrides};
use super::service::{PlanService, PlanningError};
use super::PlanMode;
use crate::reservation::ports::ReservationRunner;
use crate::reservation::{PlannedItem, Reservation, ResultStatus, RunOutcome};

pub struct PlanRunner {
    plans: Arc<PlanService>,
}

impl PlanRunner {
    pub fn new(plans: Arc<PlanService>) -> Self {
        Self { plans }
    }
}

/// A reservation's own lines as plan lines (`planned-1`, `planned-2`, … by position).
fn planned_lines(items: &[PlannedItem]) -> Vec<ItemOverride> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| ItemOverride {
            id: Some(format!("planned-{}", i + 1)),
            product_id: item.product_id.as_ref().map(|p| p.as_str().to_owned()),
            name: item.name.as_str().to_owned(),
            quantity: u32::try_from(item.quantity.get()).unwrap_or(1),
        })
        .collect()
}

/// 12345 → "12,345".
pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[async_trait]
impl ReservationRunner for PlanRunner {
    async fn run(
        &self,
        reservation: &Reservation,
        scheduled_for: chrono::DateTime<chrono::Utc>,
    ) -> RunOutcome {
        let user = reservation.user_id;
        let own = reservation.planned_items.as_deref();
        // What the run plans, as the shopper's messages name it.
        let source = if own.is_some() {
            "예약 품목"
        } else {
            "장바구니"
        };
        // A reservation with its own list does not read the live basket.
        // The trip leaves at the scheduled time (a late or retried run
        // cannot leave in the past: then now).
        let overrides = PlanOverrides {
            items: own.map(planned_lines),
            departure_at: Some(scheduled_for.max(self.plans.now())),
            ..PlanOverrides::default()
        };
        let where_ = match reservation.mode {
            PlanMode::Offline => "매장",
            PlanMode::Online => "온라인",
        };
        match self
            .plans
            .generate_for(user, reservation.mode, overrides)
            .await
        {
            Ok(super::service::Generated { answer, .. }) => {
                let Some(best) = answer.plans.first() else {
                    return RunOutcome::new(ResultStatus::Failed, "플랜을 만들지 못했어요.");
                };
                let missing = if best.missing_items.is_empty() {
                    String::new()
                } else {
                    format!(", 못 구한 상품 {}개", best.missing_items.len())
                };
                let summary = format!(
                    "{where_} 플랜 {}개: 최저 {}원 ({}곳{missing}) · 플랜 요청 {}",
                    answer.plans.len(),
                    thousands(best.total_krw),
                    best.stops.len(),
                    answer.plan_request_id
                );
                let status = if answer.meta.degraded {
                    ResultStatus::Degraded
                } else {
                    ResultStatus::Success
                };
                RunOutcome::new(status, summary).with_plan_request(answer.plan_request_id)
            }
            Err(PlanningError::EmptyBasket) => RunOutcome::new(
                ResultStatus::Failed,
                "장바구니가 비어 있어 플랜을 만들지 않았어요.",
            ),
            Err(PlanningError::NoPlanPossible { .. }) => RunOutcome::new(
                ResultStatus::Failed,
                format!("지금은 {source}의 어떤 상품도 살 수 있는 곳이 없어요."),
            ),
            Err(
                PlanningError::ClarificationRequired { .. }
                | PlanningError::Invalid(_)
                | PlanningError::Override(_),
            ) => RunOutcome::new(
                ResultStatus::Failed,
                format!("{source}에 확인이 필요한 상품이 있어요."),
            ),
            // The storage adapter logs the cause; the shopper gets a plain summary.
            Err(PlanningError::Defaults(_)) => RunOutcome::new(
                ResultStatus::Failed,
                "저장된 장바구니를 읽지 못했어요. 잠시 후 다시 시도할게요.",
            ),
            Err(PlanningError::Repo(_)) => RunOutcome::new(
                ResultStatus::Failed,
                "플랜을 저장하지 못했어요. 잠시 후 다시 시도할게요.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn won_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(12_345), "12,345");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-4_500), "-4,500");
    }
}
