//! Payments wiring and the background pruning of idempotency keys, throttle
//! windows and expired plan requests.

use std::sync::Arc;

use chrono::Duration;
use ttokjang_domain::metrics::Metrics;
use ttokjang_domain::payment::{BudgetPolicy, PaymentService};
use ttokjang_domain::ports::{Clock, IdempotencyRepository, PlanRequestRepository};
use ttokjang_domain::RepoError;
use ttokjang_http::state::Payments;

use crate::config::Config;
use crate::server::Services;

/// How often the keys older than `IDEMPOTENCY_KEY_TTL_S` are deleted.
pub const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Plan requests are pruned this long after they expired: until then
/// `GET /plans/{id}` answers 410 `PLAN_EXPIRED`, afterwards 404.
pub const PLAN_REQUEST_GRACE: Duration = Duration::hours(24);

/// The payment use cases and the idempotency store, from configuration.
pub fn payments(config: &Config, svc: &Services) -> Payments {
    Payments {
        service: Arc::new(PaymentService::new(
            svc.stores.payment_methods.clone(),
            svc.stores.payment_intents.clone(),
            svc.stores.orders.clone(),
            svc.clock.clone(),
            svc.random.clone(),
            BudgetPolicy {
                cap_krw: config.payment_budget_cap_krw,
                window: Duration::days(30),
            },
        )),
        idempotency: svc.stores.idempotency.clone(),
        lock_timeout: Duration::seconds(config.idempotency_lock_timeout_s),
    }
}

/// Deletes idempotency keys first used more than `ttl` ago; returns how many.
pub async fn prune_idempotency_keys(
    repo: &dyn IdempotencyRepository,
    clock: &dyn Clock,
    ttl: Duration,
) -> Result<u64, RepoError> {
    repo.prune(clock.now() - ttl).await
}

/// Prunes at start and then every hour, for as long as the runtime lives.
/// Several instances may prune together: deleting is idempotent.
/// Drops throttle windows that are over, every [`PRUNE_EVERY`].
pub fn spawn_throttle_pruning(
    throttle: ttokjang_domain::throttle::Throttle,
    clock: Arc<dyn Clock>,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PRUNE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match throttle.prune(clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "pruned ended throttle windows"),
                Err(e) => tracing::warn!(error = %e, "pruning throttle windows failed"),
            }
        }
    });
}

pub fn spawn_idempotency_pruning(
    repo: Arc<dyn IdempotencyRepository>,
    clock: Arc<dyn Clock>,
    ttl: Duration,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PRUNE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match prune_idempotency_keys(repo.as_ref(), clock.as_ref(), ttl).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "pruned expired idempotency keys"),
                Err(e) => tracing::warn!(error = %e, "pruning idempotency keys failed"),
            }
        }
    });
}

/// Deletes plan requests that expired more than [`PLAN_REQUEST_GRACE`] ago
/// and that no order, reservation run or notification names (those are kept
/// for as long as what names them); counts them in `metrics`.
pub async fn prune_plan_requests(
    repo: &dyn PlanRequestRepository,
    clock: &dyn Clock,
    metrics: &dyn Metrics,
) -> Result<u64, RepoError> {
    let n = repo.prune(clock.now() - PLAN_REQUEST_GRACE).await?;
    metrics.rows_pruned("plan_requests", n);
    Ok(n)
}

/// Prunes expired plan requests at start and then every [`PRUNE_EVERY`].
pub fn spawn_plan_request_pruning(
    repo: Arc<dyn PlanRequestRepository>,
    clock: Arc<dyn Clock>,
    metrics: Arc<dyn Metrics>,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PRUNE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match prune_plan_requests(repo.as_ref(), clock.as_ref(), metrics.as_ref()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "pruned expired plan requests"),
                Err(e) => tracing::warn!(error = %e, "pruning plan requests failed"),
            }
        }
    });
}
