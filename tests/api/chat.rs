//! Chat edits the basket, per user, on the sample catalog.

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_tests::http::{split, TestApp};

fn token(login: &Value) -> String {
    login["access_token"].as_str().expect("token").to_owned()
}

async fn chat(app: &TestApp, t: &str, message: &str) -> (u16, Value) {
    split(
        app.call(
            Method::POST,
            "/api/v1/chat",
            Some(t),
            Some(json!({"message": message})),
        )
        .await,
    )
    .await
}

fn quantities(basket: &Value) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = basket["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["name"].as_str().expect("name").to_owned(),
                i["quantity"].as_i64().expect("q"),
            )
        })
        .collect();
    v.sort();
    v
}

async fn chat_fills_and_empties_the_basket_of_one_user_only(app: TestApp) {
    let kim = token(&app.signup("kim-chat@example.com").await);
    let lee = token(&app.signup("lee-chat@example.com").await);

    let (st, b) = chat(&app, &kim, "우유 2개랑 계란 한 판 담아줘").await;
    assert_eq!(st, 200, "{b}");
    let types: Vec<&str> = b["actions"]
        .as_array()
        .expect("a")
        .iter()
        .map(|a| a["type"].as_str().expect("t"))
        .collect();
    assert_eq!(types, ["add", "add"], "{b}");
    assert!(
        b["reply"].as_str().is_some_and(|r| r.contains("담았어요")),
        "{b}"
    );
    let (st, basket) = app.get_auth("/api/v1/basket", &kim).await;
    assert_eq!(st, 200);
    assert_eq!(
        quantities(&basket),
        [("계란 30구".to_owned(), 1), ("서울우유 1L".to_owned(), 2)],
        "{basket}"
    );
    assert_eq!(
        quantities(&b["basket"]),
        quantities(&basket),
        "the chat answer shows the stored basket"
    );

    // More of the same merges; a count change; aliases work both ways.
    let (_, b) = chat(&app, &kim, "달걀 한 판 더 넣어줘").await;
    assert_eq!(
        quantities(&b["basket"])[0],
        ("계란 30구".to_owned(), 2),
        "{b}"
    );
    let (_, b) = chat(&app, &kim, "우유 3개로 바꿔줘").await;
    assert_eq!(
        quantities(&b["basket"])[1],
        ("서울우유 1L".to_owned(), 3),
        "{b}"
    );
    let (_, b) = chat(&app, &kim, "장바구니 보여줘").await;
    assert!(
        b["reply"]
            .as_str()
            .is_some_and(|r| r.contains("서울우유 1L")),
        "{b}"
    );

    // Remove by chat.
    let (st, b) = chat(&app, &kim, "우유 빼줘").await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["actions"][0]["type"], "remove");
    assert_eq!(quantities(&b["basket"]), [("계란 30구".to_owned(), 2)]);

    // The other shopper sees none of it.
    let (_, theirs) = app.get_auth("/api/v1/basket", &lee).await;
    assert_eq!(
        theirs["items"].as_array().map(Vec::len),
        Some(0),
        "{theirs}"
    );
    let (_, history) = app.get_auth("/api/v1/chat/history", &lee).await;
    assert_eq!(history["items"].as_array().map(Vec::len), Some(0));
    let (_, history) = app.get_auth("/api/v1/chat/history", &kim).await;
    let items = history["items"].as_array().expect("items");
    assert_eq!(items.len(), 10, "five turns of two messages: {history}");
    assert_eq!(items[1]["undoable"], true, "{history}");
    assert_eq!(items[0]["role"], "user");
    assert_eq!(items[0]["text"], "우유 2개랑 계란 한 판 담아줘");
    assert_eq!(items[1]["role"], "assistant");

    // Clearing is proposed first, and done only on "네".
    let (_, b) = chat(&app, &kim, "장바구니 비워줘").await;
    assert_eq!(
        b["basket"]["items"].as_array().map(Vec::len),
        Some(1),
        "{b}"
    );
    assert_eq!(b["quick_replies"][0]["message"], "네", "{b}");
    let (_, b) = chat(&app, &kim, "네").await;
    assert_eq!(
        b["basket"]["items"].as_array().map(Vec::len),
        Some(0),
        "{b}"
    );
    let res = app
        .call(Method::DELETE, "/api/v1/chat/history", Some(&kim), None)
        .await;
    assert_eq!(res.status().as_u16(), 204);
    let (_, history) = app.get_auth("/api/v1/chat/history", &kim).await;
    assert_eq!(history["items"].as_array().map(Vec::len), Some(0));
}

