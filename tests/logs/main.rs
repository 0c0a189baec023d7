//! Captures every log line of a full login → refresh → logout flow through a
//! real server and checks that no secret reaches the output.
//!
//! Its own test binary: it installs the process-wide capturing subscriber, which
//! sees the server's worker threads too.

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_tests::http::{Db, TestApp};

fn s(v: &Value, k: &str) -> String {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} missing in {v}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_logs() {
    let logs = ttokjang::logging::capture_global().expect("no other global subscriber");
    let app = TestApp::start(Db::Sqlite, &[]).await.expect("sqlite app");
    let password = "correct horse battery";
    let login = app.signup("masked@example.com").await;
    let access = s(&login, "access_token");
    let first_refresh = s(&login, "refresh_token");

    let (st, refreshed) = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": first_refresh}),
        )
        .await;
    assert_eq!(st, 200);
    let second_access = s(&refreshed, "access_token");
    let second_refresh = s(&refreshed, "refresh_token");
    // Reuse (logged as a refusal), a wrong password and a bad token.
    let (st, _) = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": first_refresh}),
        )
        .await;
    assert_eq!(st, 401);
    let (st, _) = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "masked@example.com", "password": "hunter2-wrong-pass"}),
        )
        .await;
    assert_eq!(st, 401);
    let second = app.login("masked@example.com", password).await;
    assert_eq!(
        app.get_auth("/api/v1/auth/me", &s(&second, "access_token"))
            .await
            .0,
        200
    );
    // Secrets in places a request line shows: the path.
    let (st, _) = app
        .get_auth(
            "/api/v1/users/010-1234-5678/+82-10-9876-5432",
            &s(&second, "access_token"),
        )
        .await;
    assert_eq!(st, 404);
    // A phone number in a profile, accepted and refused.
    for (phone, status) in [("+82 10 5555 7777", 200), ("01055557777x", 422)] {
        let res = app
            .call(
                Method::PUT,
                "/api/v1/users/me/profile",
                Some(&s(&second, "access_token")),
                Some(json!({"display_name": "마스크", "phone": phone})),
            )
            .await;
        assert_eq!(res.status().as_u16(), status);
    }
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&s(&second, "access_token")),
            Some(json!({"refresh_token": s(&second, "refresh_token")})),
        )
        .await;
    assert_eq!(res.status().as_u16(), 204);
    drop(app);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let out = logs.contents();
    assert!(out.contains("login"), "the flow was logged at all:\n{out}");
    assert!(
        out.contains("/api/v1/auth/refresh"),
        "request lines are logged:\n{out}"
    );
    for secret in [
        access.as_str(),
        second_access.as_str(),
        first_refresh.as_str(),
        second_refresh.as_str(),
        s(&second, "access_token").as_str(),
        s(&second, "refresh_token").as_str(),
        password,
        "hunter2-wrong-pass",
        ttokjang_tests::http::SECRET,
        "010-1234-5678",
        "9876-5432",
        "5555-7777",
        "5555 7777",
        "55557777",
    ] {
        assert!(
            !out.contains(secret),
            "secret {secret:?} leaked into logs:\n{out}"
        );
    }
    // No access token fragment of any kind.
    assert!(!out.contains("eyJ"), "a JWT leaked:\n{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_numbers_never_reach_the_logs() {
    let logs = ttokjang::logging::capture_global().expect("no other global subscriber");
    let app = TestApp::start(Db::Sqlite, &[]).await.expect("sqlite app");
    let t = s(&app.signup("card-logs@example.com").await, "access_token");
    for body in [
        json!({"token": "4111 1111 1111 1111"}),
        json!({"token": "pm_card_ok", "label": "4111-1111-1111-1111"}),
        json!({"token": 4_111_111_111_111_111_i64}),
    ] {
        let res = app
            .call(
                Method::POST,
                "/api/v1/users/me/payment-methods",
                Some(&t),
                Some(body),
            )
            .await;
        assert_eq!(res.status().as_u16(), 422);
    }
    drop(app);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let out = logs.contents();
    assert!(
        out.contains("/api/v1/users/me/payment-methods"),
        "the requests were logged:\n{out}"
    );
    for leaked in ["4111 1111", "4111-1111", "41111111"] {
        assert!(!out.contains(leaked), "{leaked:?} leaked into logs:\n{out}");
    }
}

/// The price feeds' keys: a scheduled sync of both sources (one answering,
/// one refusing the key) logs each key masked, never the key itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn price_feed_keys_never_reach_the_logs() {
    use std::sync::Arc;
    use ttokjang_tests::feed_fake::{fake, survey_any_day};

    let logs = ttokjang::logging::capture_global().expect("no other global subscriber");
    let chamgagyeok_key = "kca-secret-key-6b2f0e94c1d7a8";
    let kamis_key = "kamis-secret-key-93d1a7c5e2";
    let f = fake(survey_any_day(3, 2)).await;
    let refusing = fake(Arc::new(|_, _| {
        (200, r#"{"data":{"error_code":"900"}}"#.to_owned(), 0)
    }))
    .await;
    let chamgagyeok_url = format!("{}/B551919/ProductPriceInfoService", f.url);
    let kamis_url = format!("{}/service/price/xml.do", refusing.url);
    let app = TestApp::start(
        Db::Sqlite,
        &[
            ("SCHEDULER_ENABLED", "true"),
            ("SCHEDULER_POLL_S", "1"),
            ("CHAMGAGYEOK_BASE_URL", &chamgagyeok_url),
            ("CHAMGAGYEOK_SERVICE_KEY", chamgagyeok_key),
            ("KAMIS_BASE_URL", &kamis_url),
            ("KAMIS_CERT_KEY", kamis_key),
            ("KAMIS_CERT_ID", "ttokjang"),
        ],
    )
    .await
    .expect("sqlite app");
    for _ in 0..100 {
        if f.count() >= 5 && refusing.count() >= 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(f.count(), 5, "the scheduler synced 참가격");
    assert!(refusing.count() >= 1, "the scheduler tried KAMIS");
    drop(app);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let out = logs.contents();
    assert!(
        out.contains("price sync scheduled"),
        "the schedule was logged:\n{out}"
    );
    // The key is masked where it is logged (`kca-…(29 chars)`), and the log
    // layer's own redaction of `key=` values hides even that.
    let scheduled: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("price sync scheduled"))
        .collect();
    assert_eq!(scheduled.len(), 2, "both sources:\n{out}");
    assert!(
        scheduled.iter().all(|l| l.contains("key=")),
        "{scheduled:?}"
    );
    assert!(out.contains("key_refused"), "KAMIS refusal logged:\n{out}");
    for leaked in [chamgagyeok_key, kamis_key, "secret-key"] {
        assert!(!out.contains(leaked), "{leaked:?} leaked into logs:\n{out}");
    }
    f.handle.stop(false).await;
    refusing.handle.stop(false).await;
}
