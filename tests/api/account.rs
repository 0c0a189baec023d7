//! The account lifecycle: password change, operator reset, deletion, export.

use reqwest::Method;
use serde_json::json;
use ttokjang_tests::http::{access_token, split, text, TestApp};

const PASSWORD: &str = "correct horse battery";

async fn change_password_ends_other_sessions_and_notifies(app: TestApp) {
    let phone = app.signup("change@example.com").await;
    let laptop = app.login("change@example.com", PASSWORD).await;
    let other = app.signup("bystander@example.com").await;
    let t = access_token(&phone);

    // Hostile and wrong input first: nothing changes.
    for (body, field) in [
        (
            json!({"current_password": "wrong password!", "new_password": "a brand new secret"}),
            "current_password",
        ),
        (
            json!({"current_password": PASSWORD, "new_password": "short"}),
            "new_password",
        ),
        (
            json!({"current_password": PASSWORD, "new_password": PASSWORD}),
            "new_password",
        ),
        (
            json!({"current_password": PASSWORD, "new_password": "change@example.com"}),
            "new_password",
        ),
        (
            json!({"current_password": PASSWORD, "new_password": "a brand new secret", "user_id": "x"}),
            "user_id",
        ),
        (
            json!({"current_password": 1, "new_password": "a brand new secret"}),
            "current_password",
        ),
    ] {
        let (st, b) = app
            .send(
                Method::POST,
                "/api/v1/users/me/password",
                &t,
                Some(body.clone()),
            )
            .await;
        assert_eq!(st, 422, "{body}: {b}");
        assert!(b["error"]["fields"][field].is_string(), "{body}: {b}");
    }
    let (st, _) = app
        .send_anonymous(
            Method::POST,
            "/api/v1/users/me/password",
            Some(json!({"current_password": PASSWORD, "new_password": "a brand new secret"})),
        )
        .await;
    assert_eq!(st, 401, "no token, no change");
    app.login("change@example.com", PASSWORD).await;

    let (st, b) = app
        .send(
            Method::POST,
            "/api/v1/users/me/password",
            &t,
            Some(json!({"current_password": PASSWORD, "new_password": "a brand new secret"})),
        )
        .await;
    assert_eq!(st, 204, "{b}");
    // This session goes on; the laptop's (access and refresh) ended.
    assert_eq!(app.get_auth("/api/v1/auth/me", &t).await.0, 200);
    assert_eq!(
        app.get_auth("/api/v1/auth/me", &access_token(&laptop))
            .await
            .0,
        401
    );
    let (st, _) = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": text(&laptop, "refresh_token")}),
        )
        .await;
    assert_eq!(st, 401);
    // Another user's session is untouched.
    assert_eq!(
        app.get_auth("/api/v1/auth/me", &access_token(&other))
            .await
            .0,
        200
    );
    // The old password is gone, the new one works.
    let (st, _) = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "change@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(st, 401);
    app.login("change@example.com", "a brand new secret").await;
    // The inbox says so.
    let (st, inbox) = app.get_auth("/api/v1/notifications", &t).await;
    assert_eq!(st, 200, "{inbox}");
    assert!(inbox.to_string().contains("비밀번호"), "{inbox}");
}

async fn wrong_current_passwords_are_throttled(app: TestApp) {
    let t = app.signup_token("guess@example.com").await;
    let mut last = 0;
    for _ in 0..6 {
        let (st, _) = app.send(Method::POST,
            "/api/v1/users/me/password",
            &t,
            Some(json!({"current_password": "not the password", "new_password": "a brand new secret"})),
        )
        .await;
        last = st;
    }
    assert_eq!(last, 429, "a stolen token cannot guess the password");
}

