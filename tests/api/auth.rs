//! The Auth section of the contract, end to end.

use base64::Engine as _;
use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_tests::http::{split, TestApp, SECRET};

fn s(v: &Value, k: &str) -> String {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} missing in {v}"))
        .to_owned()
}

async fn register_login_me_logout(app: TestApp) {
    let (st, user) = app
        .post(
            "/api/v1/auth/register",
            json!({"email": " Kim@Example.com ", "password": "correct horse battery", "display_name": "김똑장"}),
        )
        .await;
    assert_eq!(st, 201, "{user}");
    assert_eq!(user["email"], "kim@example.com");
    assert!(user.get("password_hash").is_none() && user.get("password").is_none());

    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "kim@example.com", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    let (st, login) = split(res).await;
    assert_eq!(st, 200, "{login}");
    assert_eq!(login["token_type"], "Bearer");
    assert_eq!(login["expires_in"], 900);
    assert!(login["refresh_expires_in"]
        .as_i64()
        .is_some_and(|n| n > 86_400));
    assert_eq!(s(&login, "refresh_token").len(), 43);
    let access = s(&login, "access_token");

    let (st, me) = app.get_auth("/api/v1/auth/me", &access).await;
    assert_eq!(st, 200, "{me}");
    assert_eq!(me["email"], "kim@example.com");
    assert_eq!(me["display_name"], "김똑장");
    assert_eq!(me["id"], user["id"]);

    let res = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&access), None)
        .await;
    assert_eq!(res.status().as_u16(), 204);
    let (st, body) = app.get_auth("/api/v1/auth/me", &access).await;
    assert_eq!(
        st, 401,
        "the access token must stop working at logout: {body}"
    );
    assert_eq!(body["error"]["code"], "UNAUTHENTICATED");
    let (st, _) = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": s(&login, "refresh_token")}),
        )
        .await;
    assert_eq!(st, 401, "the refresh token dies with the session");
}

async fn duplicate_email_is_a_conflict(app: TestApp) {
    app.signup("dup@example.com").await;
    let (st, b) = app
        .post(
            "/api/v1/auth/register",
            json!({"email": "DUP@example.com", "password": "another good password", "display_name": "둘"}),
        )
        .await;
    assert_eq!(st, 409, "{b}");
    assert_eq!(b["error"]["code"], "CONFLICT");
}

async fn weak_input_is_refused_field_by_field(app: TestApp) {
    let (st, b) = app
        .post(
            "/api/v1/auth/register",
            json!({"email": "bad", "password": "short", "display_name": ""}),
        )
        .await;
    assert_eq!(st, 422, "{b}");
    let fields = b["error"]["fields"].as_object().expect("fields");
    for f in ["email", "password", "display_name"] {
        assert!(fields.contains_key(f), "{f} missing in {b}");
    }
}

async fn unknown_user_and_wrong_password_answer_identically(app: TestApp) {
    app.signup("lee@example.com").await;
    let (s1, mut b1) = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "lee@example.com", "password": "wrong password"}),
        )
        .await;
    let (s2, mut b2) = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "ghost@example.com", "password": "wrong password"}),
        )
        .await;
    assert_eq!((s1, s2), (401, 401));
    b1["error"]["request_id"] = Value::Null;
    b2["error"]["request_id"] = Value::Null;
    assert_eq!(b1, b2);
    assert_eq!(b1["error"]["code"], "INVALID_CREDENTIALS");
}

async fn refresh_rotates_and_reuse_revokes_the_family(app: TestApp) {
    let login = app.signup("park@example.com").await;
    let first = s(&login, "refresh_token");
    let (st, second) = app
        .post("/api/v1/auth/refresh", json!({"refresh_token": first}))
        .await;
    assert_eq!(st, 200, "{second}");
    let second_refresh = s(&second, "refresh_token");
    assert_ne!(second_refresh, first);
    let second_access = s(&second, "access_token");
    assert_eq!(app.get_auth("/api/v1/auth/me", &second_access).await.0, 200);

    // The spent token comes back: the whole session ends.
    let (st, b) = app
        .post("/api/v1/auth/refresh", json!({"refresh_token": first}))
        .await;
    assert_eq!(st, 401);
    assert_eq!(b["error"]["code"], "REFRESH_TOKEN_REUSED");
    let (st, b) = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": second_refresh}),
        )
        .await;
    assert_eq!(st, 401, "the live token of the family is revoked too: {b}");
    assert_eq!(app.get_auth("/api/v1/auth/me", &second_access).await.0, 401);
    assert_eq!(
        app.get_auth("/api/v1/auth/me", &s(&login, "access_token"))
            .await
            .0,
        401
    );
}

async fn concurrent_refresh_has_exactly_one_winner(app: TestApp) {
    let login = app.signup("race@example.com").await;
    let token = s(&login, "refresh_token");
    let calls = (0..8).map(|_| app.post("/api/v1/auth/refresh", json!({"refresh_token": token})));
    let results = futures_util::future::join_all(calls).await;
    let winners = results.iter().filter(|(st, _)| *st == 200).count();
    assert_eq!(winners, 1, "{results:?}");
    assert!(results.iter().all(|(st, _)| *st == 200 || *st == 401));
}

async fn other_sessions_survive_a_logout(app: TestApp) {
    let phone = app.signup("two@example.com").await;
    let laptop = app.login("two@example.com", "correct horse battery").await;
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&s(&phone, "access_token")),
            None,
        )
        .await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        app.get_auth("/api/v1/auth/me", &s(&laptop, "access_token"))
            .await
            .0,
        200
    );
    assert_eq!(
        app.get_auth("/api/v1/auth/me", &s(&phone, "access_token"))
            .await
            .0,
        401
    );
}

