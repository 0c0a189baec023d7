//! Issue 15: every plan line says where and when its price was seen (sample
//! data marked as such, stale past `PRICE_STALE_AFTER_DAYS`), the answer
//! sums it up in `meta.prices`, and a product's price history is served for
//! a chart with "went up" and "lowest in N days".

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};
use ttokjang_domain::catalog::{
    CatalogBatch, Offer, PriceKrw, PriceOrigin, ProductId, Provenance, StoreId,
};
use ttokjang_tests::http::{access_token, TestApp};

fn lines_of(answer: &Value) -> Vec<&Value> {
    answer["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .flat_map(|p| p["stops"].as_array().expect("stops"))
        .flat_map(|s| s["items"].as_array().expect("items"))
        .collect()
}

async fn first_id(app: &TestApp, t: &str, q: &str) -> String {
    let (st, b) = app
        .get_auth(&format!("/api/v1/catalog/products?q={q}"), t)
        .await;
    assert_eq!(st, 200, "{b}");
    b["items"][0]["id"].as_str().expect("id").to_owned()
}

async fn sample_lines_say_sample_with_their_day_and_staleness(app: TestApp) {
    let t = access_token(&app.signup("prices@example.com").await);
    let basket = json!([
        {"id": "l1", "name": "우유", "quantity": 1},
        {"id": "l2", "name": "달걀", "quantity": 1},
        {"id": "l3", "name": "두부", "quantity": 2}
    ]);
    for mode in ["offline", "online"] {
        let (st, b) = app
            .send(
                Method::POST,
                &format!("/api/v1/{mode}/plans/generate"),
                &t,
                Some(json!({"basket": basket})),
            )
            .await;
        assert_eq!(st, 200, "{mode}: {b}");
        let lines = lines_of(&b);
        assert!(!lines.is_empty(), "{b}");
        let now = Utc::now();
        for line in &lines {
            let p = &line["price"];
            assert_eq!(p["source"], "sample", "{mode}: {line}");
            assert_eq!(p["sample"], true);
            assert_eq!(p["live"], false);
            // The sample catalog was "observed" on 2026-11-23 (Seoul).
            assert_eq!(p["day"], "2026-11-23", "{line}");
            let observed = chrono::DateTime::parse_from_rfc3339(
                p["observed_at"].as_str().expect("observed_at"),
            )
            .expect("time")
            .with_timezone(&Utc);
            assert_eq!(p["age_days"].as_i64(), Some((now - observed).num_days()));
            assert_eq!(p["stale"], now - observed > Duration::days(7), "{line}");
        }
        let meta = &b["meta"]["prices"];
        assert_eq!(meta["sample"], true, "{mode}: {meta}");
        assert_eq!(meta["stale_after_days"], 7);
        assert_eq!(meta["oldest"], "2026-11-23");
        assert_eq!(meta["live"], 0);
        assert_eq!(meta["priced"], meta["sample_count"]);
        assert!(meta["priced"].as_u64().is_some_and(|n| n >= 3), "{meta}");
        // Stored with the request: reading it back shows the same.
        let id = b["plan_request_id"].as_str().expect("id");
        let (st, stored) = app.get_auth(&format!("/api/v1/plans/{id}"), &t).await;
        assert_eq!(st, 200, "{stored}");
        assert_eq!(stored["meta"]["prices"], *meta);
    }
}

async fn history_series_flags_and_errors(app: TestApp) {
    let t = access_token(&app.signup("history@example.com").await);
    let milk = first_id(&app, &t, "우유").await;
    let (st, near) = app.get_auth("/api/v1/catalog/stores?limit=1", &t).await;
    assert_eq!(st, 200, "{near}");
    let store = near["items"][0]["id"].as_str().expect("store").to_owned();

    // Before: only the sample observation, and too old for 3 days.
    let (st, b) = app
        .get_auth(
            &format!("/api/v1/catalog/products/{milk}/prices?days=3"),
            &t,
        )
        .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["days"], 3);
    assert_eq!(b["product_id"], milk.as_str());
    let series = b["stores"].as_array().expect("stores");
    assert!(
        series
            .iter()
            .all(|s| s["points"].as_array().is_some_and(Vec::is_empty)),
        "{b}"
    );

    // Two 참가격 surveys of that store: 2 and 1 days ago, the later cheaper.
    let svc = app.services().await;
    let survey = |krw: i64, days: i64, previous: Option<i64>| Offer {
        store_id: StoreId::parse(&store).expect("store"),
        product_id: ProductId::parse(&milk).expect("product"),
        price: PriceKrw::new(krw).expect("price"),
        observed_at: Utc::now() - Duration::days(days),
        in_stock: true,
        discounted: false,
        flagged_outlier: false,
        provenance: Provenance {
            fetched_at: Some(Utc::now()),
            plus_one: true,
            previous_price: previous.map(|p| PriceKrw::new(p).expect("p")),
            ..Provenance::of(PriceOrigin::Chamgagyeok)
        },
    };
    for offer in [survey(2_400, 2, None), survey(2_300, 1, None)] {
        svc.stores
            .catalog
            .upsert_catalog(&CatalogBatch {
                offers: vec![offer],
                ..CatalogBatch::default()
            })
            .await
            .expect("survey");
    }
    let (st, b) = app
        .get_auth(
            &format!("/api/v1/catalog/products/{milk}/prices?days=30"),
            &t,
        )
        .await;
    assert_eq!(st, 200, "{b}");
    let mine = b["stores"]
        .as_array()
        .expect("stores")
        .iter()
        .find(|s| s["store_id"] == store.as_str())
        .expect("the store's series")
        .clone();
    let prices: Vec<i64> = mine["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| p["price_krw"].as_i64().expect("krw"))
        .collect();
    assert_eq!(&prices[prices.len() - 2..], [2_400, 2_300], "{mine}");
    let current = &mine["current"];
    assert_eq!(current["price_krw"], 2_300, "{mine}");
    assert_eq!(current["source"], "chamgagyeok");
    assert_eq!(current["previous_price_krw"], 2_400);
    assert_eq!(current["went_up"], false);
    assert_eq!(current["lowest_in_days"], 30);
    assert_eq!(current["plus_one"], true);
    assert_eq!(current["stale"], false);
    assert!(b["chains"].as_array().is_some_and(|c| !c.is_empty()), "{b}");

    // A plan line at that store now says so too.
    let (st, plan) = app
        .send(
            Method::POST,
            "/api/v1/offline/plans/generate",
            &t,
            Some(
                json!({"basket": [{"id": "m", "product_id": milk, "name": "우유", "quantity": 1}]}),
            ),
        )
        .await;
    assert_eq!(st, 200, "{plan}");
    let line = lines_of(&plan)
        .into_iter()
        .find(|l| l["price"]["source"] == "chamgagyeok")
        .cloned();
    if let Some(line) = line {
        assert_eq!(line["price"]["lowest_in_days"], 30, "{line}");
        assert_eq!(line["unit_price_krw"], 2_300);
    }
    let meta = &plan["meta"]["prices"];
    assert_eq!(
        meta["sample"],
        meta["sample_count"].as_u64().is_some_and(|n| n > 0),
        "{meta}"
    );

    // Bad days are 400 naming the field; unknown products 404.
    for bad in ["0", "366", "abc", "-1", "2.5", ""] {
        let (st, b) = app
            .get_auth(
                &format!("/api/v1/catalog/products/{milk}/prices?days={bad}"),
                &t,
            )
            .await;
        assert_eq!(st, 400, "days={bad}: {b}");
        assert_eq!(b["error"]["code"], "VALIDATION_FAILED", "{b}");
        assert!(b["error"]["fields"]["days"].is_string(), "{b}");
    }
    for unknown in ["no-such-product", "%EC%9A%B0%EC%9C%A0"] {
        let (st, b) = app
            .get_auth(&format!("/api/v1/catalog/products/{unknown}/prices"), &t)
            .await;
        assert_eq!(st, 404, "{unknown}: {b}");
        assert_eq!(b["error"]["code"], "NOT_FOUND");
    }
    let st = app
        .call(
            Method::GET,
            &format!("/api/v1/catalog/products/{milk}/prices"),
            None,
            None,
        )
        .await
        .status()
        .as_u16();
    assert_eq!(st, 401);
}

crate::on_both_backends!(
    // No catalog cache: the history test writes surveys behind the server's back.
    env [("SAMPLE_DATA", "true"), ("CATALOG_CACHE_TTL_S", "0")];
    sample_lines_say_sample_with_their_day_and_staleness,
    history_series_flags_and_errors,
);
