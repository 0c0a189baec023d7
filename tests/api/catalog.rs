//! The Catalog section of the contract, end to end, over the sample catalog.

use reqwest::Method;
use serde_json::Value;
use ttokjang_tests::http::{split, TestApp};

async fn token(app: &TestApp) -> String {
    let login = app.signup("shopper@example.com").await;
    login["access_token"]
        .as_str()
        .expect("access token")
        .to_owned()
}

fn items(body: &Value) -> &Vec<Value> {
    body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items missing in {body}"))
}

fn names(body: &Value) -> Vec<String> {
    items(body)
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn products_are_found_by_korean_alias_english_and_typo(app: TestApp) {
    let t = token(&app).await;
    let (st, b) = app
        .get_auth("/api/v1/catalog/products?q=%EC%9A%B0%EC%9C%A0", &t)
        .await;
    assert_eq!(st, 200, "{b}");
    let first = &items(&b)[0];
    assert_eq!(first["name"], "서울우유 1L", "{b}");
    assert_eq!(first["unit"], "ML");
    assert_eq!(first["size"], 1000);
    assert_eq!(first["category"], "dairy");
    assert_eq!(first["name_en"], "Seoul Milk 1L");
    assert!(first["aliases"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x == "milk")));
    assert!(first["id"].is_string());

    let (st, b) = app.get_auth("/api/v1/catalog/products?q=달걀", &t).await;
    assert_eq!(st, 200, "{b}");
    assert!(names(&b).contains(&"계란 30구".to_owned()), "{b}");

    let (st, b) = app.get_auth("/api/v1/catalog/products?q=한 판", &t).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(names(&b)[0], "계란 30구", "{b}");

    let (st, b) = app.get_auth("/api/v1/catalog/products?q=mlik", &t).await;
    assert_eq!(st, 200, "{b}");
    let found = items(&b);
    assert!(!found.is_empty(), "a transposition is forgiven");
    assert!(found.iter().all(|p| {
        let en = p["name_en"].as_str().unwrap_or_default().to_lowercase();
        en.contains("milk") || p["aliases"].to_string().contains("milk")
    }));

    let (st, b) = app.get_auth("/api/v1/catalog/products?q=Eggs", &t).await;
    assert_eq!(st, 200, "{b}");
    assert!(names(&b).contains(&"계란 30구".to_owned()), "{b}");
}

async fn product_pages_follow_the_cursor(app: TestApp) {
    let t = token(&app).await;
    let (st, first) = app
        .get_auth("/api/v1/catalog/products?q=우유&limit=2", &t)
        .await;
    assert_eq!(st, 200, "{first}");
    assert_eq!(items(&first).len(), 2);
    let cursor = first["next_cursor"].as_str().expect("more pages");
    let (st, second) = app
        .get_auth(
            &format!("/api/v1/catalog/products?q=우유&limit=2&cursor={cursor}"),
            &t,
        )
        .await;
    assert_eq!(st, 200, "{second}");
    assert_eq!(items(&second).len(), 2);
    for n in names(&second) {
        assert!(!names(&first).contains(&n), "pages do not overlap");
    }
    let (st, all) = app
        .get_auth("/api/v1/catalog/products?q=우유&limit=100", &t)
        .await;
    assert_eq!(st, 200);
    assert_eq!(
        names(&all)[..4],
        [names(&first), names(&second)].concat()[..]
    );
    assert!(all["next_cursor"].is_null());
}

async fn stores_near_gangnam_are_sorted_by_distance(app: TestApp) {
    let t = token(&app).await;
    let (st, b) = app
        .get_auth(
            "/api/v1/catalog/stores?lat=37.4985&lng=127.0292&radius_m=1000&limit=100",
            &t,
        )
        .await;
    assert_eq!(st, 200, "{b}");
    let found = items(&b);
    assert!(found.len() >= 5, "{b}");
    let distances: Vec<i64> = found
        .iter()
        .map(|s| s["distance_m"].as_i64().expect("distance_m"))
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert!(distances.iter().all(|d| *d <= 1000));
    let s = &found[0];
    assert_eq!(s["kind"], "offline");
    assert!(s["location"]["lat"].is_f64() && s["location"]["lng"].is_f64());
    assert!(s["address"].is_string() && s["chain"].is_string() && s["format"].is_string());
    assert!(s.get("checkout_url").is_none());

    let (st, wide) = app
        .get_auth("/api/v1/catalog/stores?radius_m=3000&limit=100", &t)
        .await;
    assert_eq!(st, 200, "{wide}");
    assert!(items(&wide).len() >= 25, "the default point is 강남역");
    let formats: Vec<&str> = items(&wide)
        .iter()
        .filter_map(|s| s["format"].as_str())
        .collect();
    for f in [
        "large_mart",
        "supermarket",
        "convenience",
        "traditional_market",
    ] {
        assert!(formats.contains(&f), "{f}");
    }
}

