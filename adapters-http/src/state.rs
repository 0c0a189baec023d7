//! What the handlers share.

use std::sync::Arc;

use ttokjang_domain::account::AccountService;
use ttokjang_domain::auth::{AuthService, InvitePolicy};
use ttokjang_domain::basket::BasketService;
use ttokjang_domain::chat::service::ChatService;
use ttokjang_domain::order::OrderService;
use ttokjang_domain::payment::PaymentService;
use ttokjang_domain::planner::context::PlanContext;
use ttokjang_domain::planner::service::PlanService;
use ttokjang_domain::ports::{
    CatalogRepository, IdempotencyRepository, NotificationRepository, StoreHealth,
};
use ttokjang_domain::preferences::PreferencesService;
use ttokjang_domain::profile::ProfileService;
use ttokjang_domain::reservation::service::ReservationService;

use crate::jwt::AccessTokens;
use ttokjang_domain::metrics::Metrics;

/// Liveness of background work that `/readyz` reports (the scheduler, later
/// others). `None` means the component is not running in this process.
pub trait Heartbeat: Send + Sync {
    /// Seconds since the last beat, if any beat happened.
    fn age_s(&self) -> Option<u64>;
    /// Beats older than this make the instance not ready.
    fn max_age_s(&self) -> u64;
}

#[derive(Clone)]
pub struct ApiState {
    pub auth: Arc<AuthService>,
    /// Password change and reset, deletion, export.
    pub accounts: Arc<AccountService>,
    pub tokens: Arc<AccessTokens>,
    pub health: Arc<dyn StoreHealth>,
    pub plans: Arc<PlanService>,
    /// The shopper's stored data as planning needs it.
    pub shopper: Arc<dyn PlanContext>,
    pub catalog: Arc<dyn CatalogRepository>,
    pub chat: Arc<ChatService>,
    pub heartbeat: Option<Arc<dyn Heartbeat>>,
    pub invites: InvitePolicy,
    /// Take the client address from `X-Forwarded-For`/`Forwarded` (only behind a
    /// trusted proxy); otherwise the TCP peer address is used.
    pub trust_forwarded: bool,
    /// Basket, preferences, profile and orders.
    pub user_data: UserData,
    pub reservations: Arc<ReservationService>,
    pub notifications: Arc<dyn NotificationRepository>,
    /// Payment methods, intents and the idempotency store.
    pub payments: Payments,
    /// This server's Prometheus registry (`GET /metrics`).
    pub metrics: Arc<dyn Metrics>,
    /// The price sources' sync state (`GET /catalog/sources`, `/metrics`).
    pub sources: Arc<ttokjang_domain::pricesync::status::SourcesOverview>,
    /// When set, `GET /metrics` wants `Authorization: Bearer <token>`.
    pub metrics_token: Option<Arc<str>>,
}

/// The payment use cases and the `Idempotency-Key` store that guards their POSTs.
#[derive(Clone)]
pub struct Payments {
    pub service: Arc<PaymentService>,
    pub idempotency: Arc<dyn IdempotencyRepository>,
    /// An unanswered claim older than this belongs to a request that died and
    /// may be claimed again.
    pub lock_timeout: chrono::Duration,
}

/// The use cases of the shopper's own data.
#[derive(Clone)]
pub struct UserData {
    pub basket: Arc<BasketService>,
    pub preferences: Arc<PreferencesService>,
    pub profile: Arc<ProfileService>,
    pub orders: Arc<OrderService>,
}