async fn delete_erases_personal_data_and_keeps_other_users(app: TestApp) {
    let login = app.signup("leaving@example.com").await;
    let second = app.login("leaving@example.com", PASSWORD).await;
    let other = app.signup("staying@example.com").await;
    let t = access_token(&login);
    let ot = access_token(&other);
    // Personal data in several places.
    let (st, b) = app.send(Method::PUT, "/api/v1/users/me/profile", &t,
        Some(json!({"display_name": "떠나는 사람", "phone": "010-1234-5678", "address": "서울시 어딘가 1"}))).await;
    assert_eq!(st, 200, "{b}");
    let (st, b) = app
        .send(
            Method::POST,
            "/api/v1/basket/items",
            &t,
            Some(json!({"name": "우유", "quantity": 2})),
        )
        .await;
    assert!(st == 201 || st == 200, "{b}");
    let (st, b) = app
        .send(
            Method::POST,
            "/api/v1/basket/items",
            &ot,
            Some(json!({"name": "빵", "quantity": 1})),
        )
        .await;
    assert!(st == 201 || st == 200, "{b}");
    let (st, b) = app
        .send(
            Method::POST,
            "/api/v1/users/me/payment-methods",
            &t,
            Some(json!({"token": "pm_card_ok"})),
        )
        .await;
    assert_eq!(st, 201, "{b}");

    // Export holds it all.
    let res = app
        .call(Method::GET, "/api/v1/users/me/export", Some(&t), None)
        .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    let (st, export) = split(res).await;
    assert_eq!(st, 200, "{export}");
    assert_eq!(export["user"]["email"], "leaving@example.com");
    assert_eq!(export["profile"]["phone"], "010-1234-5678", "{export}");
    assert_eq!(export["basket"]["items"][0]["name"], "우유");
    assert_eq!(export["payment_methods"].as_array().map(Vec::len), Some(1));
    assert!(
        export["sessions"].as_array().is_some_and(|s| s.len() == 2),
        "{export}"
    );
    assert!(
        !export.to_string().contains("빵"),
        "another user's data leaked: {export}"
    );
    assert!(!export.to_string().contains("password_hash"));

    // Wrong password, hostile bodies: nothing happens.
    for body in [
        json!({"password": "not the password"}),
        json!({"password": PASSWORD, "user_id": text(&other["user"], "id")}),
        json!({}),
        json!([PASSWORD]),
    ] {
        let (st, b) = app
            .send(Method::DELETE, "/api/v1/users/me", &t, Some(body.clone()))
            .await;
        assert_eq!(st, 422, "{body}: {b}");
    }
    let (st, _) = app
        .send_anonymous(
            Method::DELETE,
            "/api/v1/users/me",
            Some(json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(st, 401);
    assert_eq!(app.get_auth("/api/v1/auth/me", &t).await.0, 200);

    let (st, b) = app
        .send(
            Method::DELETE,
            "/api/v1/users/me",
            &t,
            Some(json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(st, 204, "{b}");
    // Every session of the account ended; the e-mail is free; login fails.
    assert_eq!(app.get_auth("/api/v1/auth/me", &t).await.0, 401);
    assert_eq!(
        app.get_auth("/api/v1/auth/me", &access_token(&second))
            .await
            .0,
        401
    );
    let (st, _) = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "leaving@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(st, 401);
    // The other user is untouched.
    let (st, b) = app.get_auth("/api/v1/basket", &ot).await;
    assert_eq!((st, b["items"][0]["name"].clone()), (200, json!("빵")));
    // A new account may use the e-mail again, and sees nothing of the old one.
    let fresh = app.signup("leaving@example.com").await;
    let ft = access_token(&fresh);
    let (_, b) = app.get_auth("/api/v1/users/me/export", &ft).await;
    assert_eq!(b["basket"]["items"], json!([]), "{b}");
    assert_eq!(b["payment_methods"], json!([]), "{b}");
    assert!(!b.to_string().contains("010-1234-5678"), "{b}");
}

async fn operator_reset_code_sets_a_new_password_once(app: TestApp) {
    let login = app.signup("forgot@example.com").await;
    let svc = app.services().await;
    let (_, code) = svc
        .accounts
        .issue_reset("forgot@example.com")
        .await
        .expect("code");
    let a = &app;
    let reset = |email: &str, code: &str, new: &str| {
        let body = json!({"email": email, "code": code, "new_password": new});
        async move { a.post("/api/v1/auth/password-reset", body).await }
    };
    let (st, wrong) = reset(
        "forgot@example.com",
        "AAAAA-BBBBB-CCCCC",
        "a brand new secret",
    )
    .await;
    assert_eq!(st, 422, "{wrong}");
    let (st, unknown) = reset("nobody@example.com", &code, "a brand new secret").await;
    assert_eq!(st, 422, "{unknown}");
    assert_eq!(
        wrong["error"]["fields"], unknown["error"]["fields"],
        "unknown e-mail and wrong code answer alike"
    );
    let (st, b) = reset("forgot@example.com", &code, "short").await;
    assert_eq!(st, 422, "{b}");
    assert!(b["error"]["fields"]["new_password"].is_string());

    let (st, b) = reset("forgot@example.com", &code, "a brand new secret").await;
    assert_eq!(st, 204, "{b}");
    assert_eq!(
        app.get_auth("/api/v1/auth/me", &access_token(&login))
            .await
            .0,
        401,
        "sessions end"
    );
    app.login("forgot@example.com", "a brand new secret").await;
    let (st, _) = reset("forgot@example.com", &code, "another new secret").await;
    assert_eq!(st, 422, "a code works once");
}

crate::on_both_backends!(
    change_password_ends_other_sessions_and_notifies,
    wrong_current_passwords_are_throttled,
    delete_erases_personal_data_and_keeps_other_users,
    operator_reset_code_sets_a_new_password_once,
);