async fn online_malls_list_their_terms(app: TestApp) {
    let t = token(&app).await;
    let (st, b) = app.get_auth("/api/v1/catalog/stores?kind=online", &t).await;
    assert_eq!(st, 200, "{b}");
    let malls = items(&b);
    assert!(malls.len() >= 5, "{b}");
    for m in malls {
        assert_eq!(m["kind"], "online");
        assert_eq!(m["format"], "online_mall");
        assert!(m["checkout_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://")));
        assert!(m["delivery_fee_krw"].is_i64() && m["min_order_krw"].is_i64());
        assert!(m.get("free_delivery_threshold_krw").is_some());
        assert!(m.get("distance_m").is_none() && m["location"].is_null());
    }
    let (st, b) = app
        .get_auth("/api/v1/catalog/stores?kind=online&limit=2", &t)
        .await;
    assert_eq!(st, 200);
    assert_eq!(items(&b).len(), 2);
    assert!(b["next_cursor"].is_string());
}

async fn bad_parameters_are_422_with_fields(app: TestApp) {
    let t = token(&app).await;
    let long = "가".repeat(101);
    let cases: Vec<(String, &str)> = vec![
        ("/api/v1/catalog/products".into(), "q"),
        ("/api/v1/catalog/products?q=".into(), "q"),
        ("/api/v1/catalog/products?q=%20%20".into(), "q"),
        (format!("/api/v1/catalog/products?q={long}"), "q"),
        ("/api/v1/catalog/products?q=milk&limit=0".into(), "limit"),
        ("/api/v1/catalog/products?q=milk&limit=101".into(), "limit"),
        ("/api/v1/catalog/products?q=milk&limit=abc".into(), "limit"),
        (
            "/api/v1/catalog/products?q=milk&cursor=xyz".into(),
            "cursor",
        ),
        ("/api/v1/catalog/stores?lat=91&lng=127".into(), "lat"),
        ("/api/v1/catalog/stores?lat=37&lng=181".into(), "lng"),
        ("/api/v1/catalog/stores?lat=abc&lng=127".into(), "lat"),
        ("/api/v1/catalog/stores?lat=NaN&lng=127".into(), "lat"),
        ("/api/v1/catalog/stores?lat=37.5".into(), "lng"),
        ("/api/v1/catalog/stores?radius_m=0".into(), "radius_m"),
        ("/api/v1/catalog/stores?radius_m=50001".into(), "radius_m"),
        ("/api/v1/catalog/stores?radius_m=inf".into(), "radius_m"),
        ("/api/v1/catalog/stores?kind=boat".into(), "kind"),
        ("/api/v1/catalog/stores?limit=-1".into(), "limit"),
        ("/api/v1/catalog/stores?cursor=c1.zz".into(), "cursor"),
    ];
    for (path, field) in cases {
        let (st, b) = app.get_auth(&path, &t).await;
        assert_eq!(st, 422, "{path}: {b}");
        assert_eq!(b["error"]["code"], "VALIDATION_FAILED", "{path}");
        assert!(b["error"]["fields"][field].is_string(), "{path}: {b}");
        assert!(b["error"]["request_id"].is_string());
    }
}

