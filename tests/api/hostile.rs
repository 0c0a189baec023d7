//! The bad-input suite (issue 8): every JSON-body endpoint × every hostile body
//! answers a 4xx in the contract's shape, never a 5xx, and the same on SQLite
//! and PostgreSQL (both are checked against one expectation table).

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_tests::http::{split, TestApp};
use uuid::Uuid;

/// One JSON-body endpoint. `template` is the body with `"__S__"` where a string
/// goes and `__N__` where a number goes (a quantity or amount, where the
/// endpoint has one); `s_ok`/`n_ok` are the values that make it valid.
struct Endpoint {
    name: &'static str,
    method: Method,
    path: String,
    /// Sends the shopper's bearer token (the auth endpoints do not).
    auth: bool,
    /// Sends a fresh `Idempotency-Key`.
    idempotent: bool,
    /// An empty body is allowed (it means "no options").
    optional_body: bool,
    template: String,
    s_ok: String,
    n_ok: &'static str,
    /// A top-level key of the template, repeated for the duplicate-key case.
    dup_key: &'static str,
}

impl Endpoint {
    fn with(&self, s: &str, n: &str) -> String {
        self.template.replace("\"__S__\"", s).replace("__N__", n)
    }
    fn valid(&self) -> String {
        self.with(&format!("\"{}\"", self.s_ok), self.n_ok)
    }
    fn has_number(&self) -> bool {
        self.template.contains("__N__")
    }
}

/// A hostile body: its name, the raw bytes and the content type sent.
struct Case {
    name: String,
    body: Vec<u8>,
    content_type: &'static str,
}

fn cases(e: &Endpoint) -> Vec<Case> {
    let json_case = |name: &str, body: String| Case {
        name: name.to_owned(),
        body: body.into_bytes(),
        content_type: "application/json",
    };
    let valid = e.valid();
    let mut out = vec![json_case(
        "duplicate key",
        format!("{{\"{}\":\"dup\",{}", e.dup_key, &valid[1..]),
    )];
    let s_ok = format!("\"{}\"", e.s_ok);
    if e.has_number() {
        for (name, n) in [
            ("negative number", "-1"),
            ("zero", "0"),
            ("huge number", "1000000000000"),
            ("float", "1.5"),
            ("number as string", "\"2\""),
            ("past i64", "9223372036854775808"),
            ("past -i64", "-9223372036854775809"),
            ("NaN", "NaN"),
            ("1e400", "1e400"),
            ("null number", "null"),
        ] {
            out.push(json_case(name, e.with(&s_ok, n)));
        }
    }
    for (name, s) in [
        ("NUL in string", "\"a\\u0000b\""),
        ("lone surrogate", "\"\\ud800\""),
        ("lone low surrogate", "\"x\\udc00y\""),
        ("string as number", "12"),
    ] {
        out.push(json_case(name, e.with(s, e.n_ok)));
    }
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    out.push(json_case("200-deep nesting", deep.clone()));
    out.push(json_case(
        "200-deep nesting in a field",
        format!("{{\"{}\":{deep},{}", e.dup_key, &valid[1..]),
    ));
    out.push(json_case("trailing garbage", format!("{valid} garbage")));
    out.push(json_case("two documents", format!("{valid}{valid}")));
    out.push(json_case("BOM", format!("\u{feff}{valid}")));
    out.push(json_case("empty body", String::new()));
    out.push(json_case("null", "null".to_owned()));
    out.push(json_case("array", "[]".to_owned()));
    // serde would read a struct from an array of its fields (`["hi"]` as a
    // chat message); bodies are objects.
    out.push(json_case("array of a field", format!("[{s_ok}]")));
    out.push(json_case("bare string", "\"x\"".to_owned()));
    out.push(json_case("truncated", valid[..valid.len() - 1].to_owned()));
    let mut raw = e.with("\"__X__\"", e.n_ok).into_bytes();
    if let Some(at) = raw.windows(5).position(|w| w == b"__X__") {
        raw.splice(at..at + 5, [0xff, 0xfe]);
    }
    out.push(Case {
        name: "invalid UTF-8 in string".to_owned(),
        body: raw,
        content_type: "application/json",
    });
    out.push(Case {
        name: "wrong content type".to_owned(),
        body: valid.clone().into_bytes(),
        content_type: "text/plain",
    });
    out.push(Case {
        name: "form content type".to_owned(),
        body: valid.clone().into_bytes(),
        content_type: "application/x-www-form-urlencoded",
    });
    out.push(json_case(
        "3 MiB body",
        e.with(&format!("\"{}\"", "가".repeat(1024 * 1024)), e.n_ok),
    ));
    out
}

