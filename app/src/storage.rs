//! The one place where the storage backend is chosen, from `DATABASE_URL`.

use std::sync::Arc;

use ttokjang_domain::account::AccountRepository;
use ttokjang_domain::mall::ports::MallTermsRepository;
use ttokjang_domain::ports::{
    BasketRepository, CatalogRepository, ChatHistoryRepository, IdempotencyRepository,
    InviteRepository, NotificationRepository, OrderRepository, PaymentIntentRepository,
    PaymentMethodRepository, PlanRequestRepository, PreferencesRepository, ProductReviewRepository,
    ProfileRepository, ReservationRepository, RunQueue, SessionRepository, StoreHealth,
    SyncJobRepository, SyncStateRepository, UserRepository,
};
use ttokjang_domain::throttle::ThrottleRepository;
use ttokjang_domain::RepoError;
use ttokjang_postgres::PgStore;
use ttokjang_sqlite::SqliteStore;

use crate::config::Backend;

/// Every port the app needs, served by one backend.
#[derive(Clone)]
pub struct Stores {
    pub users: Arc<dyn UserRepository>,
    pub invites: Arc<dyn InviteRepository>,
    pub sessions: Arc<dyn SessionRepository>,
    pub health: Arc<dyn StoreHealth>,
    pub catalog: Arc<dyn CatalogRepository>,
    pub plan_requests: Arc<dyn PlanRequestRepository>,
    pub chat: Arc<dyn ChatHistoryRepository>,
    pub baskets: Arc<dyn BasketRepository>,
    pub preferences: Arc<dyn PreferencesRepository>,
    pub profiles: Arc<dyn ProfileRepository>,
    pub orders: Arc<dyn OrderRepository>,
    pub reservations: Arc<dyn ReservationRepository>,
    pub run_queue: Arc<dyn RunQueue>,
    pub notifications: Arc<dyn NotificationRepository>,
    pub payment_methods: Arc<dyn PaymentMethodRepository>,
    pub payment_intents: Arc<dyn PaymentIntentRepository>,
    pub idempotency: Arc<dyn IdempotencyRepository>,
    pub throttle: Arc<dyn ThrottleRepository>,
    pub accounts: Arc<dyn AccountRepository>,
    pub price_sync: Arc<dyn SyncStateRepository>,
    pub sync_jobs: Arc<dyn SyncJobRepository>,
    /// The online malls' delivery terms (operator configuration).
    pub mall_terms: Arc<dyn MallTermsRepository>,
    /// The product review list of one product identity.
    pub reviews: Arc<dyn ProductReviewRepository>,
}

/// Serves every port from one store: the one place the ports are wired,
/// used by [`open`] and by the tests.
pub fn wire<S>(store: Arc<S>) -> Stores
where
    S: UserRepository
        + InviteRepository
        + SessionRepository
        + StoreHealth
        + CatalogRepository
        + PlanRequestRepository
        + ChatHistoryRepository
        + BasketRepository
        + PreferencesRepository
        + ProfileRepository
        + OrderRepository
        + ReservationRepository
        + RunQueue
        + NotificationRepository
        + PaymentMethodRepository
        + PaymentIntentRepository
        + IdempotencyRepository
        + ThrottleRepository
        + AccountRepository
        + SyncStateRepository
        + SyncJobRepository
        + MallTermsRepository
        + ProductReviewRepository
        + 'static,
{
    Stores {
        users: store.clone(),
        invites: store.clone(),
        sessions: store.clone(),
        catalog: store.clone(),
        plan_requests: store.clone(),
        chat: store.clone(),
        baskets: store.clone(),
        preferences: store.clone(),
        profiles: store.clone(),
        orders: store.clone(),
        reservations: store.clone(),
        run_queue: store.clone(),
        notifications: store.clone(),
        payment_methods: store.clone(),
        payment_intents: store.clone(),
        idempotency: store.clone(),
        throttle: store.clone(),
        accounts: store.clone(),
        price_sync: store.clone(),
        sync_jobs: store.clone(),
        mall_terms: store.clone(),
        reviews: store.clone(),
        health: store,
    }
}

/// Opens the backend and applies its pending migrations. Blocking work runs
/// on the blocking pool.
pub async fn open(backend: &Backend) -> Result<Stores, RepoError> {
    let backend = backend.clone();
    tokio::task::spawn_blocking(move || match backend {
        Backend::Sqlite(path) => SqliteStore::open(&path).map(|s| wire(Arc::new(s))),
        Backend::Postgres(url) => PgStore::open(&url).map(|s| wire(Arc::new(s))),
    })
    .await
    .map_err(|e| RepoError::Unavailable(format!("opening the database failed: {e}")))?
}