async fn unclear_requests_are_asked_back_and_change_nothing(app: TestApp) {
    let t = token(&app.signup("unclear@example.com").await);
    for message in ["쀍뛟 두 개 담아줘", "안녕", "두부 빼줘"] {
        let (st, b) = chat(&app, &t, message).await;
        assert_eq!(st, 200, "{message}: {b}");
        assert!(
            b["actions"].as_array().is_some_and(Vec::is_empty),
            "{message}: {b}"
        );
        assert!(b["reply"].as_str().is_some_and(|r| !r.is_empty()));
    }
    let (_, basket) = app.get_auth("/api/v1/basket", &t).await;
    assert_eq!(basket["items"].as_array().map(Vec::len), Some(0));
    // Plan requests become a plan action for the client.
    let (_, b) = chat(&app, &t, "온라인 최저가 플랜 짜줘").await;
    assert_eq!(
        b["actions"],
        json!([{"type": "plan", "mode": "online"}]),
        "{b}"
    );
    // Bad input.
    for body in [
        json!({"message": ""}),
        json!({"message": "a".repeat(501)}),
        json!({"message": "x\u{0}y"}),
        json!({"text": "우유"}),
        json!({"message": "우유", "user_id": "x"}),
    ] {
        let (st, b) = split(
            app.call(Method::POST, "/api/v1/chat", Some(&t), Some(body.clone()))
                .await,
        )
        .await;
        assert_eq!(st, 422, "{body}: {b}");
    }
    let (st, _) = split(
        app.call(
            Method::POST,
            "/api/v1/chat",
            None,
            Some(json!({"message": "우유"})),
        )
        .await,
    )
    .await;
    assert_eq!(st, 401);
    let (st, _) = app.get_auth("/api/v1/chat/history?limit=0", &t).await;
    assert_eq!(st, 422);
}

async fn naming_an_item_with_da_never_empties_the_basket(app: TestApp) {
    let t = token(&app.signup("dapae@example.com").await);
    let (_, b) = chat(&app, &t, "콜라 2개랑 우유 하나랑 계란 한 판 담아줘").await;
    assert_eq!(
        b["basket"]["items"].as_array().map(Vec::len),
        Some(3),
        "{b}"
    );
    // Issue 14: this emptied the whole basket.
    let (st, b) = chat(&app, &t, "콜라 두 개 다 빼줘").await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(
        quantities(&b["basket"]),
        [("계란 30구".to_owned(), 1), ("서울우유 1L".to_owned(), 1)],
        "{b}"
    );
    let (_, b) = chat(&app, &t, "계란은 전부 빼줘").await;
    assert_eq!(
        quantities(&b["basket"]),
        [("서울우유 1L".to_owned(), 1)],
        "{b}"
    );
    // An explicit clear asks first; "아니요" keeps everything.
    let (_, b) = chat(&app, &t, "전부 다 지워줘").await;
    assert_eq!(b["actions"], json!([]), "{b}");
    assert_eq!(
        quantities(&b["basket"]),
        [("서울우유 1L".to_owned(), 1)],
        "{b}"
    );
    let (_, b) = chat(&app, &t, "아니요").await;
    assert_eq!(
        quantities(&b["basket"]),
        [("서울우유 1L".to_owned(), 1)],
        "{b}"
    );
    // A "네" with nothing proposed changes nothing.
    let (_, b) = chat(&app, &t, "네").await;
    assert_eq!(
        quantities(&b["basket"]),
        [("서울우유 1L".to_owned(), 1)],
        "{b}"
    );
}

