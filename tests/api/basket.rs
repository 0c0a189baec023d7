//! The basket, end to end: lines, merging, ETags, 409 on a stale If-Match,
//! and one shopper never seeing another's basket.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_tests::http::{split, TestApp};

fn token(login: &Value) -> String {
    login["access_token"]
        .as_str()
        .expect("access token")
        .to_owned()
}

/// A request with an optional `If-Match`; status, ETag and body.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    tok: &str,
    if_match: Option<&str>,
    body: Option<Value>,
) -> (u16, Option<String>, Value) {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(tok);
    if let Some(v) = if_match {
        req = req.header("If-Match", v);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("sent");
    let etag = res
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (status, body) = split(res).await;
    (status, etag, body)
}

fn item<'a>(basket: &'a Value, name: &str) -> &'a Value {
    basket["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["name"] == name))
        .unwrap_or_else(|| panic!("{name} not in {basket}"))
}

async fn basket_lines_merge_and_carry_etags(app: TestApp) {
    let t = token(&app.signup("basket@example.com").await);
    let (s, etag, b) = send(&app, Method::GET, "/api/v1/basket", &t, None, None).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(etag.as_deref(), Some("\"0\""));
    assert_eq!(b, json!({"items": [], "updated_at": null, "version": 0}));

    let milk = json!({"product_id": "milk-1l", "name": "서울우유 1L", "quantity": 2, "unit": "팩"});
    let res = app
        .call(Method::POST, "/api/v1/basket/items", Some(&t), Some(milk))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let location = res.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(res.headers()["etag"], "\"1\"");
    let (_, b) = split(res).await;
    let id = item(&b, "서울우유 1L")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(location, format!("/api/v1/basket/items/{id}"));
    assert_eq!(b["version"], 1);
    assert!(b["updated_at"].is_string());

    // The same product again: quantities add up on the one line (200, not 201).
    let (s, etag, b) = send(
        &app,
        Method::POST,
        "/api/v1/basket/items",
        &t,
        Some("\"1\""),
        Some(json!({"product_id": "milk-1l", "name": "우유", "quantity": 3})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(etag.as_deref(), Some("\"2\""));
    assert_eq!(b["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(item(&b, "서울우유 1L")["quantity"], 5);

    // Without a product, the normalised name merges.
    for name in ["계란 한 판", "계란  한 판"] {
        send(
            &app,
            Method::POST,
            "/api/v1/basket/items",
            &t,
            None,
            Some(json!({"name": name, "quantity": 1})),
        )
        .await;
    }
    let (_, _, b) = send(&app, Method::GET, "/api/v1/basket", &t, None, None).await;
    assert_eq!(item(&b, "계란 한 판")["quantity"], 2);
    let egg = item(&b, "계란 한 판")["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let (s, etag, b) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/basket/items/{id}"),
        &t,
        Some(&format!("\"{}\"", b["version"])),
        Some(json!({"quantity": 7, "note": "저지방", "unit": null})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(etag.as_deref(), Some("\"5\""));
    let milk = item(&b, "서울우유 1L");
    assert_eq!(
        (milk["quantity"].clone(), milk["note"].clone()),
        (json!(7), json!("저지방"))
    );
    assert!(milk["unit"].is_null(), "null clears the unit");

    let path = format!("/api/v1/basket/items/{egg}");
    let (s, _, b) = send(&app, Method::DELETE, &path, &t, None, None).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["items"].as_array().map(Vec::len), Some(1));
    let (s, _, b) = send(&app, Method::DELETE, &path, &t, None, None).await;
    assert_eq!(s, 404, "{b}");
    assert_eq!(b["error"]["code"], "NOT_FOUND");

    // PUT replaces the whole basket; a line may keep its id.
    let (s, etag, b) = send(
        &app,
        Method::PUT,
        "/api/v1/basket",
        &t,
        Some("\"6\""),
        Some(json!({"items": [
            {"id": id, "product_id": "milk-1l", "name": "서울우유 1L", "quantity": 1},
            {"name": "대파", "quantity": 1, "unit": "단"}
        ]})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(etag.as_deref(), Some("\"7\""));
    assert_eq!(item(&b, "서울우유 1L")["id"], json!(id));
    assert_eq!(item(&b, "대파")["unit"], "단");
    let (_, _, again) = send(&app, Method::GET, "/api/v1/basket", &t, None, None).await;
    assert_eq!(again, b, "what PUT answered is what is stored");
}

async fn stale_if_match_is_a_conflict_and_changes_nothing(app: TestApp) {
    let t = token(&app.signup("stale@example.com").await);
    let add = |q: i64| json!({"name": "두부", "quantity": q});
    send(
        &app,
        Method::POST,
        "/api/v1/basket/items",
        &t,
        None,
        Some(add(1)),
    )
    .await;
    let (s, _, b) = send(
        &app,
        Method::POST,
        "/api/v1/basket/items",
        &t,
        Some("\"0\""),
        Some(add(1)),
    )
    .await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"]["code"], "CONFLICT");
    let (s, _, b) = send(
        &app,
        Method::PUT,
        "/api/v1/basket",
        &t,
        Some("W/\"9\""),
        Some(json!({"items": []})),
    )
    .await;
    assert_eq!(s, 409, "{b}");
    let (_, etag, b) = send(&app, Method::GET, "/api/v1/basket", &t, None, None).await;
    assert_eq!(etag.as_deref(), Some("\"1\""));
    assert_eq!(item(&b, "두부")["quantity"], 1);
    // `*` means "whatever is stored".
    let (s, _, _) = send(
        &app,
        Method::POST,
        "/api/v1/basket/items",
        &t,
        Some("*"),
        Some(add(1)),
    )
    .await;
    assert_eq!(s, 200);
}

async fn concurrent_patches_with_one_if_match_have_one_winner(app: TestApp) {
    let t = token(&app.signup("race@example.com").await);
    let (_, _, b) = send(
        &app,
        Method::POST,
        "/api/v1/basket/items",
        &t,
        None,
        Some(json!({"name": "라면", "quantity": 1})),
    )
    .await;
    let id = item(&b, "라면")["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/basket/items/{id}");
    let attempts = (2..12).map(|q| {
        let (app, t, path) = (&app, &t, &path);
        async move {
            let (s, _, b) = send(
                app,
                Method::PATCH,
                path,
                t,
                Some("\"1\""),
                Some(json!({"quantity": q})),
            )
            .await;
            (q, s, b)
        }
    });
    let results = join_all(attempts).await;
    let winners: Vec<_> = results.iter().filter(|(_, s, _)| *s == 200).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for (_, s, b) in &results {
        assert!(
            *s == 200 || (*s == 409 && b["error"]["code"] == "CONFLICT"),
            "{b}"
        );
    }
    let (_, etag, b) = send(&app, Method::GET, "/api/v1/basket", &t, None, None).await;
    assert_eq!(etag.as_deref(), Some("\"2\""));
    assert_eq!(
        item(&b, "라면")["quantity"],
        winners[0].0,
        "the winner's write"
    );
}

async fn writes_without_if_match_lose_nothing(app: TestApp) {
    let t = token(&app.signup("nolose@example.com").await);
    let adds = (0..8).map(|i| {
        let (app, t) = (&app, &t);
        async move {
            send(
                app,
                Method::POST,
                "/api/v1/basket/items",
                t,
                None,
                Some(json!({"name": format!("item {i}"), "quantity": 1})),
            )
            .await
            .0
        }
    });
    let statuses = join_all(adds).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let (_, etag, b) = send(&app, Method::GET, "/api/v1/basket", &t, None, None).await;
    assert_eq!(b["items"].as_array().map(Vec::len), Some(8), "{b}");
    assert_eq!(etag.as_deref(), Some("\"8\""));
}

async fn another_shopper_sees_none_of_it(app: TestApp) {
    let kim = token(&app.signup("kim@example.com").await);
    let lee = token(&app.signup("lee@example.com").await);
    let (_, _, b) = send(
        &app,
        Method::POST,
        "/api/v1/basket/items",
        &kim,
        None,
        Some(json!({"name": "김의 우유", "quantity": 2})),
    )
    .await;
    let id = item(&b, "김의 우유")["id"].as_str().expect("id").to_owned();

    let (s, _, b) = send(&app, Method::GET, "/api/v1/basket", &lee, None, None).await;
    assert_eq!((s, b["items"].clone()), (200, json!([])));
    let path = format!("/api/v1/basket/items/{id}");
    let (s, _, _) = send(
        &app,
        Method::PATCH,
        &path,
        &lee,
        None,
        Some(json!({"quantity": 9})),
    )
    .await;
    assert_eq!(s, 404);
    let (s, _, _) = send(&app, Method::DELETE, &path, &lee, None, None).await;
    assert_eq!(s, 404);
    let (_, _, b) = send(&app, Method::GET, "/api/v1/basket", &kim, None, None).await;
    assert_eq!(item(&b, "김의 우유")["quantity"], 2);

    // No token, no basket.
    let (s, b) = split(app.call(Method::GET, "/api/v1/basket", None, None).await).await;
    assert_eq!(
        (s, b["error"]["code"].clone()),
        (401, json!("UNAUTHENTICATED"))
    );
}

async fn bad_basket_input_is_refused_on_every_backend(app: TestApp) {
    let t = token(&app.signup("bad@example.com").await);
    let long = "가".repeat(101);
    for body in [
        json!({"name": "우유", "quantity": 0}),
        json!({"name": "우유", "quantity": 100}),
        json!({"name": "우유", "quantity": 2.5}),
        json!({"name": "우유", "quantity": "2"}),
        json!({"name": "우유", "quantity": 1e30}),
        json!({"name": "", "quantity": 1}),
        json!({"name": long, "quantity": 1}),
        json!({"name": "우\u{0}유", "quantity": 1}),
        json!({"name": "우유", "quantity": 1, "note": "x\u{0}"}),
        json!({"name": "우유", "quantity": 1, "unit": "u".repeat(21)}),
        json!({"name": "우유", "quantity": 1, "note": "n".repeat(201)}),
        json!({"name": "우유", "quantity": 1, "product_id": "p\u{0}"}),
        json!({"name": "우유", "quantity": 1, "user_id": "someone-else"}),
        json!({"name": "우유", "quantity": 1, "id": "00000000-0000-0000-0000-000000000001"}),
    ] {
        let (s, b) = split(
            app.call(
                Method::POST,
                "/api/v1/basket/items",
                Some(&t),
                Some(body.clone()),
            )
            .await,
        )
        .await;
        assert_eq!(s, 422, "{body}: {b}");
        assert_eq!(b["error"]["code"], "VALIDATION_FAILED", "{body}: {b}");
    }
    // Merging above 99 is refused and changes nothing.
    send(
        &app,
        Method::POST,
        "/api/v1/basket/items",
        &t,
        None,
        Some(json!({"name": "물", "quantity": 90})),
    )
    .await;
    let (s, _, b) = send(
        &app,
        Method::POST,
        "/api/v1/basket/items",
        &t,
        None,
        Some(json!({"name": "물", "quantity": 10})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(b["error"]["fields"]["quantity"].is_string(), "{b}");

    let many: Vec<Value> = (0..101)
        .map(|i| json!({"name": format!("line {i}"), "quantity": 1}))
        .collect();
    let dup_products = json!({"items": [
        {"product_id": "p1", "name": "a", "quantity": 1},
        {"product_id": "p1", "name": "b", "quantity": 1}
    ]});
    for body in [
        json!({"items": many}),
        dup_products,
        json!({"items": [{"id": "not-a-uuid", "name": "a", "quantity": 1}]}),
        json!({"items": [], "user_id": "x"}),
        json!({"lines": []}),
    ] {
        let (s, _, b) = send(&app, Method::PUT, "/api/v1/basket", &t, None, Some(body)).await;
        assert_eq!(s, 422, "{b}");
    }
    for bad in ["\"abc\"", "1, 2", "\"-1\"", "\"99999999999999999999\""] {
        let (s, _, b) = send(
            &app,
            Method::PUT,
            "/api/v1/basket",
            &t,
            Some(bad),
            Some(json!({"items": []})),
        )
        .await;
        assert_eq!(s, 422, "If-Match {bad}: {b}");
    }
    let (s, _, b) = send(
        &app,
        Method::PATCH,
        "/api/v1/basket/items/not-a-uuid",
        &t,
        None,
        Some(json!({"quantity": 1})),
    )
    .await;
    assert_eq!((s, b["error"]["code"].clone()), (404, json!("NOT_FOUND")));
    let (_, _, b) = send(&app, Method::GET, "/api/v1/basket", &t, None, None).await;
    let id = item(&b, "물")["id"].as_str().expect("id").to_owned();
    let (s, _, b) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/basket/items/{id}"),
        &t,
        None,
        Some(json!({})),
    )
    .await;
    assert_eq!(s, 422, "an empty patch: {b}");
    let (_, _, b) = send(&app, Method::GET, "/api/v1/basket", &t, None, None).await;
    assert_eq!(b["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(item(&b, "물")["quantity"], 90);
}

crate::on_both_backends!(
    basket_lines_merge_and_carry_etags,
    stale_if_match_is_a_conflict_and_changes_nothing,
    concurrent_patches_with_one_if_match_have_one_winner,
    writes_without_if_match_lose_nothing,
    another_shopper_sees_none_of_it,
    bad_basket_input_is_refused_on_every_backend,
);