fn token(login: &Value) -> String {
    login["access_token"]
        .as_str()
        .expect("access token")
        .to_owned()
}

async fn send(app: &TestApp, e: &Endpoint, t: &str, c: &Case) -> (u16, Value) {
    let mut req = app
        .client
        .request(e.method.clone(), app.url(&e.path))
        .header("content-type", c.content_type)
        .body(c.body.clone());
    if e.auth {
        req = req.bearer_auth(t);
    }
    if e.idempotent {
        req = req.header("Idempotency-Key", Uuid::new_v4().to_string());
    }
    split(req.send().await.expect("request sent")).await
}

async fn created(app: &TestApp, t: &str, path: &str, idem: bool, body: Value) -> String {
    let mut req = app.client.post(app.url(path)).bearer_auth(t).json(&body);
    if idem {
        req = req.header("Idempotency-Key", Uuid::new_v4().to_string());
    }
    let (s, b) = split(req.send().await.expect("sent")).await;
    assert!(s == 200 || s == 201, "{path}: {s} {b}");
    b["id"]
        .as_str()
        .or_else(|| b["items"][0]["id"].as_str())
        .expect("an id")
        .to_owned()
}

#[allow(clippy::too_many_arguments)]
fn ep(
    name: &'static str,
    method: Method,
    path: &str,
    auth: bool,
    template: &str,
    s_ok: &str,
    n_ok: &'static str,
    dup_key: &'static str,
) -> Endpoint {
    Endpoint {
        name,
        method,
        path: format!("/api/v1{path}"),
        auth,
        idempotent: false,
        optional_body: false,
        template: template.to_owned(),
        s_ok: s_ok.to_owned(),
        n_ok,
        dup_key,
    }
}

