//! Building the services from configuration and running the HTTP server.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use actix_service::ServiceFactoryExt as _;
use actix_web::dev::ServerHandle;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{App, HttpResponse};
use chrono::Duration;
use thiserror::Error;
use ttokjang_domain::auth::{AuthService, InvitePolicy, RegisterError, Registration};
use ttokjang_domain::basket::BasketService;
use ttokjang_domain::metrics::Metrics;
use ttokjang_domain::order::OrderService;
use ttokjang_domain::ports::{Clock, HashError, RandomSource, ReservationRunner};
use ttokjang_domain::preferences::PreferencesService;
use ttokjang_domain::pricesync::jobs::SyncJobs;
use ttokjang_domain::pricesync::status::SourcesOverview;
use ttokjang_domain::pricesync::Source;
use ttokjang_domain::profile::ProfileService;
use ttokjang_domain::reservation::service::ReservationService;
use ttokjang_domain::reservation::RetryPolicy;
use ttokjang_domain::session::SessionPolicy;
use ttokjang_domain::throttle::{Throttle, ThrottlePolicy};
use ttokjang_domain::user::{Invite, InviteCode, Role};
use ttokjang_domain::RepoError;
use ttokjang_http::jwt::{AccessTokens, KeyError};
use ttokjang_http::state::UserData;
use ttokjang_http::{ApiState, Heartbeat};

use crate::config::{Config, Secret};
use crate::notify::{ChannelNotifier, WebhookNotifier};
use crate::scheduler::{lease_owner, Scheduler, SchedulerHandle, SchedulerSettings};
use crate::storage::{self, Stores};
use crate::system::{shared_hasher, OsRandom, SystemClock};

