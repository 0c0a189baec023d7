//! The Reservations section of the contract, end to end, and the inbox.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_tests::http::{send as req, split, Db, TestApp};

async fn token(app: &TestApp, name: &str) -> String {
    app.signup_token(&format!("{name}@example.com")).await
}

fn saturday_morning() -> Value {
    json!({
        "title": "주말 장보기",
        "mode": "online",
        "schedule_type": "weekly",
        "time_of_day": "09:00",
        "days_of_week": [6],
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let (s, b) = req(app, Method::POST, "/api/v1/reservations", token, Some(body)).await;
    assert_eq!(s, 201, "{b}");
    b
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

async fn create_list_and_read_a_weekly_reservation(app: TestApp) {
    let t = token(&app, "kim").await;
    let r = create(&app, &t, saturday_morning()).await;
    assert_eq!(r["title"], "주말 장보기");
    assert_eq!(r["mode"], "online");
    assert_eq!(r["schedule_type"], "weekly");
    assert_eq!(r["time_of_day"], "09:00");
    assert_eq!(r["days_of_week"], json!([6]));
    assert_eq!(r["timezone"], "Asia/Seoul", "the default zone");
    assert_eq!(r["channel"], "in_app");
    assert_eq!(r["status"], "active");
    assert_eq!(r["retry_count"], 0);
    assert!(r["last_run_at"].is_null() && r["last_result_status"].is_null());
    assert!(r["run_at"].is_null() && r["day_of_month"].is_null());
    // The next run is a Saturday at 09:00 in Seoul = Saturday 00:00 UTC.
    let next = r["next_run_at"].as_str().expect("next_run_at");
    let next = chrono::DateTime::parse_from_rfc3339(next).expect("rfc3339");
    assert_eq!(next.format("%a %H:%M").to_string(), "Sat 00:00");

    let once = create(
        &app,
        &t,
        json!({"title": "한 번", "schedule_type": "once", "run_at": "2099-12-05T09:00", "channel": "email"}),
    )
    .await;
    assert_eq!(once["run_at"], "2099-12-05T09:00:00+09:00");
    assert_eq!(once["next_run_at"], "2099-12-05T00:00:00Z");
    assert_eq!(once["mode"], "offline", "the default mode");

    let (s, list) = req(&app, Method::GET, "/api/v1/reservations?limit=1", &t, None).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["items"][0]["id"], once["id"], "newest first");
    let cursor = list["next_cursor"].as_str().expect("more");
    let (s, rest) = req(
        &app,
        Method::GET,
        &format!("/api/v1/reservations?limit=1&cursor={cursor}"),
        &t,
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(rest["items"][0]["id"], r["id"]);
    assert!(rest["next_cursor"].is_null());

    let (s, got) = req(
        &app,
        Method::GET,
        &format!("/api/v1/reservations/{}", id(&r)),
        &t,
        None,
    )
    .await;
    assert_eq!((s, &got), (200, &r));
}

async fn pause_resume_reschedule_and_cancel(app: TestApp) {
    let t = token(&app, "kim").await;
    let r = create(&app, &t, saturday_morning()).await;
    let path = format!("/api/v1/reservations/{}", id(&r));
    let (s, p) = req(
        &app,
        Method::PATCH,
        &path,
        &t,
        Some(json!({"status": "paused"})),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["status"], "paused");
    assert!(p["next_run_at"].is_null());
    let (s, a) = req(
        &app,
        Method::PATCH,
        &path,
        &t,
        Some(json!({"status": "active", "time_of_day": "18:30", "title": "저녁 장보기"})),
    )
    .await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["status"], "active");
    assert_eq!(a["time_of_day"], "18:30");
    assert_eq!(a["days_of_week"], json!([6]), "kept");
    assert_eq!(a["title"], "저녁 장보기");
    let next = chrono::DateTime::parse_from_rfc3339(a["next_run_at"].as_str().expect("next"))
        .expect("rfc3339");
    assert_eq!(next.format("%a %H:%M").to_string(), "Sat 09:30");

    let (s, m) = req(
        &app,
        Method::PATCH,
        &path,
        &t,
        Some(json!({"schedule_type": "monthly", "day_of_month": 31, "time_of_day": "08:00", "timezone": "America/New_York"})),
    )
    .await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(
        (&m["schedule_type"], &m["day_of_month"], &m["days_of_week"]),
        (&json!("monthly"), &json!(31), &Value::Null)
    );

    let res = app.call(Method::DELETE, &path, Some(&t), None).await;
    assert_eq!(res.status().as_u16(), 204);
    let res = app.call(Method::DELETE, &path, Some(&t), None).await;
    assert_eq!(res.status().as_u16(), 204, "cancelling twice is harmless");
    let (s, c) = req(&app, Method::GET, &path, &t, None).await;
    assert_eq!((s, &c["status"]), (200, &json!("cancelled")));
    let (s, e) = req(
        &app,
        Method::PATCH,
        &path,
        &t,
        Some(json!({"status": "active"})),
    )
    .await;
    assert_eq!(s, 409, "{e}");
    assert_eq!(e["error"]["code"], "CONFLICT");
    let (s, _) = req(&app, Method::POST, &format!("{path}/run"), &t, None).await;
    assert_eq!(s, 409);
}

async fn run_now_is_accepted_once_and_listed(app: TestApp) {
    let t = token(&app, "kim").await;
    let r = create(&app, &t, saturday_morning()).await;
    let path = format!("/api/v1/reservations/{}", id(&r));
    let (s, run) = req(&app, Method::POST, &format!("{path}/run"), &t, None).await;
    assert_eq!(s, 202, "{run}");
    assert_eq!(run["status"], "queued");
    assert_eq!(run["trigger"], "manual");
    assert_eq!(run["reservation_id"], r["id"]);
    assert!(run.get("lease_owner").is_none(), "internal");
    let (s, again) = req(&app, Method::POST, &format!("{path}/run"), &t, None).await;
    assert_eq!(s, 409, "{again}");
    let (s, runs) = req(&app, Method::GET, &format!("{path}/runs"), &t, None).await;
    assert_eq!(s, 200, "{runs}");
    assert_eq!(runs["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(runs["items"][0]["id"], run["id"]);
    assert!(runs["next_cursor"].is_null());
}

async fn another_users_reservation_is_not_found(app: TestApp) {
    let kim = token(&app, "kim").await;
    let lee = token(&app, "lee").await;
    let r = create(&app, &kim, saturday_morning()).await;
    let path = format!("/api/v1/reservations/{}", id(&r));
    for (method, p, body) in [
        (Method::GET, path.clone(), None),
        (
            Method::PATCH,
            path.clone(),
            Some(json!({"status": "paused"})),
        ),
        (Method::DELETE, path.clone(), None),
        (Method::GET, format!("{path}/runs"), None),
        (Method::POST, format!("{path}/run"), None),
        (
            Method::GET,
            "/api/v1/reservations/not-a-uuid".to_owned(),
            None,
        ),
    ] {
        let (s, b) = req(&app, method.clone(), &p, &lee, body).await;
        assert_eq!(s, 404, "{method} {p}: {b}");
        assert_eq!(b["error"]["code"], "NOT_FOUND");
    }
    let (_, list) = req(&app, Method::GET, "/api/v1/reservations", &lee, None).await;
    assert_eq!(list["items"], json!([]));
    let (s, still) = req(&app, Method::GET, &path, &kim, None).await;
    assert_eq!((s, &still["status"]), (200, &json!("active")));
    let res = app
        .call(Method::GET, "/api/v1/reservations", None, None)
        .await;
    assert_eq!(res.status().as_u16(), 401);
}

async fn bad_input_is_422_with_fields(app: TestApp) {
    let t = token(&app, "kim").await;
    for (body, fields) in [
        (
            json!({"title": "", "schedule_type": "weekly", "time_of_day": "9시", "timezone": "Mars/Base"}),
            vec!["days_of_week", "time_of_day", "timezone", "title"],
        ),
        (
            json!({"title": "x", "schedule_type": "once", "run_at": "2001-01-01T09:00"}),
            vec!["run_at"],
        ),
        (
            json!({"title": "x", "schedule_type": "daily", "time_of_day": "09:00", "channel": "webhook", "webhook_url": "http://hooks.example.com"}),
            vec!["webhook_url"],
        ),
        (
            json!({"title": "x", "schedule_type": "monthly", "time_of_day": "09:00", "day_of_month": 32, "mode": "drone"}),
            vec!["day_of_month", "mode"],
        ),
        (
            json!({"title": "가".repeat(61), "schedule_type": "daily", "time_of_day": "09:00", "channel": "sms"}),
            vec!["channel", "title"],
        ),
    ] {
        let (s, b) = req(
            &app,
            Method::POST,
            "/api/v1/reservations",
            &t,
            Some(body.clone()),
        )
        .await;
        assert_eq!(s, 422, "{body}: {b}");
        assert_eq!(b["error"]["code"], "VALIDATION_FAILED");
        let mut got: Vec<&str> = b["error"]["fields"]
            .as_object()
            .expect("fields")
            .keys()
            .map(String::as_str)
            .collect();
        got.sort_unstable();
        assert_eq!(got, fields, "{body}");
    }
    let mut with_user = saturday_morning();
    with_user["user_id"] = json!("someone-else");
    let (s, b) = req(
        &app,
        Method::POST,
        "/api/v1/reservations",
        &t,
        Some(with_user),
    )
    .await;
    assert_eq!(
        (s, &b["error"]["code"]),
        (422, &json!("VALIDATION_FAILED")),
        "{b}"
    );
    let r = create(&app, &t, saturday_morning()).await;
    let (s, b) = req(
        &app,
        Method::PATCH,
        &format!("/api/v1/reservations/{}", id(&r)),
        &t,
        Some(json!({"status": "cancelled"})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(b["error"]["fields"]["status"].is_string());
    let (s, _) = req(
        &app,
        Method::GET,
        "/api/v1/reservations?limit=500",
        &t,
        None,
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = req(
        &app,
        Method::GET,
        "/api/v1/reservations?cursor=nonsense",
        &t,
        None,
    )
    .await;
    assert_eq!(s, 422);
}

async fn at_most_twenty_live_reservations(app: TestApp) {
    let t = token(&app, "kim").await;
    let mut first = Value::Null;
    for i in 0..20 {
        let mut body = saturday_morning();
        body["title"] = json!(format!("장보기 {i}"));
        let r = create(&app, &t, body).await;
        if i == 0 {
            first = r;
        }
    }
    let (s, b) = req(
        &app,
        Method::POST,
        "/api/v1/reservations",
        &t,
        Some(saturday_morning()),
    )
    .await;
    assert_eq!(s, 409, "{b}");
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/reservations/{}", id(&first)),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(res.status().as_u16(), 204);
    create(&app, &t, saturday_morning()).await;
}

async fn inbox_starts_empty(app: TestApp) {
    let t = token(&app, "kim").await;
    let (s, b) = req(&app, Method::GET, "/api/v1/notifications", &t, None).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b, json!({"items": [], "next_cursor": null}));
}

/// An identical active or paused reservation is refused with its id; a
/// different one (another time, title or channel) is not; once the first is
/// cancelled the same one may be made again.
async fn identical_reservations_are_refused_with_the_existing_id(app: TestApp) {
    let t = token(&app, "twice").await;
    let first = create(&app, &t, saturday_morning()).await;
    let (s, e) = req(
        &app,
        Method::POST,
        "/api/v1/reservations",
        &t,
        Some(saturday_morning()),
    )
    .await;
    assert_eq!(s, 409, "{e}");
    assert_eq!(e["error"]["code"], "DUPLICATE_RESERVATION");
    assert_eq!(e["error"]["fields"]["existing_id"], first["id"], "{e}");
    // Paused still counts.
    let path = format!("/api/v1/reservations/{}", id(&first));
    let (s, _) = req(
        &app,
        Method::PATCH,
        &path,
        &t,
        Some(json!({"status": "paused"})),
    )
    .await;
    assert_eq!(s, 200);
    let (s, e) = req(
        &app,
        Method::POST,
        "/api/v1/reservations",
        &t,
        Some(saturday_morning()),
    )
    .await;
    assert_eq!(
        (s, &e["error"]["code"]),
        (409, &json!("DUPLICATE_RESERVATION"))
    );
    let mut other = saturday_morning();
    other["time_of_day"] = json!("10:00");
    create(&app, &t, other).await;
    // Another shopper's identical reservation is no conflict.
    let lee = token(&app, "twice-lee").await;
    create(&app, &lee, saturday_morning()).await;
    let res = app.call(Method::DELETE, &path, Some(&t), None).await;
    assert_eq!(res.status().as_u16(), 204);
    create(&app, &t, saturday_morning()).await;
}

/// "Run now" on a paused reservation is allowed: that one run is queued and
/// the reservation stays paused with no next run.
async fn run_now_on_a_paused_reservation_is_queued_and_it_stays_paused(app: TestApp) {
    let t = token(&app, "paused").await;
    let r = create(&app, &t, saturday_morning()).await;
    let path = format!("/api/v1/reservations/{}", id(&r));
    let (s, p) = req(
        &app,
        Method::PATCH,
        &path,
        &t,
        Some(json!({"status": "paused"})),
    )
    .await;
    assert_eq!((s, &p["status"]), (200, &json!("paused")));
    let (s, run) = req(&app, Method::POST, &format!("{path}/run"), &t, None).await;
    assert_eq!(s, 202, "{run}");
    assert_eq!(run["status"], "queued");
    assert!(run["plan_request_id"].is_null(), "{run}");
    let (_, after) = req(&app, Method::GET, &path, &t, None).await;
    assert_eq!(after["status"], "paused");
    assert!(after["next_run_at"].is_null(), "{after}");
}

/// The inbox's read state and badge count, per shopper; bad bodies are 422.
async fn inbox_marks_read_and_counts_unread(app: TestApp) {
    use ttokjang_domain::notification::Notification;
    use ttokjang_domain::reservation::{ReservationRun, ResultStatus, RunOutcome};
    let login = app.signup("inbox-kim@example.com").await;
    let t = ttokjang_tests::http::access_token(&login);
    let lee = token(&app, "inbox-lee").await;
    let r = create(&app, &t, saturday_morning()).await;
    let svc = app.services().await;
    let user = ttokjang_domain::user::UserId(
        uuid::Uuid::parse_str(login["user"]["id"].as_str().expect("id")).expect("uuid"),
    );
    let reservation = svc
        .stores
        .reservations
        .find(
            user,
            ttokjang_domain::reservation::ReservationId(
                uuid::Uuid::parse_str(&id(&r)).expect("uuid"),
            ),
        )
        .await
        .expect("find")
        .expect("found");
    let mut ids = Vec::new();
    for (i, outcome) in [
        RunOutcome::new(ResultStatus::Success, "플랜 1개").with_plan_request("pr-inbox"),
        RunOutcome::new(ResultStatus::Failed, "장바구니가 비어 있어요."),
    ]
    .iter()
    .enumerate()
    {
        let run = ReservationRun::manual(uuid::Uuid::new_v4(), reservation.id, chrono::Utc::now());
        let n = Notification::for_run(
            uuid::Uuid::new_v4(),
            &reservation,
            &run,
            outcome,
            chrono::Utc::now() + chrono::Duration::milliseconds(i as i64),
        );
        assert!(svc.stores.notifications.add(&n).await.expect("add"));
        ids.push(n.id.to_string());
    }
    let count = |who: String| {
        let app = &app;
        async move {
            let (s, b) = req(
                app,
                Method::GET,
                "/api/v1/notifications/unread-count",
                &who,
                None,
            )
            .await;
            assert_eq!(s, 200, "{b}");
            b["unread"].as_u64().expect("unread")
        }
    };
    assert_eq!(count(t.clone()).await, 2);
    assert_eq!(count(lee.clone()).await, 0);
    let (_, inbox) = req(&app, Method::GET, "/api/v1/notifications", &t, None).await;
    let items = inbox["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{inbox}");
    let ok = items
        .iter()
        .find(|n| n["id"] == json!(ids[0]))
        .expect("success");
    assert_eq!(ok["plan_request_id"], "pr-inbox");
    assert_eq!(ok["read"], false);
    assert!(ok["read_at"].is_null());

    // Lee cannot mark Kim's.
    let (s, b) = req(
        &app,
        Method::POST,
        "/api/v1/notifications/read",
        &lee,
        Some(json!({"ids": ids.clone()})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["marked"], 0);
    assert_eq!(count(t.clone()).await, 2);
    for _ in 0..2 {
        let (s, b) = req(
            &app,
            Method::POST,
            "/api/v1/notifications/read",
            &t,
            Some(json!({"ids": [ids[0]]})),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["unread"], 1, "{b}");
    }
    let (_, inbox) = req(&app, Method::GET, "/api/v1/notifications", &t, None).await;
    let ok = inbox["items"]
        .as_array()
        .and_then(|a| a.iter().find(|n| n["id"] == json!(ids[0])).cloned())
        .expect("listed");
    assert_eq!(ok["read"], true, "{ok}");
    assert!(ok["read_at"].is_string(), "{ok}");
    for body in [
        json!({}),
        json!({"ids": []}),
        json!({"ids": ["not-a-uuid"]}),
        json!({"ids": [ids[1]], "all": true}),
        json!({"all": false}),
        json!({"everything": true}),
    ] {
        let (s, b) = req(
            &app,
            Method::POST,
            "/api/v1/notifications/read",
            &t,
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (s, b["error"]["code"].as_str()),
            (422, Some("VALIDATION_FAILED")),
            "{body}: {b}"
        );
    }
    let (s, b) = req(
        &app,
        Method::POST,
        "/api/v1/notifications/read",
        &t,
        Some(json!({"all": true})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["marked"].as_u64(), b["unread"].as_u64()),
        (Some(1), Some(0))
    );
}

fn with_items(items: Value) -> Value {
    let mut body = saturday_morning();
    body["planned_items"] = items;
    body
}

/// `fields` of a 422 answer, asserting the contract's shape.
fn field_errors(s: u16, b: &Value, what: &str) -> Vec<String> {
    assert_eq!(s, 422, "{what}: {b}");
    assert_eq!(b["error"]["code"], "VALIDATION_FAILED", "{what}: {b}");
    assert!(b["error"]["request_id"].is_string(), "{what}: {b}");
    b["error"]["fields"]
        .as_object()
        .expect("fields")
        .keys()
        .cloned()
        .collect()
}

async fn planned_items_are_kept_replaced_and_cleared(app: TestApp) {
    let svc = app.services().await;
    ttokjang_tests::catalog_fixture::load(svc.stores.catalog.as_ref()).await;
    let t = token(&app, "kim").await;
    let lee = token(&app, "lee").await;
    let r = create(
        &app,
        &t,
        with_items(json!([
            {"product_id": "milk", "quantity": 2},
            {"name": "  동네 두부 ", "quantity": 1}
        ])),
    )
    .await;
    assert_eq!(
        r["planned_items"],
        json!([
            {"product_id": "milk", "name": "서울우유 1L", "quantity": 2},
            {"product_id": null, "name": "동네 두부", "quantity": 1}
        ]),
        "{r}"
    );
    let path = format!("/api/v1/reservations/{}", id(&r));
    let (s, got) = req(&app, Method::GET, &path, &t, None).await;
    assert_eq!((s, &got["planned_items"]), (200, &r["planned_items"]));
    let plain = create(
        &app,
        &t,
        json!({"title": "장바구니", "schedule_type": "daily", "time_of_day": "08:00"}),
    )
    .await;
    assert!(plain["planned_items"].is_null(), "{plain}");
    let (_, list) = req(&app, Method::GET, "/api/v1/reservations", &t, None).await;
    let listed = |rid: String| {
        list["items"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["id"] == json!(rid)).cloned())
            .expect("listed")
    };
    assert_eq!(listed(id(&r))["planned_items"], r["planned_items"]);
    assert!(listed(id(&plain))["planned_items"].is_null());

    // Another shopper's reservation is not found, items or not.
    for (method, body) in [
        (Method::GET, None),
        (Method::PATCH, Some(json!({"planned_items": null}))),
    ] {
        let (s, b) = req(&app, method.clone(), &path, &lee, body).await;
        assert_eq!(
            (s, &b["error"]["code"]),
            (404, &json!("NOT_FOUND")),
            "{method} {b}"
        );
    }

    // A PATCH without planned_items keeps them; a list replaces; null clears.
    let (s, b) = req(
        &app,
        Method::PATCH,
        &path,
        &t,
        Some(json!({"title": "새 이름"})),
    )
    .await;
    assert_eq!((s, &b["planned_items"]), (200, &r["planned_items"]), "{b}");
    let (s, b) = req(
        &app,
        Method::PATCH,
        &path,
        &t,
        Some(
            json!({"planned_items": [{"product_id": "eggs", "name": "계란 한 판", "quantity": 3}]}),
        ),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b["planned_items"],
        json!([{"product_id": "eggs", "name": "계란 한 판", "quantity": 3}])
    );
    let (_, got) = req(&app, Method::GET, &path, &t, None).await;
    assert_eq!(got["planned_items"], b["planned_items"]);
    let (s, b) = req(
        &app,
        Method::PATCH,
        &path,
        &t,
        Some(json!({"planned_items": null})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert!(b["planned_items"].is_null(), "{b}");
    let (_, got) = req(&app, Method::GET, &path, &t, None).await;
    assert!(got["planned_items"].is_null(), "{got}");
}

async fn bad_planned_items_are_422_with_fields(app: TestApp) {
    let svc = app.services().await;
    ttokjang_tests::catalog_fixture::load(svc.stores.catalog.as_ref()).await;
    let t = token(&app, "kim").await;
    let too_many: Vec<Value> = (0..101)
        .map(|i| json!({"name": format!("품목 {i}"), "quantity": 1}))
        .collect();
    let bad = [
        json!([{"product_id": "unicorn-meat", "quantity": 1}]),
        json!([{"product_id": "milk", "quantity": 0}]),
        json!([{"product_id": "milk", "quantity": 100}]),
        json!([{"product_id": "milk", "quantity": -1}]),
        json!([{"quantity": 1}]),
        json!([{"name": "두부", "quantity": 1}, {"name": "두부", "quantity": 2}]),
        json!([]),
        json!(too_many),
        json!([{"product_id": "milk", "quantity": "two"}]),
        json!([{"product_id": "milk", "quantity": 1.5}]),
        json!([{"product_id": 7, "quantity": 1}]),
        json!([{"product_id": "milk", "quantity": 1, "price": 10}]),
        json!([["milk", 1]]),
        json!("milk"),
        json!({"milk": 1}),
    ];
    for items in &bad {
        let (s, b) = req(
            &app,
            Method::POST,
            "/api/v1/reservations",
            &t,
            Some(with_items(items.clone())),
        )
        .await;
        let fields = field_errors(s, &b, &items.to_string());
        assert!(
            !fields.is_empty() && fields.iter().all(|f| f.starts_with("planned_items")),
            "{items}: {b}"
        );
    }
    let (_, list) = req(&app, Method::GET, "/api/v1/reservations", &t, None).await;
    assert_eq!(list["items"], json!([]), "nothing was written");

    // The same on PATCH, and the stored list stays.
    let r = create(
        &app,
        &t,
        with_items(json!([{"product_id": "milk", "quantity": 2}])),
    )
    .await;
    let path = format!("/api/v1/reservations/{}", id(&r));
    for items in &bad {
        let (s, b) = req(
            &app,
            Method::PATCH,
            &path,
            &t,
            Some(json!({"planned_items": items, "title": "바뀌면 안 됨"})),
        )
        .await;
        let fields = field_errors(s, &b, &items.to_string());
        assert!(
            fields.iter().all(|f| f.starts_with("planned_items")),
            "{items}: {b}"
        );
    }
    let (_, got) = req(&app, Method::GET, &path, &t, None).await;
    assert_eq!(
        (&got["title"], &got["planned_items"]),
        (&r["title"], &r["planned_items"])
    );
    // Messages name the line and the problem.
    let (_, b) = req(
        &app,
        Method::POST,
        "/api/v1/reservations",
        &t,
        Some(with_items(json!([
            {"product_id": "milk", "quantity": 1},
            {"product_id": "unicorn-meat", "quantity": 1}
        ]))),
    )
    .await;
    let msg = b["error"]["fields"]["planned_items"]
        .as_str()
        .unwrap_or_default();
    assert!(
        msg.contains("line 2") && msg.contains("unicorn-meat"),
        "{b}"
    );
}

crate::on_both_backends!(
    planned_items_are_kept_replaced_and_cleared,
    bad_planned_items_are_422_with_fields,
    identical_reservations_are_refused_with_the_existing_id,
    run_now_on_a_paused_reservation_is_queued_and_it_stays_paused,
    inbox_marks_read_and_counts_unread,
    create_list_and_read_a_weekly_reservation,
    pause_resume_reschedule_and_cancel,
    run_now_is_accepted_once_and_listed,
    another_users_reservation_is_not_found,
    bad_input_is_422_with_fields,
    at_most_twenty_live_reservations,
    inbox_starts_empty,
);

/// Waits until the run `run_id` of the reservation at `path` has finished.
async fn finished_run(app: &TestApp, t: &str, path: &str, run_id: &Value) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        let (_, runs) = req(app, Method::GET, &format!("{path}/runs"), t, None).await;
        if let Some(r) = runs["items"]
            .as_array()
            .and_then(|a| a.iter().find(|r| &r["id"] == run_id))
        {
            if r["finished_at"].is_string() {
                return r.clone();
            }
        }
        last = runs;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the run did not finish: {last}");
}

/// With the scheduler on (polling every second): a "run now" is carried out by
/// the plan runner — it fails on an empty basket and plans a stored one — and
/// lands in the inbox; `/readyz` reports the scheduler's heartbeat.
async fn scheduler_carries_out_run_now(db: Db) {
    let Some(app) = TestApp::start(
        db,
        &[("SCHEDULER_ENABLED", "true"), ("SCHEDULER_POLL_S", "1")],
    )
    .await
    else {
        return;
    };
    let t = token(&app, "kim").await;
    let r = create(&app, &t, saturday_morning()).await;
    let path = format!("/api/v1/reservations/{}", id(&r));
    let (s, run) = req(&app, Method::POST, &format!("{path}/run"), &t, None).await;
    assert_eq!(s, 202);
    let finished = finished_run(&app, &t, &path, &run["id"]).await;
    assert_eq!(finished["status"], "failed");
    assert_eq!(
        finished["summary"],
        "장바구니가 비어 있어 플랜을 만들지 않았어요."
    );
    let (_, after) = req(&app, Method::GET, &path, &t, None).await;
    assert_eq!(after["last_result_status"], "failed");
    assert_eq!(
        after["status"], "active",
        "a manual run does not retry or fail the reservation"
    );
    assert_eq!(after["next_run_at"], r["next_run_at"]);
    let (_, inbox) = req(&app, Method::GET, "/api/v1/notifications", &t, None).await;
    assert_eq!(inbox["items"].as_array().map(Vec::len), Some(1), "{inbox}");
    assert_eq!(inbox["items"][0]["run_id"], run["id"]);

    // With a stored basket the run plans it.
    app.with_catalog().await;
    app.put_basket(
        &t,
        json!([
            {"product_id": "milk", "name": "서울우유 1L", "quantity": 2},
            {"product_id": "eggs", "name": "계란 30구", "quantity": 1}
        ]),
    )
    .await;
    let (s, run) = req(&app, Method::POST, &format!("{path}/run"), &t, None).await;
    assert_eq!(s, 202, "{run}");
    let finished = finished_run(&app, &t, &path, &run["id"]).await;
    assert_eq!(finished["status"], "success", "{finished}");
    // The run links to the plans it made, and they open.
    let plan_request = finished["plan_request_id"].as_str().expect("plan request");
    let (s, plans) = req(
        &app,
        Method::GET,
        &format!("/api/v1/plans/{plan_request}"),
        &t,
        None,
    )
    .await;
    assert_eq!(s, 200, "{plans}");
    assert_eq!(plans["plan_request_id"], plan_request);
    let summary = finished["summary"].as_str().expect("summary");
    assert!(
        summary.contains("플랜") && summary.contains("최저"),
        "{summary}"
    );
    let (_, after) = req(&app, Method::GET, &path, &t, None).await;
    assert_eq!(after["last_result_status"], "success");
    let (_, inbox) = req(&app, Method::GET, "/api/v1/notifications", &t, None).await;
    assert_eq!(inbox["items"].as_array().map(Vec::len), Some(2), "{inbox}");
    assert_eq!(
        inbox["items"][0]["plan_request_id"], plan_request,
        "{inbox}"
    );
    assert!(
        inbox["items"][1]["plan_request_id"].is_null(),
        "a failure: {inbox}"
    );
    let (s, ready) = split(app.call(Method::GET, "/readyz", None, None).await).await;
    assert_eq!(s, 200, "{ready}");
    assert!(ready["scheduler"]["last_beat_s"].is_u64(), "{ready}");
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for line in [
        "ttokjang_scheduler_runs_total{outcome=\"failed\"} 1",
        "ttokjang_scheduler_runs_total{outcome=\"success\"} 1",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "{line} missing in:\n{metrics}"
        );
    }
    assert!(
        metrics.contains("ttokjang_scheduler_lag_seconds"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduler_carries_out_run_now_on_sqlite() {
    scheduler_carries_out_run_now(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduler_carries_out_run_now_on_postgres() {
    scheduler_carries_out_run_now(Db::Postgres).await;
}

/// With the scheduler on: a reservation with its own items plans exactly
/// those, whatever the basket holds — an empty basket does not fail it; once
/// the list is cleared, the run plans the (empty) basket again.
async fn planned_items_are_planned_instead_of_the_basket(db: Db) {
    let Some(app) = TestApp::start(
        db,
        &[("SCHEDULER_ENABLED", "true"), ("SCHEDULER_POLL_S", "1")],
    )
    .await
    else {
        return;
    };
    let svc = app.services().await;
    ttokjang_tests::catalog_fixture::load(svc.stores.catalog.as_ref()).await;
    let t = token(&app, "kim").await;
    let (s, b) = req(
        &app,
        Method::PUT,
        "/api/v1/basket",
        &t,
        Some(json!({"items": [{"product_id": "eggs", "name": "계란 30구", "quantity": 1}]})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let r = create(
        &app,
        &t,
        json!({
            "title": "우유와 두부",
            "mode": "offline",
            "schedule_type": "weekly",
            "time_of_day": "09:00",
            "days_of_week": [6],
            "planned_items": [
                {"product_id": "milk", "quantity": 2},
                {"product_id": "tofu", "quantity": 3}
            ]
        }),
    )
    .await;
    let path = format!("/api/v1/reservations/{}", id(&r));
    let planned_of = |finished: Value| {
        let app = &app;
        let t = t.clone();
        async move {
            assert_eq!(finished["status"], "success", "{finished}");
            let pr = finished["plan_request_id"].as_str().expect("plan request");
            let (s, plans) = req(app, Method::GET, &format!("/api/v1/plans/{pr}"), &t, None).await;
            assert_eq!(s, 200, "{plans}");
            let best = &plans["plans"][0];
            let mut lines: Vec<(String, u64)> = best["stops"]
                .as_array()
                .expect("stops")
                .iter()
                .flat_map(|stop| stop["items"].as_array().cloned().unwrap_or_default())
                .map(|i| {
                    (
                        i["product"]["id"].as_str().unwrap_or_default().to_owned(),
                        i["quantity"].as_u64().unwrap_or_default(),
                    )
                })
                .collect();
            lines.sort();
            assert_eq!(best["missing_items"], json!([]), "{best}");
            lines
        }
    };
    let expected = vec![("milk".to_owned(), 2), ("tofu".to_owned(), 3)];
    let (s, run) = req(&app, Method::POST, &format!("{path}/run"), &t, None).await;
    assert_eq!(s, 202, "{run}");
    let finished = finished_run(&app, &t, &path, &run["id"]).await;
    assert_eq!(
        planned_of(finished).await,
        expected,
        "the items, not the basket"
    );

    // An empty basket does not fail a reservation with its own items.
    let (s, b) = req(
        &app,
        Method::PUT,
        "/api/v1/basket",
        &t,
        Some(json!({"items": []})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, run) = req(&app, Method::POST, &format!("{path}/run"), &t, None).await;
    assert_eq!(s, 202, "{run}");
    let finished = finished_run(&app, &t, &path, &run["id"]).await;
    assert_eq!(planned_of(finished).await, expected);

    // Cleared: the run plans the live basket again, which is empty now.
    let (s, b) = req(
        &app,
        Method::PATCH,
        &path,
        &t,
        Some(json!({"planned_items": null})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, run) = req(&app, Method::POST, &format!("{path}/run"), &t, None).await;
    assert_eq!(s, 202, "{run}");
    let finished = finished_run(&app, &t, &path, &run["id"]).await;
    assert_eq!(
        (&finished["status"], &finished["summary"]),
        (
            &json!("failed"),
            &json!("장바구니가 비어 있어 플랜을 만들지 않았어요.")
        ),
        "{finished}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planned_items_are_planned_instead_of_the_basket_on_sqlite() {
    planned_items_are_planned_instead_of_the_basket(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planned_items_are_planned_instead_of_the_basket_on_postgres() {
    planned_items_are_planned_instead_of_the_basket(Db::Postgres).await;
}