async fn endpoints(app: &TestApp, t: &str) -> Vec<Endpoint> {
    let item = created(
        app,
        t,
        "/api/v1/basket/items",
        false,
        json!({"name": "두부", "quantity": 1}),
    )
    .await;
    let order = created(
        app,
        t,
        "/api/v1/users/me/orders",
        false,
        json!({"lines": [{"name": "우유", "quantity": 1, "unit_price_krw": 1000}], "fees_krw": 0}),
    )
    .await;
    let intent = created(
        app,
        t,
        "/api/v1/payments/intents",
        true,
        json!({"order_id": order, "amount_krw": 1000}),
    )
    .await;
    let reservation = created(
        app,
        t,
        "/api/v1/reservations",
        false,
        json!({"title": "주말", "mode": "online", "schedule_type": "weekly", "time_of_day": "09:00", "days_of_week": [6]}),
    )
    .await;
    let generate = r#"{"basket":[{"name":"__S__","quantity":__N__}],"max_stores":2}"#;
    let select = r#"{"plan_request_id":"__S__","plan_id":"p1"}"#;
    let rid = Uuid::new_v4().to_string();
    let mut all = vec![
        ep(
            "register",
            Method::POST,
            "/auth/register",
            false,
            r#"{"email":"hostile-new@example.com","password":"correct horse battery","display_name":"__S__"}"#,
            "새 사람",
            "0",
            "email",
        ),
        ep(
            "login",
            Method::POST,
            "/auth/login",
            false,
            r#"{"email":"__S__","password":"wrong password"}"#,
            "nobody@example.com",
            "0",
            "password",
        ),
        ep(
            "refresh",
            Method::POST,
            "/auth/refresh",
            false,
            r#"{"refresh_token":"__S__"}"#,
            "not-a-token",
            "0",
            "refresh_token",
        ),
        ep(
            "basket put",
            Method::PUT,
            "/basket",
            true,
            r#"{"items":[{"name":"__S__","quantity":__N__}]}"#,
            "우유",
            "1",
            "items",
        ),
        ep(
            "basket item post",
            Method::POST,
            "/basket/items",
            true,
            r#"{"name":"__S__","quantity":__N__}"#,
            "계란",
            "1",
            "name",
        ),
        ep(
            "basket item patch",
            Method::PATCH,
            &format!("/basket/items/{item}"),
            true,
            r#"{"quantity":__N__,"note":"__S__"}"#,
            "메모",
            "2",
            "quantity",
        ),
        ep(
            "preferences put",
            Method::PUT,
            "/preferences",
            true,
            r#"{"max_stores":__N__,"excluded_chains":["__S__"]}"#,
            "코스트코",
            "2",
            "max_stores",
        ),
        ep(
            "profile put",
            Method::PUT,
            "/users/me/profile",
            true,
            r#"{"display_name":"__S__"}"#,
            "김똑장",
            "0",
            "display_name",
        ),
        ep(
            "order post",
            Method::POST,
            "/users/me/orders",
            true,
            r#"{"lines":[{"name":"__S__","quantity":__N__,"unit_price_krw":1000}]}"#,
            "우유",
            "1",
            "lines",
        ),
        ep(
            "offline generate",
            Method::POST,
            "/offline/plans/generate",
            true,
            generate,
            "우유",
            "1",
            "basket",
        ),
        ep(
            "online generate",
            Method::POST,
            "/online/plans/generate",
            true,
            generate,
            "우유",
            "1",
            "basket",
        ),
        ep(
            "legacy generate",
            Method::POST,
            "/plans/generate",
            true,
            r#"{"mode":"offline","basket":[{"name":"__S__","quantity":__N__}]}"#,
            "우유",
            "1",
            "mode",
        ),
        ep(
            "offline select",
            Method::POST,
            "/offline/plans/select",
            true,
            select,
            &rid,
            "0",
            "plan_id",
        ),
        ep(
            "online select",
            Method::POST,
            "/online/plans/select",
            true,
            select,
            &rid,
            "0",
            "plan_id",
        ),
        ep(
            "chat",
            Method::POST,
            "/chat",
            true,
            r#"{"message":"__S__"}"#,
            "안녕",
            "0",
            "message",
        ),
        ep(
            "reservation post",
            Method::POST,
            "/reservations",
            true,
            r#"{"title":"__S__","mode":"online","schedule_type":"monthly","time_of_day":"09:00","day_of_month":__N__}"#,
            "장보기",
            "1",
            "title",
        ),
        ep(
            "reservation patch",
            Method::PATCH,
            &format!("/reservations/{reservation}"),
            true,
            r#"{"title":"__S__"}"#,
            "장보기",
            "0",
            "title",
        ),
        ep(
            "payment method post",
            Method::POST,
            "/users/me/payment-methods",
            true,
            r#"{"token":"__S__"}"#,
            "pm_card_nope",
            "0",
            "token",
        ),
        ep(
            "intent post",
            Method::POST,
            "/payments/intents",
            true,
            r#"{"order_id":"__S__","amount_krw":__N__}"#,
            &order,
            "999",
            "order_id",
        ),
        ep(
            "intent confirm",
            Method::POST,
            &format!("/payments/intents/{intent}/confirm"),
            true,
            r#"{"payment_method":"__S__"}"#,
            "pm_card_nope",
            "0",
            "payment_method",
        ),
        // Last: it must not end the shopper's session (no bearer is sent).
        ep(
            "logout",
            Method::POST,
            "/auth/logout",
            false,
            r#"{"refresh_token":"__S__"}"#,
            "not-a-token",
            "0",
            "refresh_token",
        ),
    ];
    for e in &mut all {
        e.idempotent = e.path.starts_with("/api/v1/payments/");
        e.optional_body = matches!(e.name, "logout" | "offline generate" | "online generate");
    }
    all
}

/// (endpoint, case) → (status, error code), for every pair.
async fn matrix(app: &TestApp) -> BTreeMap<(String, String), (u16, String)> {
    let t = token(&app.signup("hostile@example.com").await);
    let mut out = BTreeMap::new();
    for e in endpoints(app, &t).await {
        for c in cases(&e) {
            let (status, body) = send(app, &e, &t, &c).await;
            let code = body["error"]["code"].as_str().unwrap_or("-").to_owned();
            out.insert((e.name.to_owned(), c.name.clone()), (status, code));
        }
    }
    out
}