async fn logout_with_only_the_refresh_token(app: TestApp) {
    let login = app.signup("exp@example.com").await;
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({"refresh_token": s(&login, "refresh_token")})),
        )
        .await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        app.get_auth("/api/v1/auth/me", &s(&login, "access_token"))
            .await
            .0,
        401
    );
    let res = app
        .call(Method::POST, "/api/v1/auth/logout", None, None)
        .await;
    assert_eq!(res.status().as_u16(), 401);
}

fn forge(header: &Value, claims: &Value, key: &[u8]) -> String {
    use jsonwebtoken::{encode, EncodingKey, Header};
    let _ = header;
    encode(
        &Header::new(jsonwebtoken::Algorithm::HS512),
        claims,
        &EncodingKey::from_secret(key),
    )
    .expect("encode")
}

fn b64(v: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

async fn forged_tokens_are_refused(app: TestApp) {
    let login = app.signup("forge@example.com").await;
    let access = s(&login, "access_token");
    let payload = access.split('.').nth(1).expect("payload").to_owned();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&payload)
            .expect("b64"),
    )
    .expect("json");
    assert!(claims["sid"].is_string() && claims["jti"].is_string());

    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        payload
    );
    let hs512 = forge(&json!({}), &claims, SECRET.as_bytes());
    let tampered = {
        let mut parts: Vec<String> = access.split('.').map(str::to_owned).collect();
        let mut c = claims.clone();
        c["sub"] = json!(uuid::Uuid::new_v4().to_string());
        parts[1] = b64(&c);
        parts.join(".")
    };
    for (name, token) in [
        ("alg none", none),
        ("HS512", hs512),
        ("tampered", tampered),
        ("garbage", "x.y.z".to_owned()),
    ] {
        let (st, b) = app.get_auth("/api/v1/auth/me", &token).await;
        assert_eq!(st, 401, "{name}: {b}");
        assert_eq!(b["error"]["code"], "UNAUTHENTICATED", "{name}");
    }
    let res = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("authorization", format!("Basic {access}"))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
}

async fn expired_access_token_says_so(app: TestApp) {
    use jsonwebtoken::{encode, EncodingKey, Header};
    let login = app.signup("old@example.com").await;
    let access = s(&login, "access_token");
    let payload = access.split('.').nth(1).expect("payload");
    let mut claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("b64"),
    )
    .expect("json");
    let now = chrono::Utc::now().timestamp();
    claims["iat"] = json!(now - 3600);
    claims["exp"] = json!(now - 1800);
    let old = encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .expect("encode");
    let (st, b) = app.get_auth("/api/v1/auth/me", &old).await;
    assert_eq!(st, 401);
    assert_eq!(b["error"]["code"], "TOKEN_EXPIRED");
}

async fn failed_logins_are_rate_limited(app: TestApp) {
    app.signup("slow@example.com").await;
    for _ in 0..5 {
        let (st, _) = app
            .post(
                "/api/v1/auth/login",
                json!({"email": "slow@example.com", "password": "wrong password"}),
            )
            .await;
        assert_eq!(st, 401);
    }
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "slow@example.com", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(res.status().as_u16(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("secs");
    assert!((1..=900).contains(&retry));
    let (_, b) = split(res).await;
    assert_eq!(b["error"]["code"], "RATE_LIMITED");
}

async fn invites_are_required_in_closed_beta(app: TestApp) {
    // This app runs with invites off; start a second view with them on, same DB.
    let mut config = app.config.clone();
    config.invites_required = true;
    config.bind = "127.0.0.1:0".parse().expect("addr");
    let running = ttokjang::server::start(&config).await.expect("start");
    let base = format!("http://{}", running.addr);
    let handle = running.handle.clone();
    tokio::spawn(running.server);
    let post = |body: Value| {
        let c = app.client.clone();
        let url = format!("{base}/api/v1/auth/register");
        async move { split(c.post(url).json(&body).send().await.expect("sent")).await }
    };
    let body = |code: Option<&str>| {
        json!({"email": "beta@example.com", "password": "correct horse battery",
               "display_name": "베타", "invite_code": code})
    };
    let (st, b) = post(body(None)).await;
    assert_eq!(st, 422, "{b}");
    assert!(b["error"]["fields"]["invite_code"].is_string());
    let (st, _) = post(body(Some("NOT-A-REAL-CODE"))).await;
    assert_eq!(st, 422);

    let svc = app.services().await;
    let code = ttokjang::server::create_invite(&svc, Some(7))
        .await
        .expect("invite");
    let (st, b) = post(body(Some(&code.as_str().to_lowercase()))).await;
    assert_eq!(st, 201, "{b}");
    let again = json!({"email": "beta2@example.com", "password": "correct horse battery",
                       "display_name": "베타2", "invite_code": code.as_str()});
    let (st, b) = post(again).await;
    assert_eq!(st, 422, "an invite works once: {b}");
    handle.stop(false).await;
}

crate::on_both_backends!(
    register_login_me_logout,
    duplicate_email_is_a_conflict,
    weak_input_is_refused_field_by_field,
    unknown_user_and_wrong_password_answer_identically,
    refresh_rotates_and_reuse_revokes_the_family,
    concurrent_refresh_has_exactly_one_winner,
    other_sessions_survive_a_logout,
    logout_with_only_the_refresh_token,
    forged_tokens_are_refused,
    expired_access_token_says_so,
    failed_logins_are_rate_limited,
    invites_are_required_in_closed_beta,
);
