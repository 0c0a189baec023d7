//! A real `ttokjang` server on a free port, over a fresh database, for
//! black-box HTTP tests.

use std::collections::HashMap;
use std::path::PathBuf;

use reqwest::{Client, Method, Response};
use serde_json::Value;
use ttokjang::config::Config;
use ttokjang::server::{self, Services};

/// Which backend a test server uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub db: Db,
    pub base: String,
    pub client: Client,
    pub config: Config,
    handle: actix_web::dev::ServerHandle,
    scheduler: Option<ttokjang::scheduler::SchedulerHandle>,
    dir: crate::TempDirGuard,
    pg_url: Option<String>,
}

pub const SECRET: &str = "integration-test-secret-0123456789abcdef";

impl TestApp {
    /// Starts a server. `None` when the backend is PostgreSQL and no server
    /// answers outside CI (inside CI that panics instead).
    pub async fn start(db: Db, overrides: &[(&str, &str)]) -> Option<Self> {
        Self::start_with(db, overrides, server::Hooks::default()).await
    }

    /// [`TestApp::start`] with hooks (e.g. a fake scheduler heartbeat).
    pub async fn start_with(
        db: Db,
        overrides: &[(&str, &str)],
        hooks: server::Hooks,
    ) -> Option<Self> {
        let dir = crate::TempDirGuard::new();
        let database_url = match db {
            Db::Sqlite => format!("sqlite://{}", dir.path().join("t.db").display()),
            Db::Postgres => crate::fresh_pg_database()?,
        };
        let mut env: HashMap<String, String> = [
            ("DATABASE_URL", database_url.as_str()),
            ("DATA_DIR", &dir.path().display().to_string()),
            ("BIND_ADDR", "127.0.0.1:0"),
            ("JWT_SECRET", SECRET),
            ("INVITES_REQUIRED", "false"),
            // Tests register many accounts from one address; the registration
            // throttle's own tests lower these.
            ("REGISTER_MAX_PER_ADDRESS", "100000"),
            ("REGISTER_MAX_GLOBAL", "100000"),
            ("DEMO_ACCOUNT", "false"),
            // Tests that need the sample catalog ask for it (it costs a load).
            ("SAMPLE_DATA", "false"),
            ("HTTP_WORKERS", "2"),
            ("WEB_DIST", "/nonexistent"),
            // Tests that need the scheduler turn it on in their overrides.
            ("SCHEDULER_ENABLED", "false"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        for (k, v) in overrides {
            env.insert((*k).to_owned(), (*v).to_owned());
        }
        let config = Config::from_map(&env).expect("test config");
        let running = server::start_with(&config, hooks)
            .await
            .expect("server starts");
        let handle = running.handle.clone();
        let scheduler = running.scheduler;
        tokio::spawn(running.server);
        Some(Self {
            db,
            base: format!("http://{}", running.addr),
            client: Client::builder().build().expect("client"),
            config,
            handle,
            scheduler,
            dir,
            pg_url: (db == Db::Postgres).then_some(database_url),
        })
    }

    /// The app's services over the same database (for setup such as invites).
    pub async fn services(&self) -> Services {
        server::services(&self.config).await.expect("services")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request sent")
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        split(self.call(Method::POST, path, None, Some(body)).await).await
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> (u16, Value) {
        split(self.call(Method::GET, path, Some(token), None).await).await
    }

    /// Registers and logs in a shopper; returns the login answer.
    pub async fn signup(&self, email: &str) -> Value {
        let (s, b) = self
            .post(
                "/api/v1/auth/register",
                serde_json::json!({"email": email, "password": "correct horse battery", "display_name": "테스터"}),
            )
            .await;
        assert_eq!(s, 201, "register: {b}");
        self.login(email, "correct horse battery").await
    }

    pub async fn login(&self, email: &str, password: &str) -> Value {
        let (s, b) = self
            .post(
                "/api/v1/auth/login",
                serde_json::json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(s, 200, "login: {b}");
        b
    }

    /// Registers and logs in a shopper; returns its access token.
    pub async fn signup_token(&self, email: &str) -> String {
        access_token(&self.signup(email).await)
    }

    /// A request with the shopper's token: status and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        split(self.call(method, path, Some(token), body).await).await
    }

    /// A request without a token: status and JSON body.
    pub async fn send_anonymous(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        split(self.call(method, path, None, body).await).await
    }

    /// A POST with the shopper's token: status and JSON body.
    pub async fn post_auth(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.send(Method::POST, path, token, Some(body)).await
    }

    /// Replaces the shopper's stored basket with `items`; asserts 200 and
    /// returns the basket.
    pub async fn put_basket(&self, token: &str, items: Value) -> Value {
        let (s, b) = self
            .send(
                Method::PUT,
                "/api/v1/basket",
                token,
                Some(serde_json::json!({ "items": items })),
            )
            .await;
        assert_eq!(s, 200, "put basket: {b}");
        b
    }

    /// Replaces the shopper's stored preferences; asserts 200 and returns
    /// them.
    pub async fn put_preferences(&self, token: &str, preferences: Value) -> Value {
        let (s, b) = self
            .send(Method::PUT, "/api/v1/preferences", token, Some(preferences))
            .await;
        assert_eq!(s, 200, "put preferences: {b}");
        b
    }

    /// Loads the test catalog ([`crate::catalog_fixture::load`]) into the
    /// server's database.
    pub async fn with_catalog(&self) {
        let svc = self.services().await;
        crate::catalog_fixture::load(svc.stores.catalog.as_ref()).await;
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop without waiting: the runtime of the test is ending anyway.
        drop(self.handle.stop(false));
        if let Some(s) = &self.scheduler {
            s.signal_stop();
        }
        if let Some(url) = self.pg_url.take() {
            crate::drop_pg_database(&url);
        }
    }
}

/// The access token of a login answer.
pub fn access_token(login: &Value) -> String {
    text(login, "access_token")
}

/// The string at `key` of a JSON object; panics naming the key otherwise.
pub fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
        .to_owned()
}

/// Free-function forms of the [`TestApp`] helpers, for test files whose
/// scenarios call them that way.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    app.send(method, path, token, body).await
}

/// [`TestApp::post_auth`] as a free function.
pub async fn post_auth(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    app.post_auth(path, token, body).await
}

/// [`TestApp::with_catalog`] as a free function.
pub async fn with_catalog(app: &TestApp) {
    app.with_catalog().await;
}

/// Status and JSON body (Null when the body is empty or not JSON).
pub async fn split(res: Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}
