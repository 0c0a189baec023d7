//! The profile: display name (also the account's), Korean mobile phone
//! normalised, address, location; never visible to another shopper.

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_tests::http::{split, TestApp};

fn token(login: &Value) -> String {
    login["access_token"].as_str().expect("token").to_owned()
}

async fn put(app: &TestApp, t: &str, body: Value) -> (u16, Value) {
    split(
        app.call(Method::PUT, "/api/v1/users/me/profile", Some(t), Some(body))
            .await,
    )
    .await
}

async fn profile_is_saved_normalised_and_private(app: TestApp) {
    let kim = token(&app.signup("profile-kim@example.com").await);
    let lee = token(&app.signup("profile-lee@example.com").await);
    let (s, b) = app.get_auth("/api/v1/users/me/profile", &kim).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b,
        json!({"display_name": "테스터", "phone": null, "address": null, "location": null, "updated_at": null})
    );

    let (s, b) = put(
        &app,
        &kim,
        json!({"display_name": " 김똑장 ", "phone": "+82 10 1234 5678",
               "address": "서울특별시 강남구 강남대로 396", "location": {"lat": 37.5, "lng": 127.03}}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["display_name"], "김똑장");
    assert_eq!(b["phone"], "010-1234-5678");
    assert_eq!(b["location"], json!({"lat": 37.5, "lng": 127.03}));
    let (_, again) = app.get_auth("/api/v1/users/me/profile", &kim).await;
    assert_eq!(again, b);
    let (_, me) = app.get_auth("/api/v1/auth/me", &kim).await;
    assert_eq!(
        me["display_name"], "김똑장",
        "the account's name changed too"
    );

    // Every accepted format is stored the same way.
    for raw in ["010-1234-5678", "01012345678", "+82-10-1234-5678"] {
        let (s, b) = put(&app, &kim, json!({"display_name": "김똑장", "phone": raw})).await;
        assert_eq!(
            (s, b["phone"].clone()),
            (200, json!("010-1234-5678")),
            "{raw}"
        );
        assert!(b["location"].is_null(), "PUT replaces: no location given");
    }

    let (_, theirs) = app.get_auth("/api/v1/users/me/profile", &lee).await;
    assert_eq!(theirs["phone"], Value::Null);
    assert_eq!(theirs["display_name"], "테스터");
}

async fn bad_profiles_are_refused(app: TestApp) {
    let t = token(&app.signup("profile-bad@example.com").await);
    for (body, field) in [
        (
            json!({"display_name": "a", "phone": "02-123-4567"}),
            "phone",
        ),
        (
            json!({"display_name": "a", "phone": "010-1234-567"}),
            "phone",
        ),
        (
            json!({"display_name": "a", "phone": "+1 10 1234 5678"}),
            "phone",
        ),
        (
            json!({"display_name": "a", "phone": "010\u{0}12345678"}),
            "phone",
        ),
        (json!({"display_name": "", "phone": null}), "display_name"),
        (
            json!({"display_name": "a", "address": "주\u{0}소"}),
            "address",
        ),
        (
            json!({"display_name": "a", "address": "가".repeat(201)}),
            "address",
        ),
        (
            json!({"display_name": "a", "location": {"lat": 91.0, "lng": 0.0}}),
            "location.lat",
        ),
        (
            json!({"display_name": "a", "location": {"lat": 0.0, "lng": -181.0}}),
            "location.lng",
        ),
    ] {
        let (s, b) = put(&app, &t, body.clone()).await;
        assert_eq!(s, 422, "{body}: {b}");
        assert!(b["error"]["fields"][field].is_string(), "{field}: {b}");
    }
    for body in [
        json!({"display_name": "a", "user_id": "someone"}),
        json!({"display_name": "a", "location": {"lat": 1.0}}),
        json!({"display_name": "a", "location": {"lat": 1.0, "lng": 2.0, "alt": 3.0}}),
        json!({"phone": "010-1234-5678"}),
    ] {
        let (s, b) = put(&app, &t, body.clone()).await;
        assert_eq!(s, 422, "{body}: {b}");
    }
    let (_, b) = app.get_auth("/api/v1/users/me/profile", &t).await;
    assert!(b["updated_at"].is_null(), "nothing stored: {b}");
}

crate::on_both_backends!(
    profile_is_saved_normalised_and_private,
    bad_profiles_are_refused,
);
