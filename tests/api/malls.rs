//! Issue 17: malls' delivery terms as operator configuration (read by the
//! running server on every plan), regional surcharges from the profile's
//! address, and offline against online.

use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_domain::catalog::StoreId;
use ttokjang_domain::mall::{DeliveryTerms, TermsSource};
use ttokjang_tests::http::{access_token as token, with_catalog, TestApp};

fn milk(quantity: u32) -> Value {
    json!({"basket": [{"id": "l1", "product_id": "milk", "name": "서울우유 1L", "quantity": quantity}]})
}

fn terms(mall: &str, fee: i64, free_over: Option<i64>, jeju: i64) -> DeliveryTerms {
    DeliveryTerms {
        mall_id: StoreId::parse(mall).expect("id"),
        delivery_fee_krw: fee,
        free_delivery_threshold_krw: free_over,
        min_order_krw: 0,
        jeju_surcharge_krw: jeju,
        island_surcharge_krw: 9_000,
        same_day_cutoff: None,
        dawn_cutoff: ttokjang_domain::mall::parse_cutoff("dawn", "23:00").expect("time"),
        source: TermsSource::Operator,
        as_of: chrono::Utc::now(),
    }
}

async fn cheapest(app: &TestApp, t: &str) -> Value {
    let (st, b) = app
        .post_auth("/api/v1/online/plans/generate", t, milk(2))
        .await;
    assert_eq!(st, 200, "{b}");
    b
}

async fn terms_are_read_live_and_the_region_adds_its_surcharge(app: TestApp) {
    with_catalog(&app).await;
    let t = token(&app.signup("jeju@example.com").await);
    // The catalog's terms: mall-y 2 × 2,500 + 2,500 fee = 7,500 beats
    // mall-x 2 × 2,700 + 3,000 = 8,400.
    let b = cheapest(&app, &t).await;
    let best = &b["plans"][0];
    assert_eq!(best["stops"][0]["store"]["id"], "mall-y", "{b}");
    assert_eq!(best["total_krw"], 7_500);
    assert_eq!(best["surcharge_krw"], 0);
    assert_eq!(b["meta"]["region"], "mainland");
    // No configured terms for the fixture's malls: their catalog rows'.
    assert_eq!(best["stops"][0]["terms"]["source"], "catalog", "{b}");
    assert!(best["stops"][0]["terms"]["as_of"].is_null());

    // The operator changes mall-x's terms while the server runs.
    let svc = app.services().await;
    svc.stores
        .mall_terms
        .save_terms(&terms("mall-x", 1_000, None, 500))
        .await
        .expect("saved");
    svc.stores
        .mall_terms
        .save_terms(&terms("mall-y", 2_500, None, 4_000))
        .await
        .expect("saved");
    let b = cheapest(&app, &t).await;
    let best = &b["plans"][0];
    assert_eq!(best["stops"][0]["store"]["id"], "mall-x", "{b}");
    assert_eq!(
        (
            best["goods_krw"].as_i64(),
            best["delivery_krw"].as_i64(),
            best["total_krw"].as_i64()
        ),
        (Some(5_400), Some(1_000), Some(6_400))
    );
    let shown = &best["stops"][0]["terms"];
    assert_eq!(shown["delivery_fee_krw"], 1_000, "{b}");
    assert_eq!(shown["source"], "operator");
    assert_eq!(shown["dawn_cutoff"], "23:00");
    assert!(shown["free_delivery_threshold_krw"].is_null());

    // A shopper in Jeju pays each used mall's surcharge.
    let (st, p) = app
        .send(
            Method::PUT,
            "/api/v1/users/me/profile",
            &t,
            Some(
                json!({"display_name": "제주 사람", "address": "제주특별자치도 제주시 첨단로 242"}),
            ),
        )
        .await;
    assert_eq!(st, 200, "{p}");
    let b = cheapest(&app, &t).await;
    assert_eq!(b["meta"]["region"], "jeju", "{b}");
    let best = &b["plans"][0];
    assert_eq!(best["stops"][0]["store"]["id"], "mall-x", "{b}");
    assert_eq!(
        (
            best["goods_krw"].as_i64(),
            best["delivery_krw"].as_i64(),
            best["surcharge_krw"].as_i64(),
            best["total_krw"].as_i64()
        ),
        (Some(5_400), Some(1_000), Some(500), Some(6_900))
    );
    assert_eq!(best["stops"][0]["surcharge_krw"], 500);
    // The sample malls have no product pages: no listing, never a fake one.
    assert!(best["stops"][0]["items"][0].get("listing").is_none(), "{b}");

    // An island address (by postal code) with mall-x's 9,000 surcharge:
    // mall-y's 9,000 too, so 2,500 + 5,000 + 9,000 = 16,500 against 15,400.
    let (st, _) = app
        .send(
            Method::PUT,
            "/api/v1/users/me/profile",
            &t,
            Some(json!({"display_name": "울릉 사람", "address": "40225 경북 울릉군 울릉읍"})),
        )
        .await;
    assert_eq!(st, 200);
    let b = cheapest(&app, &t).await;
    assert_eq!(b["meta"]["region"], "island", "{b}");
    assert_eq!(b["plans"][0]["total_krw"], 15_400, "{b}");

    // Selecting it records the surcharge in the order's fees.
    let (st, sel) = app
        .post_auth(
            "/api/v1/online/plans/select",
            &t,
            json!({"plan_request_id": b["plan_request_id"], "plan_id": "p1"}),
        )
        .await;
    assert_eq!(st, 200, "{sel}");
    assert_eq!(sel["order"]["total_krw"], 15_400, "{sel}");
    assert_eq!(
        sel["product_links"],
        json!([]),
        "no product pages for sample malls"
    );
}

