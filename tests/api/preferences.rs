//! Preferences: documented defaults until saved, validated ranges, per user.

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_tests::http::{split, TestApp};

fn token(login: &Value) -> String {
    login["access_token"].as_str().expect("token").to_owned()
}

async fn put(app: &TestApp, t: &str, body: Value) -> (u16, Value) {
    split(
        app.call(Method::PUT, "/api/v1/preferences", Some(t), Some(body))
            .await,
    )
    .await
}

async fn defaults_until_saved_then_stored_per_user(app: TestApp) {
    let kim = token(&app.signup("prefs-kim@example.com").await);
    let lee = token(&app.signup("prefs-lee@example.com").await);
    let defaults = json!({
        "max_stores": 3, "max_distance_m": 3000, "travel_cost_krw_per_km": 500,
        "preferred_chains": [], "excluded_chains": [], "default_mode": "offline",
        "travel_mode": "walk", "max_travel_minutes": 30,
        "value_of_time_krw_per_hour": 10000, "minutes_per_stop": 5, "updated_at": null
    });
    let (s, b) = app.get_auth("/api/v1/preferences", &kim).await;
    assert_eq!((s, b), (200, defaults.clone()));

    let mine = json!({
        "max_stores": 2, "max_distance_m": 1500, "travel_cost_krw_per_km": 0,
        "preferred_chains": ["이마트", "홈플러스"], "excluded_chains": ["GS25"],
        "default_mode": "online", "travel_mode": "car", "max_travel_minutes": 45,
        "value_of_time_krw_per_hour": 12000, "minutes_per_stop": 0
    });
    let (s, saved) = put(&app, &kim, mine.clone()).await;
    assert_eq!(s, 200, "{saved}");
    for (k, v) in mine.as_object().expect("object") {
        assert_eq!(&saved[k], v, "{k}");
    }
    assert!(saved["updated_at"].is_string());
    let (_, again) = app.get_auth("/api/v1/preferences", &kim).await;
    assert_eq!(again, saved);

    // The other shopper still has the defaults.
    let (_, theirs) = app.get_auth("/api/v1/preferences", &lee).await;
    assert_eq!(theirs, defaults);

    // PUT replaces: absent fields go back to their defaults.
    let (s, b) = put(&app, &kim, json!({"max_stores": 4})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["max_stores"].clone(), b["preferred_chains"].clone()),
        (json!(4), json!([]))
    );
    assert_eq!(b["default_mode"], "offline");
}

async fn bad_preferences_are_refused_field_by_field(app: TestApp) {
    let t = token(&app.signup("prefs-bad@example.com").await);
    let (s, b) = put(
        &app,
        &t,
        json!({"max_stores": 6, "max_distance_m": 99, "travel_cost_krw_per_km": 5001,
               "max_travel_minutes": 0, "default_mode": "drone", "travel_mode": "bike",
               "value_of_time_krw_per_hour": 200001, "minutes_per_stop": -1}),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let fields = b["error"]["fields"].as_object().expect("fields");
    for f in [
        "max_stores",
        "max_distance_m",
        "travel_cost_krw_per_km",
        "max_travel_minutes",
        "default_mode",
        "travel_mode",
        "value_of_time_krw_per_hour",
        "minutes_per_stop",
    ] {
        assert!(fields.contains_key(f), "{f} missing in {b}");
    }
    let twenty_one: Vec<String> = (0..21).map(|i| format!("chain {i}")).collect();
    for body in [
        json!({"preferred_chains": ["코스트코"], "excluded_chains": ["코스트코"]}),
        json!({"preferred_chains": twenty_one}),
        json!({"excluded_chains": ["가".repeat(41)]}),
        json!({"excluded_chains": ["이마트\u{0}"]}),
        json!({"max_stores": 2.5}),
        json!({"max_stores": 1e20}),
        json!({"user_id": "00000000-0000-0000-0000-000000000001"}),
        json!({"max_store": 2}),
    ] {
        let (s, b) = put(&app, &t, body.clone()).await;
        assert_eq!(s, 422, "{body}: {b}");
        assert_eq!(b["error"]["code"], "VALIDATION_FAILED");
    }
    let (_, b) = app.get_auth("/api/v1/preferences", &t).await;
    assert!(b["updated_at"].is_null(), "nothing was stored: {b}");
}

crate::on_both_backends!(
    defaults_until_saved_then_stored_per_user,
    bad_preferences_are_refused_field_by_field,
);