#[derive(Debug, Error)]
pub enum StartError {
    #[error("database: {0}")]
    Storage(#[from] RepoError),
    #[error("password hasher: {0}")]
    Hash(#[from] HashError),
    #[error("JWT keys: {0}")]
    Key(#[from] KeyError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("demo account: {0}")]
    Demo(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("sample catalog: {0}")]
    Sample(String),
    #[error("import: {0}")]
    Import(String),
    #[error("webhooks: {0}")]
    Webhook(String),
}

/// Everything a command needs: the stores and the use cases over them.
pub struct Services {
    pub stores: Stores,
    pub auth: Arc<AuthService>,
    pub accounts: Arc<ttokjang_domain::account::AccountService>,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn RandomSource>,
    pub user_data: UserData,
    pub reservations: Arc<ReservationService>,
    /// What a reservation run does: plan the stored basket (`PlanRunner`).
    pub runner: Arc<dyn ReservationRunner>,
    pub plans: Arc<ttokjang_domain::planner::service::PlanService>,
    /// The shopper's stored data as planning needs it.
    pub shopper: Arc<dyn ttokjang_domain::planner::context::PlanContext>,
    /// The process's metrics registry (one per server).
    pub metrics: Arc<dyn Metrics>,
}

pub async fn services(config: &Config) -> Result<Services, StartError> {
    let mut stores = storage::open(&config.database).await?;
    if config.catalog_cache_ttl_s > 0 {
        stores.catalog = Arc::new(crate::catalog_cache::CachedCatalog::new(
            stores.catalog.clone(),
            std::time::Duration::from_secs(config.catalog_cache_ttl_s),
        ));
    }
    // The shipped mall terms for malls without the operator's (app/src/malls.rs).
    crate::malls::seed(stores.mall_terms.as_ref()).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let random: Arc<dyn RandomSource> = Arc::new(OsRandom);
    let hasher = tokio::task::spawn_blocking(shared_hasher)
        .await
        .map_err(|e| HashError(e.to_string()))??;
    let policy = SessionPolicy {
        access_ttl: Duration::seconds(config.access_ttl_s),
        refresh_idle_ttl: Duration::seconds(config.refresh_ttl_s),
        absolute_ttl: Duration::seconds(config.session_max_age_s),
    };
    let throttle = Throttle::new(
        ThrottlePolicy {
            max_registrations_per_address: config.register_max_per_address,
            max_registrations_global: config.register_max_global,
            ..ThrottlePolicy::default()
        },
        stores.throttle.clone(),
    );
    let accounts = Arc::new(ttokjang_domain::account::AccountService::new(
        stores.users.clone(),
        stores.accounts.clone(),
        stores.notifications.clone(),
        hasher.clone(),
        clock.clone(),
        random.clone(),
        throttle.clone(),
    ));
    let auth = Arc::new(AuthService::new(
        stores.users.clone(),
        stores.invites.clone(),
        stores.sessions.clone(),
        hasher,
        clock.clone(),
        random.clone(),
        throttle.clone(),
        policy,
    ));
    let user_data = UserData {
        basket: Arc::new(BasketService::new(
            stores.baskets.clone(),
            clock.clone(),
            random.clone(),
        )),
        preferences: Arc::new(PreferencesService::new(
            stores.preferences.clone(),
            clock.clone(),
        )),
        profile: Arc::new(ProfileService::new(stores.profiles.clone(), clock.clone())),
        orders: Arc::new(OrderService::new(
            stores.orders.clone(),
            clock.clone(),
            random.clone(),
        )),
    };
    let metrics: Arc<dyn Metrics> = Arc::new(crate::metrics::PrometheusMetrics::new(env!(
        "CARGO_PKG_VERSION"
    )));
    let mut prices = crate::prices::DeadlineGateway::new(
        stores.catalog.clone(),
        config.price_source_faults.clone(),
        std::time::Duration::from_millis(config.price_source_deadline_ms),
    );
    if let Some(shopping) = &config.shopping {
        let malls =
            ttokjang_domain::planner::listing::MallDirectory::new(shopping.malls.iter().cloned());
        let search = crate::shopping::ShoppingSearch::new(shopping.search.clone(), clock.clone())
            .map_err(|e| StartError::Config(format!("shopping search client: {e}")))?;
        tracing::info!(
            malls = shopping.malls.len(),
            "online prices: shopping search on for the configured malls"
        );
        prices = prices.with_shopping(Arc::new(search), Arc::new(malls));
    }
    let gateway = Arc::new(crate::prices::MeteredGateway::new(
        Arc::new(prices),
        metrics.clone(),
    ));
    let shopper: Arc<dyn ttokjang_domain::planner::context::PlanContext> =
        Arc::new(ttokjang_domain::planner::context::StoredPlanContext::new(
            user_data.basket.clone(),
            user_data.preferences.clone(),
            user_data.profile.clone(),
            user_data.orders.clone(),
        ));
    let plans = ttokjang_domain::planner::service::PlanService::new(
        ttokjang_domain::planner::service::PlanPorts {
            catalog: stores.catalog.clone(),
            prices: gateway,
            requests: stores.plan_requests.clone(),
            shopper: shopper.clone(),
            malls: stores.mall_terms.clone(),
            clock: clock.clone(),
            random: random.clone(),
        },
        config.redirect_allowlist.clone(),
        Duration::seconds(config.plan_request_ttl_s),
    )
    .with_freshness(config.price_freshness);
    let plans = Arc::new(match &config.routing {
        Some(osrm) => match crate::routing::Osrm::new(osrm.clone()) {
            Ok(r) => plans.with_routing(Arc::new(r)),
            Err(e) => {
                tracing::error!(error = %e, "the OSRM client could not be built; using the estimate");
                plans
            }
        },
        None => plans,
    });
    let runner = Arc::new(ttokjang_domain::planner::runner::PlanRunner::new(
        plans.clone(),
    ));
    let reservations = Arc::new(ReservationService::new(
        stores.reservations.clone(),
        stores.catalog.clone(),
        clock.clone(),
        random.clone(),
    ));
    Ok(Services {
        stores,
        auth,
        accounts,
        clock,
        random,
        user_data,
        reservations,
        runner,
        plans,
        shopper,
        metrics,
    })
}

/// The JWT secret: from `JWT_SECRET`, else the one kept in `DATA_DIR/jwt-secret`
/// (made on first start, mode 0600). Several instances must share `JWT_SECRET`.
fn jwt_secret(config: &Config, random: &dyn RandomSource) -> Result<Secret, StartError> {
    if let Some(s) = &config.jwt_secret {
        return Ok(s.clone());
    }
    let path = config.data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= AccessTokens::MIN_SECRET_BYTES {
            return Ok(Secret(existing.into_bytes()));
        }
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let hex: String = random
        .secret_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    write_private(&path, &hex)?;
    tracing::warn!(
        path = %path.display(),
        "JWT_SECRET is not set: generated one for this box; set JWT_SECRET when running several instances"
    );
    Ok(Secret(hex.into_bytes()))
}

pub(crate) fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(contents.as_bytes())
}

/// Random human-typable text from the secret source (no 0/O/1/I look-alikes).
pub fn readable_secret(random: &dyn RandomSource, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    random
        .secret_bytes()
        .iter()
        .chain(random.secret_bytes().iter())
        .take(len)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

pub const DEMO_EMAIL: &str = "demo@ttokjang.app";

/// Where the demo account's credentials are kept (mode 0600).
pub const DEMO_FILE: &str = "demo-account.txt";

/// On a store with no users: creates the demo account (password from
/// `DEMO_PASSWORD` or random) and one invite code. Both go to
/// `DATA_DIR/demo-account.txt` (mode 0600), never to stdout (which is also the
/// log stream under journald or docker): stdout gets the file's path, and only
/// an interactive terminal gets the credentials themselves.
pub async fn ensure_demo_account(svc: &Services, config: &Config) -> Result<(), StartError> {
    if svc.stores.users.count().await? > 0 {
        return Ok(());
    }
    let data_dir = config.data_dir.as_path();
    let password = match &config.demo_password {
        Some(p) => String::from_utf8_lossy(&p.0).into_owned(),
        None => readable_secret(svc.random.as_ref(), 16),
    };
    let registered = svc
        .auth
        .register(
            Registration {
                email: DEMO_EMAIL.to_owned(),
                password: password.clone(),
                display_name: "똑장 데모".to_owned(),
                invite_code: None,
            },
            InvitePolicy::Optional,
            Role::Shopper,
        )
        .await;
    match registered {
        Ok(_) => {}
        // Another instance starting on the same database created it first.
        Err(RegisterError::EmailTaken) => return Ok(()),
        Err(e) => return Err(StartError::Demo(e.to_string())),
    }
    let invite = create_invite(svc, None).await?;
    let credentials = format!(
        "똑장 demo account\ne-mail:   {DEMO_EMAIL}\npassword: {password}\ninvite code for a new account: {}\n",
        invite.as_str()
    );
    std::fs::create_dir_all(data_dir)?;
    let path = data_dir.join(DEMO_FILE);
    write_private(&path, &credentials)?;
    use std::io::IsTerminal as _;
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    // Written to stdout directly, never through the logger.
    announce_demo(
        &mut stdout.lock(),
        &path,
        tty.then_some(credentials.as_str()),
    )?;
    Ok(())
}

/// The start-up note about the demo account: the credentials only when
/// `credentials` is given (an interactive terminal), else the file's path.
pub fn announce_demo(
    out: &mut dyn Write,
    path: &Path,
    credentials: Option<&str>,
) -> std::io::Result<()> {
    match credentials {
        Some(c) => writeln!(out, "\n{c}(kept in {})\n", path.display()),
        None => writeln!(
            out,
            "demo account created; its password and an invite code are in {} (mode 0600)",
            path.display()
        ),
    }
}

/// On a store with no products: loads the shipped sample catalog (one atomic
/// batch). Several instances starting together may both load it; the upsert
/// is idempotent, so the result is the same.
pub async fn ensure_sample_catalog(svc: &Services) -> Result<(), StartError> {
    if svc.stores.catalog.catalog_counts().await?.products > 0 {
        return Ok(());
    }
    let batch = crate::sample::batch().map_err(|e| StartError::Sample(e.to_string()))?;
    let counts = svc.stores.catalog.upsert_catalog(&batch).await?;
    tracing::info!(
        stores = counts.stores,
        products = counts.products,
        offers = counts.offers,
        "loaded the sample catalog (SAMPLE_DATA=true)"
    );
    Ok(())
}

pub async fn create_invite(
    svc: &Services,
    valid_days: Option<i64>,
) -> Result<InviteCode, StartError> {
    let now = svc.clock.now();
    let raw = format!(
        "BETA-{}",
        readable_secret(svc.random.as_ref(), 10).to_ascii_uppercase()
    );
    let code = InviteCode::parse(&raw).map_err(|e| StartError::Demo(e.to_string()))?;
    svc.stores
        .invites
        .create(&Invite {
            code: code.clone(),
            created_at: now,
            expires_at: valid_days.map(|d| now + Duration::days(d)),
            used_by: None,
            used_at: None,
        })
        .await?;
    Ok(code)
}

/// A server that is listening.
pub struct Running {
    pub addr: SocketAddr,
    pub handle: ServerHandle,
    pub server: actix_web::dev::Server,
    /// The reservation scheduler, when `SCHEDULER_ENABLED`; stop it after the server.
    pub scheduler: Option<SchedulerHandle>,
    /// The server's metrics registry, for work running beside it.
    pub metrics: Arc<dyn Metrics>,
}

/// What a caller may plug into the server beside its configuration: tests
/// inject fakes here; background work started outside `start` reports here.
#[derive(Clone, Default)]
pub struct Hooks {
    /// Liveness of background work for `/readyz` and `/metrics` (overrides the
    /// scheduler's own heartbeat).
    pub heartbeat: Option<Arc<dyn Heartbeat>>,
}

/// The scheduler over the services, as configured (not yet running).
pub fn scheduler(config: &Config, svc: &Services) -> Result<Scheduler, StartError> {
    let c = &config.scheduler;
    let webhook = match &config.webhook_secret {
        Some(secret) => Some(
            WebhookNotifier::new(secret.clone()).map_err(|e| StartError::Webhook(e.to_string()))?,
        ),
        None => {
            tracing::warn!(
                "WEBHOOK_SECRET is not set: webhook reservations are told in the inbox only"
            );
            None
        }
    };
    let notifier = Arc::new(ChannelNotifier::new(
        svc.stores.notifications.clone(),
        webhook,
        svc.clock.clone(),
        svc.random.clone(),
    ));
    let mut settings = SchedulerSettings::new(lease_owner(c.host.as_deref(), svc.random.as_ref()));
    settings.poll = std::time::Duration::from_secs(c.poll_s);
    settings.lease = Duration::seconds(c.lease_s);
    settings.retry = RetryPolicy {
        max_retries: c.max_retries,
        base: Duration::seconds(c.retry_base_s),
        cap: Duration::seconds(c.retry_cap_s),
    };
    let owner = settings.owner.clone();
    let scheduler = Scheduler::new(
        svc.stores.run_queue.clone(),
        svc.runner.clone(),
        notifier,
        svc.clock.clone(),
        svc.random.clone(),
        settings,
    )
    .with_metrics(svc.metrics.clone());
    Ok(match price_sync_jobs(config, svc, owner)? {
        Some(jobs) => scheduler.with_price_sync(Arc::new(jobs)),
        None => scheduler,
    })
}

/// The scheduled price sync of the sources whose key is set (`None`: none
/// is, or `PRICE_SYNC_SCHEDULED=false`).
pub fn price_sync_jobs(
    config: &Config,
    svc: &Services,
    owner: String,
) -> Result<Option<SyncJobs>, StartError> {
    let feeds = &config.price_feeds;
    if !feeds.scheduled {
        tracing::info!("price sync: not scheduled (PRICE_SYNC_SCHEDULED=false)");
        return Ok(None);
    }
    let sources = feeds
        .jobs()
        .map_err(|e| StartError::Config(format!("price feed client: {e}")))?;
    if sources.is_empty() {
        tracing::info!("price sync: no source key set (CHAMGAGYEOK_SERVICE_KEY, KAMIS_CERT_KEY); nothing scheduled");
        return Ok(None);
    }
    for job in &sources {
        let (source, base_url, key) = match job.feed.source() {
            Source::Chamgagyeok => (
                "chamgagyeok",
                &feeds.chamgagyeok.base_url,
                &feeds.chamgagyeok.key,
            ),
            Source::Kamis => ("kamis", &feeds.kamis.base_url, &feeds.kamis.key),
        };
        tracing::info!(
            source,
            base_url = %base_url,
            key = %crate::pricefeeds::mask(key),
            every_days = job.schedule.every_days,
            at_kst = %job.schedule.at.format("%H:%M"),
            daily_budget = feeds.daily_budget,
            "price sync scheduled"
        );
    }
    Ok(Some(SyncJobs {
        state: svc.stores.price_sync.clone(),
        catalog: svc.stores.catalog.clone(),
        jobs: svc.stores.sync_jobs.clone(),
        clock: svc.clock.clone(),
        metrics: svc.metrics.clone(),
        sources,
        daily_budget: feeds.daily_budget,
        owner,
    }))
}

/// Builds everything and binds; the returned server future must be awaited (or
/// spawned) to serve. Binding `:0` picks a free port (tests).
pub async fn start(config: &Config) -> Result<Running, StartError> {
    start_with(config, Hooks::default()).await
}

pub async fn start_with(config: &Config, hooks: Hooks) -> Result<Running, StartError> {
    let svc = services(config).await?;
    let metrics = svc.metrics.clone();
    if config.demo_account {
        ensure_demo_account(&svc, config).await?;
    }
    if config.sample_data {
        ensure_sample_catalog(&svc).await?;
    }
    let secret = jwt_secret(config, svc.random.as_ref())?;
    let tokens = Arc::new(AccessTokens::new(
        &secret.0,
        &config.jwt_issuer,
        &config.jwt_audience,
        config.jwt_leeway_s,
    )?);
    let scheduler = if config.scheduler.enabled {
        Some(Arc::new(scheduler(config, &svc)?))
    } else {
        None
    };
    let heartbeat = hooks.heartbeat.clone().or_else(|| {
        scheduler.as_ref().map(|s| {
            let hb: Arc<dyn Heartbeat> = s.heartbeat();
            hb
        })
    });
    let state = ApiState {
        auth: svc.auth.clone(),
        accounts: svc.accounts.clone(),
        plans: svc.plans.clone(),
        shopper: svc.shopper.clone(),
        tokens,
        health: svc.stores.health.clone(),
        catalog: svc.stores.catalog.clone(),
        chat: Arc::new(
            ttokjang_domain::chat::service::ChatService::new(
                chat_assistant(config, svc.stores.catalog.clone())?,
                svc.user_data.basket.clone(),
                svc.stores.chat.clone(),
                svc.clock.clone(),
                svc.random.clone(),
            )
            .with_planner(svc.plans.clone()),
        ),
        heartbeat,
        reservations: svc.reservations.clone(),
        notifications: svc.stores.notifications.clone(),
        invites: if config.invites_required {
            InvitePolicy::Required
        } else {
            InvitePolicy::Optional
        },
        trust_forwarded: config.trust_forwarded,
        user_data: svc.user_data.clone(),
        payments: crate::housekeeping::payments(config, &svc),
        metrics: metrics.clone(),
        sources: Arc::new(SourcesOverview {
            state: svc.stores.price_sync.clone(),
            jobs: svc.stores.sync_jobs.clone(),
            clock: svc.clock.clone(),
            setups: config.price_feeds.setups(),
        }),
        metrics_token: config
            .metrics_token
            .as_ref()
            .map(|t| Arc::from(String::from_utf8_lossy(&t.0).as_ref())),
    };
    crate::housekeeping::spawn_throttle_pruning(svc.auth.throttle().clone(), svc.clock.clone());
    crate::housekeeping::spawn_idempotency_pruning(
        svc.stores.idempotency.clone(),
        svc.clock.clone(),
        Duration::seconds(config.idempotency_key_ttl_s),
    );
    crate::housekeeping::spawn_plan_request_pruning(
        svc.stores.plan_requests.clone(),
        svc.clock.clone(),
        metrics.clone(),
    );
    let web_dist = config.web_dist.clone();
    let api = ttokjang_http::configure(state);
    let listener = std::net::TcpListener::bind(config.bind)?;
    let addr = listener.local_addr()?;
    // Built from actix-server + actix-http rather than `HttpServer` only to
    // wrap each connection in `EnvelopeIo`: the HTTP/1 parser's own error
    // answers (400/408/431) then use the contract's envelope too
    // (adapters-http/src/transport.rs). Timeouts are HttpServer's defaults.
    let server = actix_web::dev::Server::build()
        .workers(config.http_workers)
        .shutdown_timeout(10)
        .listen("ttokjang-http", listener, move || {
            let app = App::new()
                .wrap(Compress::default())
                .wrap(ttokjang_http::error_envelopes())
                .wrap(from_fn(ttokjang_http::security::headers))
                .wrap(from_fn(ttokjang_http::request_id::middleware))
                .configure(api.clone())
                .configure(crate::web::site(web_dist.clone()));
            actix_service::fn_service(|io: actix_web::rt::net::TcpStream| {
                let peer = io.peer_addr().ok();
                // As HttpServer does: answers are small, send them at once.
                let _ = io.set_nodelay(true);
                std::future::ready(Ok::<_, actix_http::error::DispatchError>((
                    ttokjang_http::transport::EnvelopeIo::new(io),
                    peer,
                )))
            })
            .and_then(
                actix_http::HttpService::build()
                    .keep_alive(actix_http::KeepAlive::Timeout(
                        std::time::Duration::from_secs(5),
                    ))
                    .client_request_timeout(std::time::Duration::from_secs(5))
                    .client_disconnect_timeout(std::time::Duration::from_secs(1))
                    .local_addr(addr)
                    .h1(actix_service::map_config(app, |()| {
                        actix_web::dev::AppConfig::default()
                    })),
            )
        })?
        .run();
    Ok(Running {
        addr,
        handle: server.handle(),
        server,
        scheduler: scheduler.map(Scheduler::spawn),
        metrics,
    })
}

/// A plain-text answer for the site root when the web app was not built.
pub async fn not_built() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/html; charset=utf-8")
        .body("<!doctype html><meta charset=utf-8><title>똑장</title><p>The web app is not built. Run <code>scripts/dev/build-web.sh</code> (the README's run command does it). The API is at <code>/api/v1</code>.</p>")
}

/// The rule-based chat assistant, behind the optional LLM when
/// `TTOKJANG_LLM_BASE_URL` is set (docs/RUNBOOK.md).
fn chat_assistant(
    config: &Config,
    catalog: Arc<dyn ttokjang_domain::ports::CatalogRepository>,
) -> Result<Arc<dyn ttokjang_domain::chat::assistant::ChatAssistant>, StartError> {
    let rules: Arc<dyn ttokjang_domain::chat::assistant::ChatAssistant> = Arc::new(
        ttokjang_domain::chat::assistant::RuleBasedAssistant::new(catalog.clone()),
    );
    Ok(match config.llm.clone() {
        Some(config) => {
            tracing::info!(
                model = %config.model,
                timeout_ms = u64::try_from(config.timeout.as_millis()).unwrap_or(u64::MAX),
                "chat: LLM assistant on, rules as fallback"
            );
            Arc::new(
                crate::llm::LlmAssistant::new(config, catalog, rules)
                    .map_err(|e| StartError::Config(format!("LLM client: {e}")))?,
            )
        }
        None => rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_note_off_a_terminal_names_only_the_file() {
        let path = Path::new("/data/demo-account.txt");
        let mut out = Vec::new();
        announce_demo(&mut out, path, None).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("/data/demo-account.txt"), "{text}");
        assert!(!text.contains("password:"), "{text}");
        let mut out = Vec::new();
        announce_demo(&mut out, path, Some("password: s3cret\n")).expect("write");
        assert!(String::from_utf8(out).expect("utf-8").contains("s3cret"));
    }
}