/// The expected (status, code) of one pair: the same table for both backends.
fn expected(endpoint: &str, case: &str) -> (u16, &'static str) {
    const INVALID_JSON: (u16, &str) = (400, "INVALID_JSON");
    const VALIDATION: (u16, &str) = (422, "VALIDATION_FAILED");
    match (endpoint, case) {
        (_, "3 MiB body") => (413, "PAYLOAD_TOO_LARGE"),
        (_, "wrong content type" | "form content type") => (415, "UNSUPPORTED_MEDIA_TYPE"),
        // Optional bodies: empty means "no options".
        ("logout", "empty body") => (401, "UNAUTHENTICATED"),
        ("offline generate" | "online generate", "empty body") => (200, "-"),
        // The legacy route takes an empty body with `?mode=`; without it
        // nothing names the mode.
        ("legacy generate", "empty body") => (422, "VALIDATION_FAILED"),
        (
            _,
            "NaN"
            | "1e400"
            | "lone surrogate"
            | "lone low surrogate"
            | "invalid UTF-8 in string"
            | "trailing garbage"
            | "two documents"
            | "BOM"
            | "empty body"
            | "truncated",
        ) => INVALID_JSON,
        // A NUL is valid JSON; where the string is only looked up, it is
        // simply not found.
        ("login", "NUL in string") => (401, "INVALID_CREDENTIALS"),
        ("refresh", "NUL in string") => (401, "UNAUTHENTICATED"),
        ("offline select" | "online select", "NUL in string") => (404, "NOT_FOUND"),
        // Logout of an unknown refresh token is a no-op (the contract's 204).
        ("logout", "NUL in string") => (204, "-"),
        // PATCH: `null` means "leave the quantity as it is".
        ("basket item patch", "null number") => (200, "-"),
        // PUT preferences: a `null` setting means "the default".
        ("preferences put", "null number") => (200, "-"),
        // Deep nesting is refused at the first level whose type is wrong
        // (serde's recursion limit of 128 would give 400 otherwise).
        _ => VALIDATION,
    }
}

async fn hostile_bodies_get_contract_4xx(app: TestApp) {
    let got = matrix(&app).await;
    let mut wrong = Vec::new();
    for ((e, c), (status, code)) in &got {
        assert!(*status < 500, "{e} × {c}: {status} {code}");
        let want = expected(e, c);
        if (*status, code.as_str()) != want {
            wrong.push(format!(
                "{e} × {c}: got {status} {code}, want {} {}",
                want.0, want.1
            ));
        }
    }
    assert!(got.len() > 400, "the matrix ran: {}", got.len());
    assert!(
        wrong.is_empty(),
        "{:?}: {} unexpected answers:\n{}",
        app.db,
        wrong.len(),
        wrong.join("\n")
    );
}

/// Objects nested in a body are objects too: serde would read a struct from
/// an array of its fields (`"location": [37.5, 127.0]`).
async fn nested_arrays_for_objects_are_refused(app: TestApp) {
    let t = token(&app.signup("nested@example.com").await);
    let line = r#"["l1", null, "우유", 1]"#;
    for (method, path, body) in [
        (
            Method::POST,
            "/api/v1/offline/plans/generate",
            r#"{"location":[37.5,127.0]}"#.to_owned(),
        ),
        (
            Method::POST,
            "/api/v1/online/plans/generate",
            format!(r#"{{"basket":[{line}]}}"#),
        ),
        (
            Method::PUT,
            "/api/v1/basket",
            format!(r#"{{"items":[{line}]}}"#),
        ),
        (
            Method::PUT,
            "/api/v1/users/me/profile",
            r#"{"display_name":"네스티드","location":[37.5,127.0]}"#.to_owned(),
        ),
        (
            Method::POST,
            "/api/v1/users/me/orders",
            r#"{"lines":[["우유",1,1000]]}"#.to_owned(),
        ),
    ] {
        let res = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(&t)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .expect("sent");
        let (status, b) = split(res).await;
        assert_eq!(
            (status, b["error"]["code"].as_str()),
            (422, Some("VALIDATION_FAILED")),
            "{method} {path} {body}: {b}"
        );
    }
    // The same bodies with objects are fine.
    let (status, b) = split(
        app.client
            .put(app.url("/api/v1/users/me/profile"))
            .bearer_auth(&t)
            .json(&json!({"display_name": "네스티드", "location": {"lat": 37.5, "lng": 127.0}}))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(status, 200, "{b}");
}

crate::on_both_backends!(
    env [("SAMPLE_DATA", "true")];
    hostile_bodies_get_contract_4xx,
    nested_arrays_for_objects_are_refused
);
