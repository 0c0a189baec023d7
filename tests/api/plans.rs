//! Plans: generate (offline, online, legacy), degraded answers, select.

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_tests::http::{
    access_token as token, post_auth as post, split, with_catalog, TestApp,
};

fn basket() -> Value {
    json!([
        {"id": "l1", "name": "우유", "quantity": 2},
        {"id": "l2", "name": "달걀", "quantity": 1},
        {"id": "l3", "product_id": "tofu", "name": "두부", "quantity": 1}
    ])
}

/// Every plan adds up: items, stops, totals; each basket line once.
fn assert_consistent(plan: &Value, lines: usize) {
    let mut seen = Vec::new();
    let mut goods = 0;
    for stop in plan["stops"].as_array().expect("stops") {
        let mut sub = 0;
        for item in stop["items"].as_array().expect("items") {
            let q = item["quantity"].as_i64().expect("q");
            let unit = item["unit_price_krw"].as_i64().expect("unit");
            assert_eq!(item["subtotal_krw"].as_i64(), Some(q * unit), "{item}");
            sub += q * unit;
            seen.push(item["basket_item_id"].as_str().expect("id").to_owned());
        }
        assert_eq!(stop["subtotal_krw"].as_i64(), Some(sub));
        goods += sub;
    }
    for m in plan["missing_items"].as_array().expect("missing") {
        seen.push(m["basket_item_id"].as_str().expect("id").to_owned());
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), lines, "every line exactly once: {plan}");
    assert_eq!(plan["goods_krw"].as_i64(), Some(goods));
    let total = goods
        + plan["travel_krw"].as_i64().expect("t")
        + plan["delivery_krw"].as_i64().expect("d")
        + plan["surcharge_krw"].as_i64().expect("s");
    assert_eq!(plan["total_krw"].as_i64(), Some(total));
}

async fn offline_plan_picks_the_near_marts(app: TestApp) {
    with_catalog(&app).await;
    let t = token(&app.signup("plan@example.com").await);
    let res = app
        .call(
            Method::POST,
            "/api/v1/offline/plans/generate",
            Some(&t),
            Some(json!({"basket": basket()})),
        )
        .await;
    // The answer is sent as the JSON stored with the plan request.
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let (st, b) = split(res).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["meta"]["degraded"], false);
    assert!(b["plan_request_id"].is_string());
    // Where the route started and how the shopper travels: no saved location
    // → 강남역, default preferences → on foot.
    assert_eq!(
        b["meta"]["origin"],
        json!({"lat": 37.4985, "lng": 127.0292}),
        "{}",
        b["meta"]
    );
    assert_eq!(b["meta"]["travel_mode"], "walk");
    let plans = b["plans"].as_array().expect("plans");
    assert!(!plans.is_empty());
    for p in plans {
        assert_consistent(p, 3);
    }
    let cheapest = plans
        .iter()
        .find(|p| {
            p["labels"]
                .as_array()
                .expect("l")
                .contains(&json!("cheapest"))
        })
        .expect("cheapest");
    // mart-c is 5 km away: outside the default 3 km. milk 2×2800 + eggs 7900 at mart-a, tofu 1500 at mart-b.
    assert_eq!(cheapest["goods_krw"], 15_000);
    let mut ids: Vec<&str> = cheapest["stops"]
        .as_array()
        .expect("s")
        .iter()
        .map(|s| s["store"]["id"].as_str().expect("id"))
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["mart-a", "mart-b"]);
    assert!(cheapest["missing_items"].as_array().expect("m").is_empty());
    // No single store in reach sells all three: the comparison says so.
    let single = &cheapest["reasons"]["vs_single_store"];
    assert_eq!(single["store_id"], "mart-a", "{single}");
    assert_eq!(single["missing_items"], 1);
    assert_eq!(
        single["saved_krw"].as_i64(),
        Some(single["total_krw"].as_i64().expect("t") - cheapest["total_krw"].as_i64().expect("t"))
    );
    assert_eq!(
        cheapest["reasons"]["frontier"][1]["total_krw"],
        cheapest["total_krw"]
    );
    let d = cheapest["distance_m"].as_i64().expect("d");
    assert!(d > 0);
    assert_eq!(
        cheapest["travel_krw"].as_i64(),
        Some((d * 500 + 500) / 1000),
        "500원/km, rounded"
    );

    // By car, with a 10 km radius, the far, cheap mart wins (on foot the
    // default 30 minutes allow only a 2 km route).
    app.put_preferences(
        &t,
        json!({
            "max_stores": 3, "max_distance_m": 10000, "travel_cost_krw_per_km": 500,
            "preferred_chains": [], "excluded_chains": [], "default_mode": "offline",
            "travel_mode": "car", "max_travel_minutes": 60
        }),
    )
    .await;
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": basket(), "max_distance_m": 10000}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["meta"]["travel_mode"], "car", "{}", b["meta"]);
    let cheapest = &b["plans"][0];
    assert_eq!(cheapest["label"], "cheapest");
    assert_eq!(cheapest["stops"][0]["store"]["id"], "mart-c");

    // A location in the request is the route's start, and the answer says so.
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": basket(), "location": {"lat": 37.5, "lng": 127.03}}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["meta"]["origin"], json!({"lat": 37.5, "lng": 127.03}));
    assert_eq!(cheapest["goods_krw"], 5_500);
}