async fn post_undo(app: &TestApp, t: &str, turn: &str) -> (u16, Value) {
    split(
        app.call(
            Method::POST,
            &format!("/api/v1/chat/turns/{turn}/undo"),
            Some(t),
            None,
        )
        .await,
    )
    .await
}

async fn every_chat_edit_can_be_undone_once(app: TestApp) {
    let t = token(&app.signup("undo@example.com").await);
    let other = token(&app.signup("undo-other@example.com").await);
    let (_, first) = chat(&app, &t, "우유 2개 담아줘").await;
    let (_, b) = chat(&app, &t, "계란 한 판이랑 두부 담아줘").await;
    assert_eq!(b["undoable"], true, "{b}");
    let turn = b["turn_id"].as_str().expect("turn id").to_owned();
    // Someone else's turn id is not found.
    let (st, e) = post_undo(&app, &other, &turn).await;
    assert_eq!(st, 404, "{e}");
    assert_eq!(e["error"]["code"], "NOT_FOUND", "{e}");
    let (st, basket) = post_undo(&app, &t, &turn).await;
    assert_eq!(st, 200, "{basket}");
    assert_eq!(
        quantities(&basket),
        [("서울우유 1L".to_owned(), 2)],
        "{basket}"
    );
    // Already undone: the basket moved on.
    let (st, e) = post_undo(&app, &t, &turn).await;
    assert_eq!(st, 409, "{e}");
    // The first turn is stale too (the basket changed after it).
    let first_turn = first["turn_id"].as_str().expect("turn id").to_owned();
    let (_, _) = chat(&app, &t, "우유 3개로 바꿔줘").await;
    let (st, _) = post_undo(&app, &t, &first_turn).await;
    assert_eq!(st, 409);
    // A turn that changed nothing cannot be undone; unknown ids are 404.
    let (_, shown) = chat(&app, &t, "장바구니 보여줘").await;
    assert_eq!(shown["undoable"], false, "{shown}");
    let (st, _) = post_undo(&app, &t, shown["turn_id"].as_str().expect("id")).await;
    assert_eq!(st, 409);
    let (st, _) = post_undo(&app, &t, "00000000-0000-4000-8000-000000000000").await;
    assert_eq!(st, 404);
    let (_, basket) = app.get_auth("/api/v1/basket", &t).await;
    assert_eq!(
        quantities(&basket),
        [("서울우유 1L".to_owned(), 3)],
        "{basket}"
    );
}

async fn plan_requests_answer_inline_with_a_link(app: TestApp) {
    let t = token(&app.signup("chat-plan@example.com").await);
    let (_, b) = chat(&app, &t, "온라인으로 제일 싼 거").await;
    assert!(b["plan"].is_null(), "an empty basket makes no plan: {b}");
    let (_, _) = chat(&app, &t, "우유 2개랑 라면 하나 담아줘").await;
    let (st, b) = chat(&app, &t, "온라인으로 제일 싼 거").await;
    assert_eq!(st, 200, "{b}");
    let id = b["plan"]["plan_request_id"].as_str().expect("plan id");
    assert_eq!(b["plan"]["link"], format!("/plans/{id}"), "{b}");
    assert_eq!(b["plan"]["mode"], "online", "{b}");
    assert!(
        b["plan"]["total_krw"].as_i64().is_some_and(|n| n > 0),
        "{b}"
    );
    assert!(b["reply"].as_str().is_some_and(|r| r.contains("원")), "{b}");
    // Korean for the shopper: no machine label ("cheapest") in the text.
    assert!(
        b["reply"].as_str().is_some_and(
            |r| r.contains("최저가 플랜") && !r.chars().any(|c| c.is_ascii_alphabetic())
        ),
        "{b}"
    );
}

crate::on_both_backends!(
    env [("SAMPLE_DATA", "true")];
    chat_fills_and_empties_the_basket_of_one_user_only,
    unclear_requests_are_asked_back_and_change_nothing,
    naming_an_item_with_da_never_empties_the_basket,
    every_chat_edit_can_be_undone_once,
    plan_requests_answer_inline_with_a_link,
);
