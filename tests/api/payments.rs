//! Payments (sandbox) over HTTP: payment methods, intents, confirmation, the
//! budget cap, card-number refusal and `Idempotency-Key` semantics.

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_domain::order::OrderId;
use ttokjang_domain::user::UserId;
use ttokjang_tests::http::{split, TestApp};
use uuid::Uuid;

fn token(login: &Value) -> String {
    login["access_token"].as_str().expect("token").to_owned()
}

fn s(v: &Value) -> String {
    v.as_str().expect("a string").to_owned()
}

/// A request with an optional `Idempotency-Key`; the raw response.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    t: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(t);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("request sent")
}

async fn post_key(app: &TestApp, path: &str, t: &str, key: &str, body: Value) -> (u16, Value) {
    split(send(app, Method::POST, path, t, Some(key), Some(body)).await).await
}

/// A manual order of `unit × 1` plus 1,200 fees; returns (id, total_krw).
async fn order(app: &TestApp, t: &str, unit: i64) -> (String, i64) {
    let (st, o) = split(
        send(
            app,
            Method::POST,
            "/api/v1/users/me/orders",
            t,
            None,
            Some(json!({"lines": [{"name": "서울우유 1L", "quantity": 1, "unit_price_krw": unit}], "fees_krw": 1200})),
        )
        .await,
    )
    .await;
    assert_eq!(st, 201, "order: {o}");
    (s(&o["id"]), o["total_krw"].as_i64().expect("total"))
}

async fn intent(app: &TestApp, t: &str, order_id: &str, amount: i64) -> (u16, Value) {
    post_key(
        app,
        "/api/v1/payments/intents",
        t,
        &Uuid::new_v4().to_string(),
        json!({"order_id": order_id, "amount_krw": amount}),
    )
    .await
}

async fn confirm(app: &TestApp, t: &str, intent_id: &str, pm: &str) -> (u16, Value) {
    post_key(
        app,
        &format!("/api/v1/payments/intents/{intent_id}/confirm"),
        t,
        &Uuid::new_v4().to_string(),
        json!({"payment_method": pm}),
    )
    .await
}

async fn full_flow_pays_the_order(app: TestApp) {
    let t = token(&app.signup("pay-flow@example.com").await);
    let (order_id, total) = order(&app, &t, 11_700).await;
    assert_eq!(total, 12_900);

    let (st, pm) = split(
        send(
            &app,
            Method::POST,
            "/api/v1/users/me/payment-methods",
            &t,
            None,
            Some(json!({"token": "pm_card_ok"})),
        )
        .await,
    )
    .await;
    assert_eq!(st, 201, "{pm}");
    assert_eq!(pm["label"], "Sandbox Visa •••• 4242");
    assert_eq!(
        (pm["brand"].clone(), pm["last4"].clone()),
        (json!("Visa"), json!("4242"))
    );
    let (st, list) = app.get_auth("/api/v1/users/me/payment-methods", &t).await;
    assert_eq!((st, list["items"].as_array().map(Vec::len)), (200, Some(1)));

    let (st, i) = intent(&app, &t, &order_id, total).await;
    assert_eq!(st, 201, "{i}");
    assert_eq!(i["status"], "requires_confirmation");
    assert_eq!(
        (i["amount_krw"].clone(), i["currency"].clone()),
        (json!(12_900), json!("KRW"))
    );
    let id = s(&i["id"]);

    let (st, done) = confirm(&app, &t, &id, &s(&pm["id"])).await;
    assert_eq!(st, 200, "{done}");
    assert_eq!(done["status"], "succeeded");
    assert_eq!(done["payment_method"], pm["id"]);
    let (st, got) = app
        .get_auth(&format!("/api/v1/payments/intents/{id}"), &t)
        .await;
    assert_eq!((st, got), (200, done));
    let (_, o) = app
        .get_auth(&format!("/api/v1/users/me/orders/{order_id}"), &t)
        .await;
    assert_eq!(o["status"], "paid");

    // Final: confirming again, or a new intent for the paid order, conflicts.
    let (st, b) = confirm(&app, &t, &id, "pm_card_ok").await;
    assert_eq!((st, b["error"]["code"].clone()), (409, json!("CONFLICT")));
    let (st, b) = intent(&app, &t, &order_id, total).await;
    assert_eq!((st, b["error"]["code"].clone()), (409, json!("CONFLICT")));

    // Deleting the method.
    let path = format!("/api/v1/users/me/payment-methods/{}", s(&pm["id"]));
    assert_eq!(
        send(&app, Method::DELETE, &path, &t, None, None)
            .await
            .status()
            .as_u16(),
        204
    );
    assert_eq!(
        send(&app, Method::DELETE, &path, &t, None, None)
            .await
            .status()
            .as_u16(),
        404
    );
}