async fn unknown_items_are_reported_never_priced(app: TestApp) {
    with_catalog(&app).await;
    let t = token(&app.signup("unknown@example.com").await);
    let body = json!({"basket": [
        {"id": "l1", "name": "우유", "quantity": 1},
        {"id": "l2", "name": "라면", "quantity": 1},
        {"id": "l3", "name": "존재하지않는상품", "quantity": 1}
    ]});
    let (st, b) = post(&app, "/api/v1/offline/plans/generate", &t, body).await;
    assert_eq!(st, 200, "{b}");
    let plan = &b["plans"][0];
    assert_consistent(plan, 3);
    let reasons: Vec<(String, String)> = plan["missing_items"]
        .as_array()
        .expect("m")
        .iter()
        .map(|m| {
            (
                m["basket_item_id"].as_str().expect("id").to_owned(),
                m["reason"].as_str().expect("r").to_owned(),
            )
        })
        .collect();
    assert!(
        reasons.contains(&("l2".into(), "not_sold".into())),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&("l3".into(), "unknown_product".into())),
        "{reasons:?}"
    );
}

async fn bad_baskets_get_clear_errors(app: TestApp) {
    with_catalog(&app).await;
    let t = token(&app.signup("bad@example.com").await);
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": []}),
    )
    .await;
    assert_eq!(
        (st, b["error"]["code"].as_str()),
        (400, Some("EMPTY_BASKET")),
        "{b}"
    );
    // The stored basket is empty too.
    let (st, b) = post(&app, "/api/v1/offline/plans/generate", &t, json!({})).await;
    assert_eq!(
        (st, b["error"]["code"].as_str()),
        (400, Some("EMPTY_BASKET")),
        "{b}"
    );
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": [{"name": "우", "quantity": 1}]}),
    )
    .await;
    assert_eq!(
        (st, b["error"]["code"].as_str()),
        (422, Some("ITEM_CLARIFICATION_REQUIRED")),
        "{b}"
    );
    for q in [json!(0), json!(-1), json!(1000), json!(1.5), json!("2")] {
        let (st, b) = post(
            &app,
            "/api/v1/offline/plans/generate",
            &t,
            json!({"basket": [{"name": "우유", "quantity": q}]}),
        )
        .await;
        assert_eq!(st, 422, "quantity {q}: {b}");
    }
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": basket(), "location": {"lat": 91.0, "lng": 0}}),
    )
    .await;
    assert_eq!(st, 422, "{b}");
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": basket(), "max_stores": 9}),
    )
    .await;
    assert_eq!(st, 422, "{b}");
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": basket(), "user_id": "x"}),
    )
    .await;
    assert_eq!(st, 422, "{b}");
    // Nothing can be bought (no source failed): 422 NO_PLAN_POSSIBLE with the
    // reasons, not a 5xx: nothing is wrong on the server's side.
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": [{"id": "r", "name": "라면", "quantity": 1}]}),
    )
    .await;
    assert_eq!(
        (st, b["error"]["code"].as_str()),
        (422, Some("NO_PLAN_POSSIBLE")),
        "{b}"
    );
    assert!(b["error"]["fields"]["basket.r"].is_string(), "{b}");
    let (st, _) = split(
        app.call(
            Method::POST,
            "/api/v1/offline/plans/generate",
            None,
            Some(json!({})),
        )
        .await,
    )
    .await;
    assert_eq!(st, 401);
}

