//! Payments wiring and the background pruning of idempotency keys.

use std::sync::Arc;

use chrono::Duration;
use ttokjang_domain::payment::{BudgetPolicy, PaymentService};
use ttokjang_domain::ports::{Clock, IdempotencyRepository};
use ttokjang_domain::RepoError;
use ttokjang_http::state::Payments;

use crate::config::Config;
use crate::server::Services;

/// How often the keys older than `IDEMPOTENCY_KEY_TTL_S` are deleted.
pub const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

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
