//! The contract's error shape and request ids, on every kind of failure.

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_tests::http::{split, TestApp};

fn assert_envelope(body: &Value, code: &str) {
    let e = &body["error"];
    assert_eq!(e["code"], code, "body: {body}");
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "body: {body}"
    );
    assert!(
        e["request_id"].as_str().is_some_and(|m| !m.is_empty()),
        "body: {body}"
    );
}

async fn bad_json_is_invalid_json(app: TestApp) {
    for raw in [
        "{",
        "{\"email\": }",
        "nope",
        "{\"email\":\"a\",\"password\":\"b\"} trailing",
    ] {
        let res = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("sent");
        let (s, b) = split(res).await;
        assert_eq!(s, 400, "{raw}: {b}");
        assert_envelope(&b, "INVALID_JSON");
    }
}

async fn wrong_shapes_are_validation_failures(app: TestApp) {
    for body in [
        json!({"email": 1, "password": "x"}),
        json!({"email": "a@b.co"}),
        json!({"email": "a@b.co", "password": "x", "user_id": "someone-else"}),
        json!(null),
        json!([]),
    ] {
        let (s, b) = app.post("/api/v1/auth/login", body.clone()).await;
        assert_eq!(s, 422, "{body}: {b}");
        assert_envelope(&b, "VALIDATION_FAILED");
        assert!(b["error"]["fields"].is_object());
    }
}

async fn wrong_content_type_and_huge_body(app: TestApp) {
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .expect("sent");
    let (s, b) = split(res).await;
    assert_eq!(s, 415);
    assert_envelope(&b, "UNSUPPORTED_MEDIA_TYPE");

    let huge = format!(
        "{{\"email\":\"{}\",\"password\":\"x\"}}",
        "a".repeat(3 * 1024 * 1024)
    );
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("sent");
    let (s, b) = split(res).await;
    assert_eq!(s, 413);
    assert_envelope(&b, "PAYLOAD_TOO_LARGE");
}

async fn unknown_routes_and_methods(app: TestApp) {
    let (s, b) = split(app.call(Method::GET, "/api/v1/nope", None, None).await).await;
    assert_eq!(s, 404);
    assert_envelope(&b, "NOT_FOUND");
    let (s, b) = split(
        app.call(Method::GET, "/api/v1/auth/login", None, None)
            .await,
    )
    .await;
    assert_eq!(s, 405, "{b}");
    assert_envelope(&b, "METHOD_NOT_ALLOWED");
}

async fn request_ids_are_echoed_or_made(app: TestApp) {
    let res = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("x-request-id", "client-abc.123")
        .send()
        .await
        .expect("sent");
    assert_eq!(res.headers()["x-request-id"], "client-abc.123");
    let (_, b) = split(res).await;
    assert_eq!(b["error"]["request_id"], "client-abc.123");

    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .expect("sent");
    let id = res.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_ne!(id, "bad id with spaces");
    assert!(uuid::Uuid::parse_str(&id).is_ok());
}

async fn health_and_readiness(app: TestApp) {
    let (s, b) = split(app.call(Method::GET, "/healthz", None, None).await).await;
    assert_eq!((s, b["status"].as_str()), (200, Some("ok")));
    let (s, b) = split(app.call(Method::GET, "/readyz", None, None).await).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["status"], "ready");
}

crate::on_both_backends!(
    bad_json_is_invalid_json,
    wrong_shapes_are_validation_failures,
    wrong_content_type_and_huge_body,
    unknown_routes_and_methods,
    request_ids_are_echoed_or_made,
    health_and_readiness,
);