async fn declined_cards_fail_the_intent(app: TestApp) {
    let t = token(&app.signup("pay-declined@example.com").await);
    let (order_id, total) = order(&app, &t, 3_000).await;
    for (pm, code) in [
        ("pm_card_declined", "generic_decline"),
        ("pm_card_insufficient_funds", "insufficient_funds"),
        ("pm_card_expired", "expired_card"),
    ] {
        let (_, i) = intent(&app, &t, &order_id, total).await;
        let id = s(&i["id"]);
        let (st, b) = confirm(&app, &t, &id, pm).await;
        assert_eq!(st, 402, "{b}");
        assert_eq!(b["error"]["code"], "CARD_DECLINED");
        assert_eq!(b["error"]["decline_code"], code);
        assert_eq!(b["error"]["payment_intent"]["status"], "failed");
        let (_, got) = app
            .get_auth(&format!("/api/v1/payments/intents/{id}"), &t)
            .await;
        assert_eq!(
            (got["status"].clone(), got["decline_code"].clone()),
            (json!("failed"), json!(code))
        );
        let (st, _) = confirm(&app, &t, &id, "pm_card_ok").await;
        assert_eq!(st, 409, "a failed intent is final");
    }
    let (_, o) = app
        .get_auth(&format!("/api/v1/users/me/orders/{order_id}"), &t)
        .await;
    assert_eq!(o["status"], "placed");
}

async fn amount_must_match_and_tokens_be_known(app: TestApp) {
    let t = token(&app.signup("pay-amount@example.com").await);
    let (order_id, total) = order(&app, &t, 5_000).await;
    let (st, b) = intent(&app, &t, &order_id, total - 1).await;
    assert_eq!(
        (st, b["error"]["code"].clone()),
        (422, json!("VALIDATION_FAILED"))
    );
    assert!(b["error"]["fields"]["amount_krw"]
        .as_str()
        .expect("field")
        .contains("6200"));
    let (st, _) = intent(&app, &t, &Uuid::new_v4().to_string(), total).await;
    assert_eq!(st, 404, "unknown order");
    let (st, b) = split(
        send(
            &app,
            Method::POST,
            "/api/v1/users/me/payment-methods",
            &t,
            None,
            Some(json!({"token": "pm_card_gold"})),
        )
        .await,
    )
    .await;
    assert_eq!((st, b["error"]["fields"]["token"].is_string()), (422, true));
    let (_, i) = intent(&app, &t, &order_id, total).await;
    let (st, _) = confirm(&app, &t, &s(&i["id"]), "pm_card_nope").await;
    assert_eq!(st, 422);
    let (st, _) = confirm(&app, &t, &s(&i["id"]), &Uuid::new_v4().to_string()).await;
    assert_eq!(st, 422, "no such stored method");
}

async fn another_users_intent_is_not_found(app: TestApp) {
    let kim = token(&app.signup("pay-kim@example.com").await);
    let lee = token(&app.signup("pay-lee@example.com").await);
    let (order_id, total) = order(&app, &kim, 2_000).await;
    let (_, i) = intent(&app, &kim, &order_id, total).await;
    let id = s(&i["id"]);
    let (st, b) = app
        .get_auth(&format!("/api/v1/payments/intents/{id}"), &lee)
        .await;
    assert_eq!((st, b["error"]["code"].clone()), (404, json!("NOT_FOUND")));
    let (st, _) = confirm(&app, &lee, &id, "pm_card_ok").await;
    assert_eq!(st, 404);
    let (st, _) = intent(&app, &lee, &order_id, total).await;
    assert_eq!(st, 404, "another user's order");
    let (_, still) = app
        .get_auth(&format!("/api/v1/payments/intents/{id}"), &kim)
        .await;
    assert_eq!(still["status"], "requires_confirmation");
}

