//! A backend under test: its ports as trait objects, plus what keeps its
//! storage alive (a temp dir or a throwaway database) until the test ends.

use std::any::Any;
use std::sync::Arc;

use ttokjang_domain::ports::{
    BasketRepository, CatalogRepository, ChatHistoryRepository, IdempotencyRepository,
    InviteRepository, NotificationRepository, OrderRepository, PaymentIntentRepository,
    PaymentMethodRepository, PlanRequestRepository, PreferencesRepository, ProfileRepository,
    ReservationRepository, RunQueue, SessionRepository, StoreHealth, UserRepository,
};

type RawHashes = Box<dyn Fn() -> Vec<String> + Send + Sync>;
type Reopen = Box<dyn Fn() -> Arc<dyn RunQueue> + Send + Sync>;

pub struct Backend {
    pub name: &'static str,
    pub users: Arc<dyn UserRepository>,
    pub invites: Arc<dyn InviteRepository>,
    pub sessions: Arc<dyn SessionRepository>,
    pub health: Arc<dyn StoreHealth>,
    pub plan_requests: Arc<dyn PlanRequestRepository>,
    pub chat: Arc<dyn ChatHistoryRepository>,
    pub catalog: Arc<dyn CatalogRepository>,
    pub baskets: Arc<dyn BasketRepository>,
    pub preferences: Arc<dyn PreferencesRepository>,
    pub profiles: Arc<dyn ProfileRepository>,
    pub orders: Arc<dyn OrderRepository>,
    pub reservations: Arc<dyn ReservationRepository>,
    pub run_queue: Arc<dyn RunQueue>,
    pub notifications: Arc<dyn NotificationRepository>,
    /// Opens another store on the same database (its own pool), as a second
    /// instance of the service would.
    reopen: Reopen,
    pub payment_methods: Arc<dyn PaymentMethodRepository>,
    pub payment_intents: Arc<dyn PaymentIntentRepository>,
    pub idempotency: Arc<dyn IdempotencyRepository>,
    /// Every value in `refresh_tokens.token_hash`, read straight from the table.
    raw_hashes: RawHashes,
    // Declared last so it drops last, after every handle on the store.
    _storage: Box<dyn Any + Send>,
}

impl Backend {
    pub fn stored_refresh_token_hashes(&self) -> Vec<String> {
        (self.raw_hashes)()
    }

    /// The run queue of a second store on the same database.
    pub fn second_run_queue(&self) -> Arc<dyn RunQueue> {
        (self.reopen)()
    }
}

pub fn sqlite() -> Option<Backend> {
    let (store, dir) = ttokjang_tests::sqlite_store();
    let raw = Arc::clone(&store);
    let url = format!(
        "sqlite://{}",
        dir.path().join("nested").join("ttokjang.db").display()
    );
    let reopen: Reopen = Box::new(move || match ttokjang_sqlite::SqliteStore::open(&url) {
        Ok(s) => Arc::new(s),
        Err(e) => panic!("cannot reopen sqlite store: {e}"),
    });
    Some(Backend {
        name: "sqlite",
        users: store.clone(),
        invites: store.clone(),
        sessions: store.clone(),
        plan_requests: store.clone(),
        chat: store.clone(),
        catalog: store.clone(),
        baskets: store.clone(),
        preferences: store.clone(),
        profiles: store.clone(),
        orders: store.clone(),
        reservations: store.clone(),
        run_queue: store.clone(),
        notifications: store.clone(),
        reopen,
        payment_methods: store.clone(),
        payment_intents: store.clone(),
        idempotency: store.clone(),
        health: store,
        raw_hashes: Box::new(move || match raw.raw_refresh_token_hashes() {
            Ok(v) => v,
            Err(e) => panic!("cannot read refresh_tokens: {e}"),
        }),
        _storage: Box::new(dir),
    })
}

pub fn postgres() -> Option<Backend> {
    let (store, db) = ttokjang_tests::pg_store()?;
    let raw = Arc::clone(&store);
    let url = db.url().to_owned();
    let reopen: Reopen = Box::new(move || match ttokjang_postgres::PgStore::open(&url) {
        Ok(s) => Arc::new(s),
        Err(e) => panic!("cannot open a second postgres store: {e}"),
    });
    Some(Backend {
        name: "postgres",
        users: store.clone(),
        invites: store.clone(),
        sessions: store.clone(),
        plan_requests: store.clone(),
        chat: store.clone(),
        catalog: store.clone(),
        baskets: store.clone(),
        preferences: store.clone(),
        profiles: store.clone(),
        orders: store.clone(),
        reservations: store.clone(),
        run_queue: store.clone(),
        notifications: store.clone(),
        reopen,
        payment_methods: store.clone(),
        payment_intents: store.clone(),
        idempotency: store.clone(),
        health: store,
        raw_hashes: Box::new(move || match raw.raw_refresh_token_hashes() {
            Ok(v) => v,
            Err(e) => panic!("cannot read refresh_tokens: {e}"),
        }),
        _storage: Box::new(db),
    })
}