async fn the_catalog_needs_a_token(app: TestApp) {
    for path in [
        "/api/v1/catalog/products?q=milk",
        "/api/v1/catalog/stores?kind=online",
    ] {
        let (st, b) = split(app.call(Method::GET, path, None, None).await).await;
        assert_eq!(st, 401, "{path}: {b}");
        assert_eq!(b["error"]["code"], "UNAUTHENTICATED");
        let (st, _) = app.get_auth(path, "not-a-token").await;
        assert_eq!(st, 401);
    }
    let t = token(&app).await;
    let (st, b) = split(
        app.call(
            Method::POST,
            "/api/v1/catalog/products?q=milk",
            Some(&t),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(st, 405, "{b}");
}

/// Search results carry the lowest price near the shopper, the number of
/// nearby stores with it in stock and the unit price on the legal basis; a
/// shopper whose saved location has no store near gets none.
async fn products_carry_nearby_prices_and_unit_prices(app: TestApp) {
    let t = token(&app).await;
    let (st, b) = app.get_auth("/api/v1/catalog/products?q=우유", &t).await;
    assert_eq!(st, 200, "{b}");
    let milk = &items(&b)[0];
    assert_eq!(milk["name"], "서울우유 1L", "{b}");
    let low = milk["lowest_price_krw"]
        .as_i64()
        .expect("a price near 강남역");
    assert!(low > 0, "{milk}");
    let stores = milk["store_count"].as_u64().expect("store count");
    assert!(stores >= 2, "several stores near 강남역 sell milk: {milk}");
    assert_eq!(milk["unit_price"]["basis"], "100ml", "{milk}");
    // 1,000 ml: per 100 ml is a tenth, rounded half up
    assert_eq!(
        milk["unit_price"]["krw"].as_i64(),
        Some((low + 5) / 10),
        "{milk}"
    );

    let (st, b) = app
        .get_auth("/api/v1/catalog/products?q=계란 30구", &t)
        .await;
    assert_eq!(st, 200, "{b}");
    let eggs = &items(&b)[0];
    assert_eq!(eggs["unit_price"]["basis"], "1ea", "{eggs}");
    let egg_low = eggs["lowest_price_krw"].as_i64().expect("egg price");
    // per piece of 30, in hundredths of a won (half up), then to the won (half up)
    let centi = (2 * egg_low * 100 + 30) / 60;
    assert_eq!(
        eggs["unit_price"]["krw"].as_i64(),
        Some((centi + 50) / 100),
        "{eggs}"
    );

    // the same products by id, in the order asked, with the same prices
    let ids = format!(
        "{},{}",
        eggs["id"].as_str().expect("id"),
        milk["id"].as_str().expect("id")
    );
    let (st, b) = app
        .get_auth(&format!("/api/v1/catalog/products?ids={ids}"), &t)
        .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(names(&b), ["계란 30구", "서울우유 1L"], "{b}");
    assert_eq!(items(&b)[1]["lowest_price_krw"].as_i64(), Some(low));
    assert_eq!(items(&b)[1]["store_count"].as_u64(), Some(stores));
    assert!(b["next_cursor"].is_null());

    // ids and q together, malformed or too many ids: 422 naming the field
    for (query, field) in [
        (format!("ids={ids}&q=우유"), "q"),
        ("ids=a b".to_owned(), "ids"),
        ("ids=,,".to_owned(), "ids"),
        (
            format!(
                "ids={}",
                (0..101)
                    .map(|i| format!("p{i}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            "ids",
        ),
    ] {
        let (st, b) = app
            .get_auth(&format!("/api/v1/catalog/products?{query}"), &t)
            .await;
        assert_eq!(st, 422, "{query}: {b}");
        assert!(b["error"]["fields"][field].is_string(), "{query}: {b}");
    }

    // far from every sample store (the East Sea): no nearby price at all
    let (st, b) = split(
        app.call(
            Method::PUT,
            "/api/v1/users/me/profile",
            Some(&t),
            Some(
                serde_json::json!({"display_name": "바다", "phone": null, "address": null,
                "location": {"lat": 37.9, "lng": 130.5}}),
            ),
        )
        .await,
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let (st, b) = app.get_auth("/api/v1/catalog/products?q=우유", &t).await;
    assert_eq!(st, 200, "{b}");
    let milk = &items(&b)[0];
    assert!(milk["lowest_price_krw"].is_null(), "{milk}");
    assert_eq!(milk["store_count"], 0, "{milk}");
    assert!(milk["unit_price"].is_null(), "{milk}");
}

crate::on_both_backends!(
    env [("SAMPLE_DATA", "true")];
    products_are_found_by_korean_alias_english_and_typo,
    products_carry_nearby_prices_and_unit_prices,
    product_pages_follow_the_cursor,
    stores_near_gangnam_are_sorted_by_distance,
    online_malls_list_their_terms,
    bad_parameters_are_422_with_fields,
    the_catalog_needs_a_token,
);