async fn real_card_numbers_are_refused_and_not_echoed(app: TestApp) {
    let t = token(&app.signup("pay-card@example.com").await);
    for body in [
        json!({"token": "4242 4242 4242 4242"}),
        json!({"token": "4242-4242-4242-4242"}),
        json!({"token": "pm_card_ok", "label": "my card 5555555555554444"}),
        json!({"token": "pm_card_ok", "card": 4242424242424242_i64}),
    ] {
        let (st, b) = split(
            send(
                &app,
                Method::POST,
                "/api/v1/users/me/payment-methods",
                &t,
                None,
                Some(body.clone()),
            )
            .await,
        )
        .await;
        assert_eq!(st, 422, "{body}");
        let text = b.to_string();
        assert!(
            !text.contains("4242") && !text.contains("4444"),
            "echoed: {text}"
        );
    }
    let (_, list) = app.get_auth("/api/v1/users/me/payment-methods", &t).await;
    assert_eq!(list["items"], json!([]));
    let (order_id, total) = order(&app, &t, 1_000).await;
    let (_, i) = intent(&app, &t, &order_id, total).await;
    let (st, b) = confirm(&app, &t, &s(&i["id"]), "4000 0566 5566 5556").await;
    assert_eq!(st, 422);
    assert!(!b.to_string().contains("5556"));
}

