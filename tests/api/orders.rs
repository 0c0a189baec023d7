//! Orders: manual purchases with computed totals, newest first with cursor
//! pages, private to their shopper, idempotent per plan request.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_domain::order::{LineInput, OrderSource, OrderStatus, PlanOrderInput};
use ttokjang_domain::user::UserId;
use ttokjang_tests::http::{split, TestApp};
use uuid::Uuid;

fn token(login: &Value) -> String {
    login["access_token"].as_str().expect("token").to_owned()
}

async fn post(app: &TestApp, t: &str, body: Value) -> (u16, Value) {
    split(
        app.call(Method::POST, "/api/v1/users/me/orders", Some(t), Some(body))
            .await,
    )
    .await
}

fn purchase(n: i64) -> Value {
    json!({"lines": [
        {"name": "서울우유 1L", "product_id": "milk-1l", "store_id": "emart-yeoksam",
         "store_name": "이마트 역삼점", "quantity": 2, "unit_price_krw": 2980},
        {"name": format!("purchase {n}"), "quantity": 1, "unit_price_krw": 1000 + n}
    ], "fees_krw": 1200})
}

async fn manual_order_is_recorded_with_computed_totals(app: TestApp) {
    let kim = token(&app.signup("orders-kim@example.com").await);
    let lee = token(&app.signup("orders-lee@example.com").await);
    let res = app
        .call(
            Method::POST,
            "/api/v1/users/me/orders",
            Some(&kim),
            Some(purchase(0)),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let location = res.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let (_, o) = split(res).await;
    assert_eq!(
        location,
        format!("/api/v1/users/me/orders/{}", o["id"].as_str().expect("id"))
    );
    assert_eq!(
        (o["source"].clone(), o["status"].clone()),
        (json!("manual"), json!("placed"))
    );
    assert_eq!(o["lines"][0]["subtotal_krw"], 5960);
    assert_eq!(o["goods_krw"], 6960);
    assert_eq!(o["fees_krw"], 1200);
    assert_eq!(o["total_krw"], 8160);
    assert!(o["plan_request_id"].is_null());

    let (s, got) = app.get_auth(&location, &kim).await;
    assert_eq!((s, &got), (200, &o));

    // Another shopper sees neither the order nor the list entry.
    let (s, b) = app.get_auth(&location, &lee).await;
    assert_eq!((s, b["error"]["code"].clone()), (404, json!("NOT_FOUND")));
    let (s, b) = app.get_auth("/api/v1/users/me/orders", &lee).await;
    assert_eq!((s, b), (200, json!({"items": [], "next_cursor": null})));
    let (s, _) = app
        .get_auth(&format!("/api/v1/users/me/orders/{}", Uuid::new_v4()), &kim)
        .await;
    assert_eq!(s, 404);
}

async fn pages_are_newest_first_without_gaps(app: TestApp) {
    let t = token(&app.signup("orders-pages@example.com").await);
    let mut made = Vec::new();
    for n in 0..7 {
        let (s, o) = post(&app, &t, purchase(n)).await;
        assert_eq!(s, 201, "{o}");
        made.push(o["id"].as_str().expect("id").to_owned());
    }
    made.reverse(); // newest first

    let mut seen = Vec::new();
    let mut pages = 0;
    let mut path = "/api/v1/users/me/orders?limit=3".to_owned();
    loop {
        let (s, page) = app.get_auth(&path, &t).await;
        assert_eq!(s, 200, "{page}");
        pages += 1;
        for o in page["items"].as_array().expect("items") {
            seen.push(o["id"].as_str().expect("id").to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/users/me/orders?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, made, "newest first, no duplicates, no gaps");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 7);

    let (_, all) = app.get_auth("/api/v1/users/me/orders", &t).await;
    assert_eq!(
        all["items"].as_array().map(Vec::len),
        Some(7),
        "default limit 20"
    );
    assert!(all["next_cursor"].is_null());

    for bad in [
        "?limit=0",
        "?limit=101",
        "?limit=abc",
        "?cursor=not-a-cursor",
        "?cursor=%00",
        "?user_id=00000000-0000-0000-0000-000000000001",
    ] {
        let (s, b) = app
            .get_auth(&format!("/api/v1/users/me/orders{bad}"), &t)
            .await;
        assert_eq!(s, 422, "{bad}: {b}");
        assert_eq!(b["error"]["code"], "VALIDATION_FAILED");
    }
}

async fn bad_orders_are_refused(app: TestApp) {
    let t = token(&app.signup("orders-bad@example.com").await);
    let line = |extra: Value| {
        let mut l = json!({"name": "우유", "quantity": 1, "unit_price_krw": 1000});
        if let (Some(l), Some(e)) = (l.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                l.insert(k.clone(), v.clone());
            }
        }
        l
    };
    let too_many: Vec<Value> = (0..201).map(|_| line(json!({}))).collect();
    for body in [
        json!({"lines": []}),
        json!({"lines": too_many}),
        json!({"lines": [line(json!({"unit_price_krw": -1}))]}),
        json!({"lines": [line(json!({"unit_price_krw": 100000001}))]}),
        json!({"lines": [line(json!({"quantity": 0}))]}),
        json!({"lines": [line(json!({"name": "우\u{0}유"}))]}),
        json!({"lines": [line(json!({"store_name": "s".repeat(101)}))]}),
        json!({"lines": [line(json!({"subtotal_krw": 1}))]}),
        json!({"lines": [line(json!({}))], "fees_krw": -1}),
        json!({"lines": [line(json!({}))], "total_krw": 1}),
        json!({"lines": [line(json!({}))], "user_id": "someone"}),
    ] {
        let (s, b) = post(&app, &t, body.clone()).await;
        assert_eq!(s, 422, "{body}: {b}");
        assert_eq!(b["error"]["code"], "VALIDATION_FAILED");
    }
    let (_, b) = app.get_auth("/api/v1/users/me/orders", &t).await;
    assert_eq!(b["items"], json!([]));
}

/// The plan "select" endpoints will record orders through this use case; a
/// second select of the same plan request must give back the same order.
async fn plan_orders_are_idempotent_per_plan_request(app: TestApp) {
    let login = app.signup("orders-plan@example.com").await;
    let t = token(&login);
    let user =
        UserId(Uuid::parse_str(login["user"]["id"].as_str().expect("user id")).expect("uuid"));
    let svc = app.services().await;
    let input = PlanOrderInput {
        source: OrderSource::OnlinePlan,
        plan_request_id: "pr-42".into(),
        plan_id: "cheapest".into(),
        status: OrderStatus::CheckoutPending,
        lines: vec![LineInput {
            name: "계란 30구".into(),
            store_id: Some("coupang".into()),
            quantity: 1,
            unit_price_krw: 8_900,
            ..Default::default()
        }],
        fees_krw: 3_000,
    };
    let (first, created) = svc
        .user_data
        .orders
        .place_from_plan(user, input.clone())
        .await
        .expect("first");
    assert!(created);
    let (second, created) = svc
        .user_data
        .orders
        .place_from_plan(user, input)
        .await
        .expect("second");
    assert!(!created);
    assert_eq!(first, second);

    let (_, b) = app.get_auth("/api/v1/users/me/orders", &t).await;
    let items = b["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{b}");
    assert_eq!(items[0]["plan_request_id"], "pr-42");
    assert_eq!(items[0]["status"], "checkout_pending");
    assert_eq!(items[0]["total_krw"], 11_900);
}

async fn patch(app: &TestApp, t: &str, id: &str, body: Value) -> (u16, Value) {
    split(
        app.call(
            Method::PATCH,
            &format!("/api/v1/users/me/orders/{id}"),
            Some(t),
            Some(body),
        )
        .await,
    )
    .await
}

/// The checklist: ticks are saved, idempotent, counted, private; bad line
/// indexes change nothing.
async fn lines_are_ticked_and_unticked(app: TestApp) {
    let kim = token(&app.signup("tick-kim@example.com").await);
    let lee = token(&app.signup("tick-lee@example.com").await);
    let (st, o) = post(&app, &kim, purchase(1)).await;
    assert_eq!(st, 201, "{o}");
    let id = o["id"].as_str().expect("id").to_owned();
    assert_eq!(o["progress"], json!({"checked": 0, "total": 2}), "{o}");
    assert_eq!(o["lines"][1]["line"], 1);
    assert_eq!(o["lines"][1]["checked"], false);

    let tick = json!({"checks": [{"line": 1, "checked": true}]});
    for _ in 0..2 {
        let (st, b) = patch(&app, &kim, &id, tick.clone()).await;
        assert_eq!(st, 200, "{b}");
        assert_eq!(b["progress"], json!({"checked": 1, "total": 2}), "{b}");
        assert_eq!(b["lines"][1]["checked"], true, "{b}");
        assert_eq!(b["lines"][0]["checked"], false, "{b}");
    }
    // Kept on the server: a fresh read (e.g. after a reload) sees the tick.
    let (_, b) = app
        .get_auth(&format!("/api/v1/users/me/orders/{id}"), &kim)
        .await;
    assert_eq!(b["progress"]["checked"], 1, "{b}");
    let (_, page) = app.get_auth("/api/v1/users/me/orders", &kim).await;
    assert_eq!(page["items"][0]["lines"][1]["checked"], true, "{page}");

    // Another shopper's order, an unknown or malformed id: 404, nothing changes.
    for (who, oid) in [
        (lee.as_str(), id.clone()),
        (kim.as_str(), Uuid::new_v4().to_string()),
        (kim.as_str(), "not-an-id".to_owned()),
    ] {
        let (st, b) = patch(
            &app,
            who,
            &oid,
            json!({"checks": [{"line": 0, "checked": true}]}),
        )
        .await;
        assert_eq!(
            (st, b["error"]["code"].as_str()),
            (404, Some("NOT_FOUND")),
            "{b}"
        );
    }
    // A line past the end, one good change with it: nothing changes.
    for body in [
        json!({"checks": [{"line": 0, "checked": true}, {"line": 2, "checked": true}]}),
        json!({"checks": []}),
        json!({"checks": [{"line": -1, "checked": true}]}),
        json!({"checks": [{"line": 0, "checked": "yes"}]}),
        json!({"checks": [{"line": 0}]}),
        json!({"lines": []}),
    ] {
        let (st, b) = patch(&app, &kim, &id, body.clone()).await;
        assert_eq!(
            (st, b["error"]["code"].as_str()),
            (422, Some("VALIDATION_FAILED")),
            "{body}: {b}"
        );
    }
    let (_, b) = app
        .get_auth(&format!("/api/v1/users/me/orders/{id}"), &kim)
        .await;
    assert_eq!(b["progress"], json!({"checked": 1, "total": 2}), "{b}");
    assert_eq!(b["lines"][0]["checked"], false, "{b}");

    // Untick; the last change of one line in a request counts.
    let (st, b) = patch(
        &app,
        &kim,
        &id,
        json!({"checks": [
            {"line": 1, "checked": false},
            {"line": 0, "checked": false},
            {"line": 0, "checked": true}
        ]}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["lines"][0]["checked"], true, "{b}");
    assert_eq!(b["lines"][1]["checked"], false, "{b}");
}

crate::on_both_backends!(
    manual_order_is_recorded_with_computed_totals,
    lines_are_ticked_and_unticked,
    pages_are_newest_first_without_gaps,
    bad_orders_are_refused,
    plan_orders_are_idempotent_per_plan_request,
);
