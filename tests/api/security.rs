//! Findings of the hostile black-box run (issue 13), each on both backends.

use base64::Engine as _;
use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_tests::http::{split, Db, TestApp, SECRET};

fn s(v: &Value, k: &str) -> String {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} missing in {v}"))
        .to_owned()
}

/// Finding 6: a token that is not valid yet (`nbf` in the future) is refused.
async fn future_nbf_is_refused(app: TestApp) {
    let login = app.signup("nbf@example.com").await;
    let access = s(&login, "access_token");
    let payload = access.split('.').nth(1).expect("payload").to_owned();
    let mut claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&payload)
            .expect("b64"),
    )
    .expect("json");
    let sign = |c: &Value| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            c,
            &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .expect("encode")
    };
    let now = chrono::Utc::now().timestamp();
    claims["nbf"] = json!(now + 3600);
    let (st, b) = app.get_auth("/api/v1/auth/me", &sign(&claims)).await;
    assert_eq!(st, 401, "{b}");
    assert_eq!(b["error"]["code"], "UNAUTHENTICATED");
    claims["nbf"] = json!(now - 10);
    let (st, b) = app.get_auth("/api/v1/auth/me", &sign(&claims)).await;
    assert_eq!(st, 200, "a past nbf is fine: {b}");
}

async fn post_raw(app: &TestApp, path: &str, content_type: &str, body: &str) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(path))
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .expect("sent");
    split(res).await
}

/// Finding 7: only `application/json` (a charset allowed) is JSON.
async fn only_application_json_is_json(app: TestApp) {
    let body = r#"{"email":"nobody@example.com","password":"wrong password"}"#;
    for ct in [
        "text/json",
        "application/x-json",
        "application/jsonx",
        "application/vnd.api+json",
        "text/plain",
    ] {
        for path in ["/api/v1/auth/login", "/api/v1/auth/logout"] {
            let (st, b) = post_raw(&app, path, ct, body).await;
            assert_eq!(st, 415, "{path} {ct}: {b}");
            assert_eq!(b["error"]["code"], "UNSUPPORTED_MEDIA_TYPE");
        }
    }
    for ct in [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;charset=UTF-8",
    ] {
        let (st, b) = post_raw(&app, "/api/v1/auth/login", ct, body).await;
        assert_eq!(st, 401, "{ct}: {b}");
    }
}

/// Finding 8: wrong bodies are described field by field in our words; no
/// parser text (positions, quoted input, lists of our fields).
async fn body_errors_speak_our_words(app: TestApp) {
    let t = s(&app.signup("words@example.com").await, "access_token");
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "/api/v1/auth/login",
            json!({"email": 123, "password": "x"}),
            "email",
            "must be a string",
        ),
        (
            "/api/v1/auth/login",
            json!({"email": "a@b.co", "password": "x", "user_id": "u"}),
            "user_id",
            "is not a known field",
        ),
        (
            "/api/v1/auth/login",
            json!({"email": "a@b.co"}),
            "password",
            "is required",
        ),
        ("/api/v1/auth/login", json!([]), "body", "must be an object"),
        (
            "/api/v1/basket/items",
            json!({"name": "우유", "quantity": "two"}),
            "quantity",
            "must be a whole number",
        ),
        (
            "/api/v1/basket/items",
            json!({"name": "우유", "quantity": 1, "extra": true}),
            "extra",
            "is not a known field",
        ),
    ];
    for (path, body, field, problem) in cases {
        let (st, b) = split(
            app.call(Method::POST, path, Some(&t), Some(body.clone()))
                .await,
        )
        .await;
        assert_eq!(st, 422, "{path} {body}: {b}");
        assert_eq!(b["error"]["fields"][field], problem, "{path} {body}: {b}");
        let text = b.to_string();
        for leak in [
            "line 1",
            "column",
            "invalid type",
            "expected",
            "`",
            "unknown field",
        ] {
            assert!(!text.contains(leak), "{path} {body} leaks {leak:?}: {b}");
        }
    }
    // Nested paths are named.
    let (st, b) = split(
        app.call(
            Method::PUT,
            "/api/v1/basket",
            Some(&t),
            Some(json!({"items": [{"name": "우유", "quantity": 1}, {"name": "빵", "quantity": true}]})),
        )
        .await,
    )
    .await;
    assert_eq!(st, 422, "{b}");
    assert_eq!(
        b["error"]["fields"]["items[1].quantity"], "must be a whole number",
        "{b}"
    );
    // Syntax errors say where, not what serde thought.
    let (st, b) = post_raw(
        &app,
        "/api/v1/auth/login",
        "application/json",
        "{\"email\": }",
    )
    .await;
    assert_eq!(st, 400, "{b}");
    let msg = b["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.starts_with("the body is not valid JSON"), "{b}");
    assert!(!msg.contains("expected"), "{b}");
}