async fn online_plan_splits_across_malls(app: TestApp) {
    with_catalog(&app).await;
    let t = token(&app.signup("online@example.com").await);
    let (st, b) = post(
        &app,
        "/api/v1/online/plans/generate",
        &t,
        json!({"basket": basket()}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["meta"]["sources"].as_array().expect("s").len(), 3);
    // No route, so no start point or travel mode.
    assert!(b["meta"].get("origin").is_none(), "{}", b["meta"]);
    assert!(b["meta"].get("travel_mode").is_none(), "{}", b["meta"]);
    for p in b["plans"].as_array().expect("plans") {
        assert_consistent(p, 3);
        for stop in p["stops"].as_array().expect("stops") {
            assert!(stop["store"]["checkout_url"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://")));
        }
    }
    // The legacy route gives the same plans.
    let (st, legacy) = post(
        &app,
        "/api/v1/plans/generate",
        &t,
        json!({"basket": basket(), "mode": "online"}),
    )
    .await;
    assert_eq!(st, 200, "{legacy}");
    assert_eq!(
        legacy["plans"].as_array().map(Vec::len),
        b["plans"].as_array().map(Vec::len)
    );
    for (a, l) in b["plans"]
        .as_array()
        .expect("a")
        .iter()
        .zip(legacy["plans"].as_array().expect("l"))
    {
        assert_eq!(a["total_krw"], l["total_krw"]);
        assert_eq!(a["stops"], l["stops"]);
    }
    let (st, b) = post(
        &app,
        "/api/v1/plans/generate",
        &t,
        json!({"basket": basket(), "mode": "teleport"}),
    )
    .await;
    assert_eq!(st, 422, "{b}");
}

async fn failing_and_slow_sources_degrade_to_206(app: TestApp) {
    let faulty = TestApp::start(
        app.db,
        &[
            ("PRICE_SOURCE_FAULTS", "mall-x=error,mall-y=delay:3000"),
            ("PRICE_SOURCE_DEADLINE_MS", "300"),
        ],
    )
    .await
    .expect("app");
    drop(app);
    with_catalog(&faulty).await;
    let t = token(&faulty.signup("degraded@example.com").await);
    // Enough for mall-z's 15,000원 minimum order: 3×2,900 + 7,500 + 1,600.
    let big = json!([
        {"id": "l1", "name": "우유", "quantity": 3},
        {"id": "l2", "name": "달걀", "quantity": 1},
        {"id": "l3", "product_id": "tofu", "name": "두부", "quantity": 1}
    ]);
    let (st, b) = post(
        &faulty,
        "/api/v1/online/plans/generate",
        &t,
        json!({"basket": [{"id": "l1", "name": "우유", "quantity": 1}]}),
    )
    .await;
    assert_eq!(
        (st, b["error"]["code"].as_str()),
        (503, Some("DEPENDENCY_FAILURE")),
        "below every minimum order: {b}"
    );
    assert_eq!(
        b["error"]["fields"]["basket.l1"], "not_covered_by_plan",
        "{b}"
    );
    let started = std::time::Instant::now();
    let (st, b) = post(
        &faulty,
        "/api/v1/online/plans/generate",
        &t,
        json!({"basket": big}),
    )
    .await;
    assert!(
        started.elapsed() < std::time::Duration::from_millis(2500),
        "the deadline bounds the wait"
    );
    assert_eq!(st, 206, "{b}");
    assert_eq!(b["meta"]["degraded"], true);
    let status = |id: &str| {
        b["meta"]["sources"]
            .as_array()
            .expect("s")
            .iter()
            .find(|s| s["id"] == id)
            .map(|s| s["status"].clone())
    };
    assert_eq!(status("mall-x"), Some(json!("error")));
    assert_eq!(status("mall-y"), Some(json!("timeout")));
    assert_eq!(status("mall-z"), Some(json!("ok")));
    for p in b["plans"].as_array().expect("plans") {
        assert_consistent(p, 3);
        for stop in p["stops"].as_array().expect("stops") {
            assert_eq!(
                stop["store"]["id"], "mall-z",
                "only the answering mall is used"
            );
        }
    }
}

async fn select_checks_request_plan_and_redirects(app: TestApp) {
    with_catalog(&app).await;
    let t = token(&app.signup("select@example.com").await);
    let other = token(&app.signup("other@example.com").await);
    let (st, b) = post(
        &app,
        "/api/v1/online/plans/generate",
        &t,
        json!({"basket": basket()}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let req = b["plan_request_id"].as_str().expect("id").to_owned();
    let plan = b["plans"][0]["plan_id"].as_str().expect("plan").to_owned();

    for bad in [
        "http://www.coupang.com/",
        "https://evil.com/",
        "https://www.coupang.com@evil.com/",
        "//evil.com",
        "javascript:alert(1)",
    ] {
        let (st, b) = post(
            &app,
            "/api/v1/online/plans/select",
            &t,
            json!({"plan_request_id": req, "plan_id": plan, "return_url": bad}),
        )
        .await;
        assert_eq!(
            (st, b["error"]["code"].as_str()),
            (400, Some("INVALID_REDIRECT_URL")),
            "{bad}: {b}"
        );
    }
    let (st, b) = post(
        &app,
        "/api/v1/online/plans/select",
        &t,
        json!({"plan_request_id": req, "plan_id": "p999"}),
    )
    .await;
    assert_eq!(
        (st, b["error"]["code"].as_str()),
        (400, Some("INVALID_SELECTION")),
        "{b}"
    );
    let (st, _) = post(
        &app,
        "/api/v1/online/plans/select",
        &other,
        json!({"plan_request_id": req, "plan_id": plan}),
    )
    .await;
    assert_eq!(st, 404, "another user's request is not found");
    let (st, _) = post(
        &app,
        "/api/v1/online/plans/select",
        &t,
        json!({"plan_request_id": "not-a-uuid", "plan_id": plan}),
    )
    .await;
    assert_eq!(st, 404);
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/select",
        &t,
        json!({"plan_request_id": req, "plan_id": plan}),
    )
    .await;
    assert_eq!(
        (st, b["error"]["code"].as_str()),
        (400, Some("INVALID_SELECTION")),
        "online request, offline select: {b}"
    );
}

async fn expired_requests_are_gone(app: TestApp) {
    with_catalog(&app).await;
    let login = app.signup("late@example.com").await;
    let t = token(&login);
    let user_id = login["user"]["id"].as_str().expect("id");
    let svc = app.services().await;
    let id = uuid::Uuid::new_v4();
    let past = chrono::Utc::now() - chrono::Duration::hours(25);
    svc.stores
        .plan_requests
        .save(&ttokjang_domain::planner::StoredPlanRequest {
            id,
            user_id: ttokjang_domain::user::UserId(uuid::Uuid::parse_str(user_id).expect("uuid")),
            mode: ttokjang_domain::planner::PlanMode::Offline,
            payload: "{}".into(),
            created_at: past,
            expires_at: past + chrono::Duration::hours(24),
        })
        .await
        .expect("saved");
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/select",
        &t,
        json!({"plan_request_id": id.to_string(), "plan_id": "p1"}),
    )
    .await;
    assert_eq!(
        (st, b["error"]["code"].as_str()),
        (410, Some("PLAN_EXPIRED")),
        "{b}"
    );
}

async fn select_makes_one_order_and_uses_the_stored_basket(app: TestApp) {
    with_catalog(&app).await;
    let t = token(&app.signup("order@example.com").await);
    // The stored basket is the default when the request names none.
    app.put_basket(
        &t,
        json!([
            {"product_id": "milk", "name": "서울우유 1L", "quantity": 2},
            {"product_id": "eggs", "name": "계란 30구", "quantity": 1}
        ]),
    )
    .await;
    let (st, b) = post(&app, "/api/v1/offline/plans/generate", &t, json!({})).await;
    assert_eq!(st, 200, "{b}");
    let req = b["plan_request_id"].as_str().expect("id").to_owned();
    let plan = &b["plans"][0];
    assert_consistent(plan, 2);
    assert_eq!(plan["goods_krw"], 13_500, "2×2800 + 7900 at mart-a");
    let plan_id = plan["plan_id"].as_str().expect("plan").to_owned();

    // Refused redirects store nothing.
    let (st, _) = post(
        &app,
        "/api/v1/offline/plans/select",
        &t,
        json!({"plan_request_id": req, "plan_id": plan_id, "return_url": "https://evil.example/"}),
    )
    .await;
    assert_eq!(st, 400);
    let (_, orders) = app.get_auth("/api/v1/users/me/orders", &t).await;
    assert_eq!(
        orders["items"].as_array().map(Vec::len),
        Some(0),
        "{orders}"
    );

    let (st, first) = post(
        &app,
        "/api/v1/offline/plans/select",
        &t,
        json!({"plan_request_id": req, "plan_id": plan_id}),
    )
    .await;
    assert_eq!(st, 200, "{first}");
    assert_eq!(first["order"]["total_krw"], plan["total_krw"]);
    assert_eq!(first["order"]["source"], "offline_plan");
    assert_eq!(first["checklist"]["plan_id"], plan_id.as_str());
    // Selecting again is idempotent; concurrent selects too.
    let again = futures_util::future::join_all((0..5).map(|_| {
        post(
            &app,
            "/api/v1/offline/plans/select",
            &t,
            json!({"plan_request_id": req, "plan_id": plan_id}),
        )
    }))
    .await;
    for (st, b) in &again {
        assert_eq!(*st, 200, "{b}");
        assert_eq!(b["order_id"], first["order_id"]);
    }
    let (_, orders) = app.get_auth("/api/v1/users/me/orders", &t).await;
    let items = orders["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{orders}");
    assert_eq!(items[0]["id"], first["order_id"]);
    // Another plan of the same request after one was chosen: a conflict.
    if let Some(other) = b["plans"].as_array().and_then(|p| p.get(1)) {
        let (st, body) = post(
            &app,
            "/api/v1/offline/plans/select",
            &t,
            json!({"plan_request_id": req, "plan_id": other["plan_id"]}),
        )
        .await;
        assert_eq!(st, 409, "{body}");
    }
}

async fn online_select_hands_out_checked_checkout_links(app: TestApp) {
    with_catalog(&app).await;
    let t = token(&app.signup("checkout@example.com").await);
    let (st, b) = post(
        &app,
        "/api/v1/online/plans/generate",
        &t,
        json!({"basket": basket()}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let req = b["plan_request_id"].as_str().expect("id");
    let plan = &b["plans"][0];
    let (st, sel) = post(&app, "/api/v1/online/plans/select", &t, json!({
        "plan_request_id": req, "plan_id": plan["plan_id"], "return_url": "https://www.ssg.com/back?x=1"
    }))
    .await;
    assert_eq!(st, 200, "{sel}");
    assert_eq!(sel["order"]["status"], "checkout_pending");
    let links = sel["checkout"].as_array().expect("links");
    assert_eq!(
        links.len(),
        plan["stops"].as_array().map(Vec::len).unwrap_or(0)
    );
    for l in links {
        let u = l["redirect_url"].as_str().expect("url");
        assert!(
            u.starts_with("https://www.")
                && u.contains("return_url=https%3A%2F%2Fwww.ssg.com%2Fback%3Fx%3D1"),
            "{u}"
        );
    }
}

/// Old clients send `?mode=`; the body may then be empty. Query and body
/// disagreeing, or a mode that is neither, is a 422 naming `mode`.
async fn legacy_route_takes_the_mode_from_the_query(app: TestApp) {
    with_catalog(&app).await;
    let t = token(&app.signup("legacy@example.com").await);
    let (st, b) = post(
        &app,
        "/api/v1/plans/generate?mode=online",
        &t,
        json!({"basket": basket()}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["mode"], "online", "{b}");
    let (st, b) = post(
        &app,
        "/api/v1/plans/generate?mode=offline",
        &t,
        json!({"basket": basket(), "mode": "offline"}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["mode"], "offline", "{b}");
    for (path, body) in [
        (
            "/api/v1/plans/generate?mode=online",
            json!({"basket": basket(), "mode": "offline"}),
        ),
        (
            "/api/v1/plans/generate?mode=teleport",
            json!({"basket": basket()}),
        ),
        ("/api/v1/plans/generate", json!({"basket": basket()})),
    ] {
        let (st, b) = post(&app, path, &t, body).await;
        assert_eq!(
            (st, b["error"]["code"].as_str()),
            (422, Some("VALIDATION_FAILED")),
            "{path}: {b}"
        );
        assert!(b["error"]["fields"]["mode"].is_string(), "{path}: {b}");
    }
    // The query form with no body plans the stored basket.
    app.put_basket(
        &t,
        json!([{"product_id": "milk", "name": "서울우유 1L", "quantity": 1}]),
    )
    .await;
    let (st, b) = split(
        app.call(
            Method::POST,
            "/api/v1/plans/generate?mode=offline",
            Some(&t),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["mode"], "offline", "{b}");
}

/// `GET /plans/{id}` answers the stored answer to its owner only; 404 for
/// other shoppers and unknown or malformed ids; 410 once expired.
async fn a_plan_request_can_be_read_again(app: TestApp) {
    with_catalog(&app).await;
    let login = app.signup("again@example.com").await;
    let t = token(&login);
    let (st, generated) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": basket()}),
    )
    .await;
    assert_eq!(st, 200, "{generated}");
    let id = generated["plan_request_id"].as_str().expect("id");
    let (st, again) = app.get_auth(&format!("/api/v1/plans/{id}"), &t).await;
    assert_eq!(st, 200, "{again}");
    assert_eq!(again, generated, "the same answer as generate sent");

    let other = token(&app.signup("snoop@example.com").await);
    for (who, path) in [
        (other.as_str(), format!("/api/v1/plans/{id}")),
        (
            t.as_str(),
            format!("/api/v1/plans/{}", uuid::Uuid::new_v4()),
        ),
        (t.as_str(), "/api/v1/plans/not-a-uuid".to_owned()),
    ] {
        let (st, b) = app.get_auth(&path, who).await;
        assert_eq!(
            (st, b["error"]["code"].as_str()),
            (404, Some("NOT_FOUND")),
            "{path}: {b}"
        );
    }
    let (st, _) = split(
        app.call(Method::GET, &format!("/api/v1/plans/{id}"), None, None)
            .await,
    )
    .await;
    assert_eq!(st, 401);

    // Expired but not yet pruned: 410.
    let user_id = login["user"]["id"].as_str().expect("id");
    let svc = app.services().await;
    let old = uuid::Uuid::new_v4();
    let past = chrono::Utc::now() - chrono::Duration::hours(25);
    svc.stores
        .plan_requests
        .save(&ttokjang_domain::planner::StoredPlanRequest {
            id: old,
            user_id: ttokjang_domain::user::UserId(uuid::Uuid::parse_str(user_id).expect("uuid")),
            mode: ttokjang_domain::planner::PlanMode::Offline,
            payload: "{}".into(),
            created_at: past,
            expires_at: past + chrono::Duration::hours(24),
        })
        .await
        .expect("saved");
    let (st, b) = app.get_auth(&format!("/api/v1/plans/{old}"), &t).await;
    assert_eq!(
        (st, b["error"]["code"].as_str()),
        (410, Some("PLAN_EXPIRED")),
        "{b}"
    );
}

crate::on_both_backends!(
    best_value_prices_the_shoppers_time,
    a_far_cheap_store_among_many_is_seen,
    select_makes_one_order_and_uses_the_stored_basket,
    legacy_route_takes_the_mode_from_the_query,
    a_plan_request_can_be_read_again,
    online_select_hands_out_checked_checkout_links,
    offline_plan_picks_the_near_marts,
    unknown_items_are_reported_never_priced,
    unsold_lines_get_substitutes_of_the_same_kind,
    bad_baskets_get_clear_errors,
    online_plan_splits_across_malls,
    failing_and_slow_sources_degrade_to_206,
    select_checks_request_plan_and_redirects,
    expired_requests_are_gone,
);

/// More than 60 stores in reach: the farthest, 20 % cheaper on everything,
/// still wins (the engine once saw only the 60 nearest), and the answer says
/// it is exact over all of them.
async fn a_far_cheap_store_among_many_is_seen(app: TestApp) {
    let svc = app.services().await;
    svc.stores
        .catalog
        .upsert_catalog(&ttokjang_tests::catalog_fixture::crowded_batch())
        .await
        .expect("catalog loads");
    let t = token(&app.signup("crowd@example.com").await);
    app.put_preferences(
        &t,
        json!({
            "max_stores": 3, "max_distance_m": 3000, "travel_cost_krw_per_km": 500,
            "preferred_chains": [], "excluded_chains": [], "default_mode": "offline",
            "travel_mode": "car", "max_travel_minutes": 60
        }),
    )
    .await;
    let basket = json!([
        {"id": "l1", "product_id": "milk", "name": "우유", "quantity": 2},
        {"id": "l2", "product_id": "eggs", "name": "계란", "quantity": 2},
        {"id": "l3", "product_id": "tofu", "name": "두부", "quantity": 2}
    ]);
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": basket}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let cheapest = &b["plans"][0];
    assert_consistent(cheapest, 3);
    assert_eq!(cheapest["label"], "cheapest");
    assert_eq!(
        cheapest["stops"][0]["store"]["id"], "mart-far",
        "{cheapest}"
    );
    // 2 × (2 240 + 6 320 + 1 200).
    assert_eq!(cheapest["goods_krw"], 19_520);
    let o = &b["meta"]["optimality"];
    assert_eq!(o["status"], "exact", "{o}");
    assert_eq!(o["gap_pct"], 0.0);
    assert_eq!(o["stores_in_reach"], 71, "{o}");
    // Minutes by car (30 km/h) per leg and for the round trip.
    let d = cheapest["distance_m"].as_i64().expect("d");
    assert_eq!(
        cheapest["travel_minutes"].as_i64(),
        Some((d * 60 + 29_999) / 30_000)
    );
    assert!(cheapest["stops"][0]["minutes"].as_i64().expect("minutes") > 0);
    // Reasons: the best single store is this very plan; the frontier shows
    // that more stops buy nothing here.
    let r = &cheapest["reasons"];
    assert_eq!(r["vs_single_store"]["store_id"], "mart-far", "{r}");
    assert_eq!(r["vs_single_store"]["saved_krw"], 0);
    assert_eq!(r["vs_single_store"]["extra_minutes"], 0);
    let frontier = r["frontier"].as_array().expect("frontier");
    assert_eq!(frontier.len(), 3);
    for (j, f) in frontier.iter().enumerate() {
        assert_eq!(f["stops"].as_u64(), Some(j as u64 + 1));
        assert_eq!(f["total_krw"], cheapest["total_krw"]);
    }
}

/// Two stops save 100원 (`cheapest`), but with the shopper's time valued
/// (10 000 원/hour, 5 minutes per stop, on foot) one stop is the best value.
async fn best_value_prices_the_shoppers_time(app: TestApp) {
    let svc = app.services().await;
    svc.stores
        .catalog
        .upsert_catalog(&ttokjang_tests::catalog_fixture::time_value_batch())
        .await
        .expect("catalog loads");
    let t = token(&app.signup("time-value@example.com").await);
    let prefs = |vot: i64| {
        json!({
            "max_stores": 3, "max_distance_m": 3000, "travel_cost_krw_per_km": 0,
            "travel_mode": "walk", "max_travel_minutes": 60,
            "value_of_time_krw_per_hour": vot, "minutes_per_stop": 5
        })
    };
    let basket = json!([
        {"id": "l1", "product_id": "milk", "name": "우유", "quantity": 1},
        {"id": "l2", "product_id": "eggs", "name": "계란", "quantity": 1}
    ]);
    let res = app
        .call(
            Method::PUT,
            "/api/v1/preferences",
            Some(&t),
            Some(prefs(10_000)),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": basket}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let plans = b["plans"].as_array().expect("plans");
    let cheapest = &plans[0];
    assert_eq!(cheapest["label"], "cheapest", "{b}");
    assert_eq!(
        cheapest["stops"].as_array().map(Vec::len),
        Some(2),
        "{cheapest}"
    );
    assert_eq!(cheapest["goods_krw"], 2_700 + 7_900);
    assert!(!cheapest["labels"]
        .as_array()
        .expect("labels")
        .contains(&json!("best_value")));
    let best: Vec<&Value> = plans
        .iter()
        .filter(|p| {
            p["labels"]
                .as_array()
                .is_some_and(|l| l.contains(&json!("best_value")))
        })
        .collect();
    assert_eq!(best.len(), 1, "{b}");
    let best = best[0];
    assert_consistent(best, 2);
    assert_eq!(best["stops"].as_array().map(Vec::len), Some(1), "{best}");
    assert_eq!(best["stops"][0]["store"]["id"], "tv-a", "{best}");
    assert_eq!(best["total_krw"], 2_800 + 7_900);

    // Time worth nothing: `cheapest` is also the best value, not listed.
    let res = app
        .call(Method::PUT, "/api/v1/preferences", Some(&t), Some(prefs(0)))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": basket}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let listed = b["plans"].as_array().expect("plans").iter().any(|p| {
        p["labels"]
            .as_array()
            .is_some_and(|l| l.contains(&json!("best_value")))
    });
    assert!(!listed, "{b}");
}

/// A line no store of the plan sells gets same-kind products a plan store
/// does sell, cheapest unit price first — on the line, never bought.
async fn unsold_lines_get_substitutes_of_the_same_kind(app: TestApp) {
    use ttokjang_domain::catalog::{
        CatalogBatch, NewProduct, Offer, PriceKrw, Product, ProductId, StoreId, Unit,
    };
    with_catalog(&app).await;
    let at = chrono::DateTime::from_timestamp(1_790_000_000, 0).expect("instant");
    let ramen = |id: &str, name: &str, size: u32| {
        Product::new(NewProduct {
            id: id.into(),
            name: name.into(),
            name_en: None,
            aliases: vec!["라면".into()],
            category: "test".into(),
            unit: Unit::Ea,
            size,
            barcode: None,
        })
        .expect("product")
    };
    let offer = |store: &str, product: &str, krw: i64| Offer {
        store_id: StoreId::parse(store).expect("id"),
        product_id: ProductId::parse(product).expect("id"),
        price: PriceKrw::new(krw).expect("price"),
        observed_at: at,
        in_stock: true,
        discounted: false,
        flagged_outlier: false,
        provenance: ttokjang_domain::catalog::Provenance::of(
            ttokjang_domain::catalog::PriceOrigin::Sample,
        ),
    };
    let svc = app.services().await;
    svc.stores
        .catalog
        .upsert_catalog(&CatalogBatch {
            stores: Vec::new(),
            // The basket names 라면 5입 (sold nowhere); two other ramen packs
            // are sold at mart-a, the store every plan here visits.
            products: vec![
                ramen("cup-ramen", "컵라면 6입", 6),
                ramen("big-ramen", "짜장라면 4입", 4),
            ],
            offers: vec![
                offer("mart-a", "cup-ramen", 4_200),
                offer("mart-a", "big-ramen", 3_600),
            ],
        })
        .await
        .expect("more ramen");
    let t = token(&app.signup("subst@example.com").await);
    let body = json!({"basket": [
        {"id": "l1", "name": "우유", "quantity": 1},
        {"id": "l2", "product_id": "ramen", "name": "라면", "quantity": 1},
        {"id": "l3", "name": "존재하지않는상품", "quantity": 1}
    ]});
    let (st, b) = post(&app, "/api/v1/offline/plans/generate", &t, body).await;
    assert_eq!(st, 200, "{b}");
    let plan = b["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .find(|p| {
            p["stops"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["store"]["id"] == "mart-a"))
        })
        .expect("a plan visits mart-a");
    assert_consistent(plan, 3);
    let missing = plan["missing_items"].as_array().expect("missing");
    let l2 = missing
        .iter()
        .find(|m| m["basket_item_id"] == "l2")
        .expect("l2 missing");
    assert_eq!(l2["reason"], "not_sold", "{l2}");
    let subs = l2["substitutes"].as_array().expect("substitutes");
    let ids: Vec<&str> = subs
        .iter()
        .map(|s| s["product"]["id"].as_str().expect("id"))
        .collect();
    // 700원 a piece (4,200 / 6) before 900원 (3,600 / 4).
    assert_eq!(ids, ["cup-ramen", "big-ramen"], "{l2}");
    assert_eq!(subs[0]["store_id"], "mart-a");
    assert_eq!(subs[0]["price_krw"], 4_200);
    assert_eq!(
        subs[0]["unit_price"],
        json!({"per": "1개", "centi_krw": 70_000})
    );
    // Never swapped in: no plan buys a substitute.
    let text = b.to_string();
    assert!(
        plan["stops"]
            .as_array()
            .expect("stops")
            .iter()
            .all(|s| s["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|i| i["product"]["id"] != "cup-ramen" && i["product"]["id"] != "big-ramen")),
        "{text}"
    );
    // The unknown line gets none; bought lines carry their unit price.
    let l3 = missing
        .iter()
        .find(|m| m["basket_item_id"] == "l3")
        .expect("l3");
    assert!(l3.get("substitutes").is_none(), "{l3}");
    let milk = &plan["stops"][0]["items"][0];
    assert_eq!(milk["unit_price"]["per"], "100ml", "{milk}");
}