async fn offline_against_online_says_which_is_cheaper(app: TestApp) {
    with_catalog(&app).await;
    let t = token(&app.signup("compare@example.com").await);
    let body = json!({"basket": [
        {"id": "l1", "product_id": "milk", "name": "서울우유 1L", "quantity": 2},
        {"id": "l2", "product_id": "eggs", "name": "계란", "quantity": 1}
    ]});
    let (st, c) = app.post_auth("/api/v1/plans/compare", &t, body).await;
    assert_eq!(st, 200, "{c}");
    // Each side is a stored plan request whose cheapest plan it summarises.
    for mode in ["offline", "online"] {
        let side = &c[mode];
        let id = side["plan_request_id"].as_str().expect("id");
        let (st, stored) = app
            .send(Method::GET, &format!("/api/v1/plans/{id}"), &t, None)
            .await;
        assert_eq!(st, 200);
        assert_eq!(stored["mode"], mode);
        assert_eq!(stored["plans"][0]["total_krw"], side["total_krw"], "{c}");
        assert_eq!(
            stored["plans"][0]["missing_items"].as_array().map(Vec::len),
            side["missing_items"].as_u64().map(|n| n as usize)
        );
    }
    let off = c["offline"]["total_krw"].as_i64().expect("offline");
    let on = c["online"]["total_krw"].as_i64().expect("online");
    assert_eq!(c["comparable"], true, "{c}");
    let expected = match off.cmp(&on) {
        std::cmp::Ordering::Less => json!("offline"),
        std::cmp::Ordering::Greater => json!("online"),
        std::cmp::Ordering::Equal => Value::Null,
    };
    assert_eq!(c["cheaper"], expected, "{c}");
    assert_eq!(c["difference_krw"].as_i64(), Some((off - on).abs()));

    // Bad requests are the generate routes' errors.
    let (st, e) = app
        .post_auth("/api/v1/plans/compare", &t, json!({"mode": "online"}))
        .await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (422, Some("VALIDATION_FAILED")),
        "{e}"
    );
    let (st, e) = app.post_auth("/api/v1/plans/compare", &t, json!({})).await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (400, Some("EMPTY_BASKET")),
        "{e}"
    );
    let (st, e) = app
        .post_auth(
            "/api/v1/plans/compare",
            &t,
            json!({"basket": [{"id": "l1", "name": "없는상품이름", "quantity": 1}]}),
        )
        .await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (422, Some("NO_PLAN_POSSIBLE")),
        "{e}"
    );
}

crate::on_both_backends!(
    terms_are_read_live_and_the_region_adds_its_surcharge,
    offline_against_online_says_which_is_cheaper,
);
