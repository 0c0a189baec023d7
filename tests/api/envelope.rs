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
    // RFC 9110: a 405 names what the resource accepts (from the OpenAPI document).
    for (method, path, allow) in [
        (Method::GET, "/api/v1/auth/login", "POST"),
        (Method::POST, "/api/v1/basket", "GET, PUT"),
        (
            Method::GET,
            "/api/v1/basket/items/7f1f6fb4-7a0e-4d6c-9d55-0b8f7d6b1c11",
            "DELETE, PATCH",
        ),
        (Method::TRACE, "/healthz", "GET"),
        (Method::POST, "/metrics", "GET"),
    ] {
        let res = app.call(method.clone(), path, None, None).await;
        let got = res
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let (s, b) = split(res).await;
        assert_eq!(s, 405, "{method} {path}: {b}");
        assert_envelope(&b, "METHOD_NOT_ALLOWED");
        assert_eq!(got.as_deref(), Some(allow), "{method} {path}");
    }
}

/// The OpenAPI document and Swagger UI are served by the binary itself.
async fn the_openapi_document_is_served(app: TestApp) {
    let (s, doc) = split(
        app.call(Method::GET, "/api-docs/openapi.json", None, None)
            .await,
    )
    .await;
    assert_eq!(s, 200, "{doc}");
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{doc}"
    );
    for path in [
        "/api/v1/auth/login",
        "/api/v1/offline/plans/generate",
        "/api/v1/payments/intents/{id}/confirm",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    // Issue 16's fields: the departure, the routing note, skipped stores,
    // each stop's arrival and hours, a shop's closing days.
    let schemas = &doc["components"]["schemas"];
    let props = |name: &str| schemas[name]["properties"].clone();
    assert!(
        props("GenerateBody")["departure_at"].is_object(),
        "{}",
        schemas["GenerateBody"]
    );
    for field in [
        "departure_at",
        "routing",
        "skipped_stores",
        "skipped_stores_total",
    ] {
        assert!(props("MetaView")[field].is_object(), "MetaView.{field}");
    }
    for field in [
        "arrive_at",
        "opening_hours",
        "closing_days",
        "closed_on_arrival",
    ] {
        assert!(props("StopView")[field].is_object(), "StopView.{field}");
    }
    assert!(props("RoutingView")["fallback_reason"].is_object());
    assert!(props("SkippedStoreView")["reason"].is_object());
    assert!(props("StoreDto")["closing_days"].is_object());
    let res = app
        .client
        .get(app.url("/api-docs/ui/"))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    assert!(html.contains("swagger-ui"), "{html}");
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
    the_openapi_document_is_served,
    request_ids_are_echoed_or_made,
    health_and_readiness,
);