/// Finding 3: security headers on the API, errors and the site.
async fn security_headers_everywhere(app: TestApp) {
    let t = s(&app.signup("headers@example.com").await, "access_token");
    for (method, path, token) in [
        (Method::GET, "/api/v1/basket", Some(t.as_str())),
        (Method::GET, "/api/v1/users/me/profile", Some(t.as_str())),
        (Method::GET, "/api/v1/auth/me", None),
        (Method::GET, "/api/v1/nope", None),
        (Method::GET, "/healthz", None),
        (Method::GET, "/", None),
    ] {
        let res = app.call(method.clone(), path, token, None).await;
        let h = res.headers();
        let get = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let csp = get("content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        // the web app's default tiles (tile.openstreetmap.org) and the
        // older sharded hosts
        assert!(
            csp.contains("https://tile.openstreetmap.org "),
            "{path}: {csp}"
        );
        assert!(
            csp.contains("https://*.tile.openstreetmap.org"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(get("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(get("x-frame-options"), "DENY", "{path}");
        assert_eq!(get("referrer-policy"), "no-referrer", "{path}");
        if path.starts_with("/api/") {
            assert_eq!(get("cache-control"), "no-store", "{path}");
        }
    }
}

/// Finding 9: source maps of the web app are not served.
async fn source_maps_are_not_served(db: Db) {
    let site = ttokjang_tests::TempDirGuard::new();
    let assets = site.path().join("assets");
    std::fs::create_dir_all(&assets).expect("dir");
    std::fs::write(
        site.path().join("index.html"),
        "<!doctype html><title>t</title>",
    )
    .expect("index");
    std::fs::write(
        assets.join("index-abc.js"),
        "console.log(1)\n//# sourceMappingURL=index-abc.js.map",
    )
    .expect("js");
    std::fs::write(
        assets.join("index-abc.js.map"),
        r#"{"version":3,"sources":["secret.ts"]}"#,
    )
    .expect("map");
    let dist = site.path().display().to_string();
    let Some(app) = TestApp::start(db, &[("WEB_DIST", dist.as_str())]).await else {
        return;
    };
    let res = app
        .call(Method::GET, "/assets/index-abc.js", None, None)
        .await;
    assert_eq!(res.status().as_u16(), 200);
    for path in [
        "/assets/index-abc.js.map",
        "/assets/INDEX-ABC.JS.MAP",
        "/assets/missing.js.map",
    ] {
        let res = app.call(Method::GET, path, None, None).await;
        let status = res.status().as_u16();
        let text = res.text().await.expect("text");
        assert_eq!(status, 404, "{path}: {text}");
        assert!(!text.contains("secret.ts"), "{path}");
    }
}

mod site {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_source_maps_are_not_served() {
        source_maps_are_not_served(Db::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_source_maps_are_not_served() {
        source_maps_are_not_served(Db::Postgres).await;
    }
}

crate::on_both_backends!(
    future_nbf_is_refused,
    only_application_json_is_json,
    body_errors_speak_our_words,
    security_headers_everywhere,
    registration_does_not_tell_which_emails_exist,
    webhook_targets_embedding_private_addresses_are_refused,
    malformed_heads_get_the_envelope,
);

/// Sends raw bytes on one connection and reads the whole answer (the server
/// closes after a malformed head).
async fn raw(app: &TestApp, request: &[u8]) -> (String, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://");
    let mut conn = tokio::net::TcpStream::connect(addr).await.expect("connect");
    conn.write_all(request).await.expect("send");
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        conn.read_to_end(&mut answer),
    )
    .await
    .expect("the server closes the connection")
    .expect("read");
    let text = String::from_utf8(answer).expect("utf-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let json = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}"));
    (head.to_owned(), json)
}

/// Finding 11: what actix's HTTP/1 parser refuses by itself (a control
/// character in a header → 400, too many headers → 431) is answered in the
/// envelope with a request id, like every other error.
async fn malformed_heads_get_the_envelope(app: TestApp) {
    let (head, b) = raw(
        &app,
        b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n",
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 400 "), "{head}");
    assert_eq!(b["error"]["code"], "MALFORMED_REQUEST", "{b}");
    let id = b["error"]["request_id"].as_str().expect("a request id");
    assert!(!id.is_empty());
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains(&format!("x-request-id: {id}")), "{head}");
    assert!(lower.contains("content-type: application/json"), "{head}");
    assert!(lower.contains("x-content-type-options: nosniff"), "{head}");

    let mut many = b"GET /healthz HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 0..120 {
        many.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    many.extend_from_slice(b"\r\n");
    let (head, b) = raw(&app, &many).await;
    assert!(head.starts_with("HTTP/1.1 431 "), "{head}");
    assert_eq!(b["error"]["code"], "HEADERS_TOO_LARGE", "{b}");
    assert!(b["error"]["request_id"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));

    // A good request on the same server is untouched (one request id, ours).
    let (head, b) = raw(
        &app,
        b"GET /api/v1/nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 404 "), "{head}");
    assert_eq!(b["error"]["code"], "NOT_FOUND", "{b}");
    assert_eq!(
        head.to_ascii_lowercase().matches("x-request-id:").count(),
        1,
        "{head}"
    );
}

/// Finding 4: the demo credentials are kept in a 0600 file, not printed.
async fn demo_credentials_go_to_a_private_file(app: TestApp) {
    let path = app.data_dir().join("demo-account.txt");
    let text = std::fs::read_to_string(&path).expect("demo-account.txt is written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{path:?}");
    }
    let password = text
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("a password line")
        .trim()
        .to_owned();
    assert!(text.contains("invite code"), "{text}");
    app.login("demo@ttokjang.app", &password).await;
}

mod demo {
    crate::on_both_backends!(env [("DEMO_ACCOUNT", "true")]; demo_credentials_go_to_a_private_file);
    use super::demo_credentials_go_to_a_private_file;
}

/// Finding 5: webhook targets that embed a private IPv4 address in IPv6, and
/// names under localhost/localdomain, are refused when saved.
async fn webhook_targets_embedding_private_addresses_are_refused(app: TestApp) {
    let t = s(&app.signup("hooks@example.com").await, "access_token");
    for url in [
        "https://[::127.0.0.1]/hook",
        "https://[::ffff:0:a9fe:a9fe]/hook",
        "https://[2002:7f00:1::1]/hook",
        "https://[64:ff9b::a00:1]/hook",
        "https://localhost.localdomain/hook",
        "https://printer.localdomain/hook",
    ] {
        let body = json!({"title": "x", "schedule_type": "daily", "time_of_day": "09:00",
                          "channel": "webhook", "webhook_url": url});
        let (st, b) = split(
            app.call(Method::POST, "/api/v1/reservations", Some(&t), Some(body))
                .await,
        )
        .await;
        assert_eq!(st, 422, "{url}: {b}");
        assert!(
            b["error"]["fields"]["webhook_url"].is_string(),
            "{url}: {b}"
        );
    }
}

/// Finding 1: without a usable invite, a known and an unknown e-mail answer
/// alike (the invite problem), never "already exists".
async fn registration_does_not_tell_which_emails_exist(app: TestApp) {
    app.signup("known@example.com").await;
    let mut config = app.config.clone();
    config.invites_required = true;
    config.bind = "127.0.0.1:0".parse().expect("addr");
    let running = ttokjang::server::start(&config).await.expect("start");
    let base = format!("http://{}", running.addr);
    let handle = running.handle.clone();
    tokio::spawn(running.server);
    let mut answers = Vec::new();
    for email in ["known@example.com", "unknown@example.com"] {
        let res = app
            .client
            .post(format!("{base}/api/v1/auth/register"))
            .json(&json!({"email": email, "password": "correct horse battery",
                          "display_name": "누구", "invite_code": "BOGUS-CODE-123"}))
            .send()
            .await
            .expect("sent");
        let (st, mut b) = split(res).await;
        b["error"]["request_id"] = Value::Null;
        answers.push((st, b));
    }
    assert_eq!(answers[0].0, 422, "{:?}", answers[0]);
    assert_eq!(
        answers[0], answers[1],
        "known and unknown e-mail must answer alike"
    );
    assert!(answers[0].1["error"]["fields"]["invite_code"].is_string());
    handle.stop(false).await;
}

/// Finding 2: registration is throttled per client address (every attempt
/// counts, before any hashing), with Retry-After.
async fn registration_is_throttled(app: TestApp) {
    for i in 0..3 {
        let (st, b) = app
            .post(
                "/api/v1/auth/register",
                json!({"email": format!("r{i}@example.com"), "password": if i == 1 { "short" } else { "correct horse battery" }, "display_name": "가"}),
            )
            .await;
        assert!(st == 201 || st == 422, "{st} {b}");
    }
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "r9@example.com", "password": "correct horse battery", "display_name": "가"})),
        )
        .await;
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (st, b) = split(res).await;
    assert_eq!(st, 429, "{b}");
    assert_eq!(b["error"]["code"], "RATE_LIMITED");
    assert!(retry.is_some_and(|s| (1..=3600).contains(&s)), "{retry:?}");
    // Login is not affected by the registration budget.
    app.login("r0@example.com", "correct horse battery").await;
}

mod register_throttle {
    crate::on_both_backends!(env [("REGISTER_MAX_PER_ADDRESS", "3")]; registration_is_throttled);
    use super::registration_is_throttled;
}