async fn idempotent_replays_and_key_rules(app: TestApp) {
    let t = token(&app.signup("pay-idem@example.com").await);
    let (order_id, total) = order(&app, &t, 4_000).await;
    let path = "/api/v1/payments/intents";
    let body = json!({"order_id": order_id, "amount_krw": total});
    let first = send(
        &app,
        Method::POST,
        path,
        &t,
        Some("idem-1"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(first.status().as_u16(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first = first.text().await.expect("body");

    // Same key, same body (other key order): the same answer, byte for byte.
    let reordered = json!({"amount_krw": total, "order_id": order_id});
    let again = send(
        &app,
        Method::POST,
        path,
        &t,
        Some("idem-1"),
        Some(reordered),
    )
    .await;
    assert_eq!(again.status().as_u16(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.text().await.expect("body"), first);

    // Same key, different body.
    let (st, b) = post_key(
        &app,
        path,
        &t,
        "idem-1",
        json!({"order_id": order_id, "amount_krw": total + 1}),
    )
    .await;
    assert_eq!(
        (st, b["error"]["code"].clone()),
        (422, json!("IDEMPOTENCY_KEY_REUSED"))
    );
    // Another user may use the same key.
    let lee = token(&app.signup("pay-idem-lee@example.com").await);
    let (lee_order, lee_total) = order(&app, &lee, 4_000).await;
    let (st, _) = post_key(
        &app,
        path,
        &lee,
        "idem-1",
        json!({"order_id": lee_order, "amount_krw": lee_total}),
    )
    .await;
    assert_eq!(st, 201);

    // Errors are answers too: a replayed 422 is the same 422.
    let bad = json!({"order_id": order_id, "amount_krw": 1});
    let (st1, b1) = post_key(&app, path, &t, "idem-bad", bad.clone()).await;
    let (st2, b2) = post_key(&app, path, &t, "idem-bad", bad).await;
    assert_eq!((st1, st2), (422, 422));
    assert_eq!(b1, b2);

    // Missing, too long, non-printable keys.
    let intent_id = s(&serde_json::from_str::<Value>(&first).expect("json")["id"]);
    let confirm_path = format!("/api/v1/payments/intents/{intent_id}/confirm");
    let long = "k".repeat(256).into_bytes();
    for key in [None, Some(long.as_slice()), Some(b"bad\xffkey".as_slice())] {
        for p in [path, confirm_path.as_str()] {
            let mut req = app
                .client
                .post(app.url(p))
                .bearer_auth(&t)
                .json(&json!({"payment_method": "pm_card_ok"}));
            if let Some(k) = key {
                req = req.header(
                    "Idempotency-Key",
                    reqwest::header::HeaderValue::from_bytes(k).expect("header bytes"),
                );
            }
            let (st, b) = split(req.send().await.expect("sent")).await;
            assert_eq!(st, 400, "{p}: {b}");
            assert_eq!(b["error"]["code"], "VALIDATION_FAILED");
            assert!(b["error"]["fields"]["Idempotency-Key"].is_string());
        }
    }

    // Confirm replays too (a retried confirmation never charges twice).
    let c = json!({"payment_method": "pm_card_ok"});
    let (st1, b1) = post_key(&app, &confirm_path, &t, "confirm-1", c.clone()).await;
    let (st2, b2) = post_key(&app, &confirm_path, &t, "confirm-1", c).await;
    assert_eq!((st1, st2), (200, 200));
    assert_eq!(b1, b2);
}

async fn parallel_duplicates_make_one_intent(app: TestApp) {
    let login = app.signup("pay-race@example.com").await;
    let t = token(&login);
    let (order_id, total) = order(&app, &t, 9_000).await;
    let body = json!({"order_id": order_id, "amount_krw": total});
    let calls = (0..20).map(|_| {
        let req = app
            .client
            .post(app.url("/api/v1/payments/intents"))
            .bearer_auth(&t)
            .header("Idempotency-Key", "one-key-twenty-calls")
            .json(&body);
        async move {
            let res = req.send().await.expect("sent");
            let status = res.status().as_u16();
            (status, res.text().await.expect("body"))
        }
    });
    let answers = futures_util::future::join_all(calls).await;
    let created: Vec<&String> = answers
        .iter()
        .filter(|(st, _)| *st == 201)
        .map(|(_, b)| b)
        .collect();
    assert!(!created.is_empty());
    assert!(
        created.iter().all(|b| *b == created[0]),
        "every 201 is the same answer"
    );
    for (st, b) in &answers {
        assert!(*st == 201 || *st == 409, "{st}: {b}");
        if *st == 409 {
            assert!(b.contains("\"CONFLICT\""));
        }
    }
    let user = UserId(Uuid::parse_str(&s(&login["user"]["id"])).expect("uuid"));
    let svc = app.services().await;
    let intents = svc
        .stores
        .payment_intents
        .list_for_order(user, OrderId(Uuid::parse_str(&order_id).expect("uuid")))
        .await
        .expect("list");
    assert_eq!(intents.len(), 1, "exactly one intent");
    let replay: Value = serde_json::from_str(created[0]).expect("json");
    assert_eq!(replay["id"], json!(intents[0].id.to_string()));
}

crate::on_both_backends!(
    full_flow_pays_the_order,
    declined_cards_fail_the_intent,
    amount_must_match_and_tokens_be_known,
    another_users_intent_is_not_found,
    real_card_numbers_are_refused_and_not_echoed,
    idempotent_replays_and_key_rules,
    parallel_duplicates_make_one_intent,
);

mod capped {
    use super::*;

    async fn budget_cap_refuses_with_a_clear_error(app: TestApp) {
        let t = token(&app.signup("pay-cap@example.com").await);
        let (first, total) = order(&app, &t, 6_000).await;
        let (_, i) = intent(&app, &t, &first, total).await;
        let (st, _) = confirm(&app, &t, &s(&i["id"]), "pm_card_ok").await;
        assert_eq!(st, 200);
        let (second, total) = order(&app, &t, 3_000).await;
        let (st, b) = intent(&app, &t, &second, total).await;
        assert_eq!(st, 422, "{b}");
        assert_eq!(b["error"]["code"], "BUDGET_CAP_EXCEEDED");
        let msg = s(&b["error"]["message"]);
        assert!(
            msg.contains("10000") && msg.contains("30 days") && msg.contains("7200"),
            "{msg}"
        );
    }

    crate::on_both_backends!(env [("PAYMENT_BUDGET_CAP_KRW", "10000")]; budget_cap_refuses_with_a_clear_error);
}
