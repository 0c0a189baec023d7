//! The 참가격 and KAMIS adapters against a local fake server serving
//! fixtures written from the documented fields (`tests/fixtures/`): every
//! operation and every failure, and bad rows skipped.

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use chrono::NaiveDate;
use ttokjang::pricefeeds::chamgagyeok::Chamgagyeok;
use ttokjang::pricefeeds::kamis::Kamis;
use ttokjang::pricefeeds::{mask, FeedConfig};
use ttokjang_domain::catalog::Unit;
use ttokjang_domain::pricesync::feed::{FeedError, StandardClass};
use ttokjang_domain::pricesync::ports::{ChamgagyeokFeed, KamisFeed};

const KEY: &str = "test-service-key-0123456789%2B%2F==";

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub(crate) use ttokjang_tests::feed_fake::{fake, Fake, Rule};

pub(crate) fn config(base: &str) -> FeedConfig {
    FeedConfig {
        base_url: format!("{base}/B551919/ProductPriceInfoService"),
        key: KEY.into(),
        op_suffix: String::new(),
        timeout: Duration::from_millis(700),
        cert_id: "ttokjang".into(),
    }
}

/// 참가격 as documented: every operation answers its fixture.
fn chamgagyeok_rule() -> Rule {
    Arc::new(|path, q| {
        let op = path.rsplit('/').next().unwrap_or("");
        let body = match op {
            "getStoreInfoSvc" => fixture("chamgagyeok/stores.xml"),
            "getProductInfoSvc" => fixture("chamgagyeok/products.xml"),
            "getStandardInfoSvc" => fixture("chamgagyeok/standard-UT.xml"),
            "getProductPriceInfoSvc" => {
                let day = q.get("goodInspectDay").map(String::as_str);
                match (day, q.get("entpId").map(String::as_str)) {
                    (Some("20261121"), _) => fixture("chamgagyeok/bad-date.xml"),
                    (Some("20261120"), Some("100")) => fixture("chamgagyeok/prices-100.xml"),
                    (Some("20261120"), Some("999")) => fixture("chamgagyeok/unknown-id.xml"),
                    _ => fixture("chamgagyeok/empty-day.xml"),
                }
            }
            _ => return (404, String::new(), 0),
        };
        (200, body, 0)
    })
}

fn nov(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("day")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chamgagyeok_operations_read_every_documented_field() {
    let f = fake(chamgagyeok_rule()).await;
    let feed = Chamgagyeok::new(config(&f.url)).expect("client");

    let stores = feed.stores().await.expect("stores");
    assert_eq!(stores.rows.len(), 2);
    assert_eq!(stores.bad.len(), 1, "the store without a coordinate");
    assert!(stores.bad[0].reason.contains("xMapCoord"));
    let s = &stores.rows[0];
    // xMapCoord is the latitude, yMapCoord the longitude.
    assert_eq!((s.lat, s.lng), (37.4996, 127.0478));
    assert_eq!(s.address, "서울특별시 강남구 역삼로 310 지하 1층");
    assert_eq!(s.type_code, "LM");
    assert_eq!(stores.rows[1].address, "서울특별시 강남구 역삼동 111");

    let products = feed.products().await.expect("products");
    assert_eq!(products.rows.len(), 3);
    assert_eq!(products.bad.len(), 1);
    let rice = &products.rows[1];
    let pack = rice.pack.expect("pack");
    assert_eq!((pack.unit, pack.quantity), (Unit::G, 630));
    let basis = rice.basis.expect("basis");
    assert_eq!((basis.unit, basis.quantity), (Unit::G, 100));
    assert_eq!(products.rows[2].pack.map(|p| p.unit), Some(Unit::Ea));

    let prices = feed.store_prices(nov(20), "100").await.expect("prices");
    assert_eq!(prices.rows.len(), 2);
    let reasons: Vec<&str> = prices.bad.iter().map(|b| b.reason.as_str()).collect();
    assert_eq!(prices.bad.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains("goodPrice"));
    assert!(reasons[1].contains("goodDcYn"));
    let rice = &prices.rows[1];
    assert_eq!(rice.price_krw, 4_980);
    assert!(rice.discounted && rice.plus_one);
    assert_eq!(rice.discount_period, Some((nov(15), nov(30))));

    let units = feed.standard(StandardClass::Units).await.expect("standard");
    assert_eq!(units.rows.len(), 2);
    assert_eq!(units.bad.len(), 1);

    // The key went as serviceKey, the day and store as documented.
    let seen = f
        .seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let price_call = seen
        .iter()
        .find(|(p, _)| p.ends_with("getProductPriceInfoSvc"))
        .expect("price call");
    assert_eq!(
        price_call.1.get("serviceKey").map(String::as_str),
        Some(KEY)
    );
    assert_eq!(
        price_call.1.get("goodInspectDay").map(String::as_str),
        Some("20261120")
    );
    assert_eq!(price_call.1.get("entpId").map(String::as_str), Some("100"));
    let std_call = seen
        .iter()
        .find(|(p, _)| p.ends_with("getStandardInfoSvc"))
        .expect("standard call");
    assert_eq!(std_call.1.get("classCode").map(String::as_str), Some("UT"));
    f.handle.stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chamgagyeok_outcomes_empty_day_unknown_id_bad_date() {
    let f = fake(chamgagyeok_rule()).await;
    let feed = Chamgagyeok::new(config(&f.url)).expect("client");
    let empty = feed.store_prices(nov(19), "100").await.expect("empty day");
    assert!(empty.rows.is_empty() && empty.bad.is_empty());
    assert!(matches!(
        feed.store_prices(nov(20), "999").await,
        Err(FeedError::UnknownId(_))
    ));
    f.handle.stop(false).await;
}

async fn one_failure(rule: Rule) -> FeedError {
    let f = fake(rule).await;
    let feed = Chamgagyeok::new(config(&f.url)).expect("client");
    let err = feed.stores().await.expect_err("fails");
    f.handle.stop(false).await;
    err
}

fn answer(status: u16, body: &str, delay: u64) -> Rule {
    let body = body.to_owned();
    Arc::new(move |_, _| (status, body.clone(), delay))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chamgagyeok_failures_are_typed() {
    assert_eq!(
        one_failure(answer(503, "busy", 0)).await,
        FeedError::Server(503)
    );
    assert!(matches!(
        one_failure(answer(200, &fixture("chamgagyeok/key-refused.xml"), 0)).await,
        FeedError::KeyRefused(m) if m.contains("NOT_REGISTERED")
    ));
    assert!(matches!(
        one_failure(answer(401, "", 0)).await,
        FeedError::KeyRefused(_)
    ));
    assert_eq!(
        one_failure(answer(200, &fixture("chamgagyeok/quota.xml"), 0)).await,
        FeedError::QuotaExhausted
    );
    for junk in [
        "<html><body>Bad Gateway</body></html>",
        "<response><header><resultCode>00</resultCode>",
        "not xml at all",
        "",
    ] {
        assert!(
            matches!(
                one_failure(answer(200, junk, 0)).await,
                FeedError::Malformed(_)
            ),
            "{junk:?}"
        );
    }
    assert_eq!(
        one_failure(answer(200, &fixture("chamgagyeok/stores.xml"), 2_000)).await,
        FeedError::Timeout
    );
    let bad_date = {
        let f = fake(chamgagyeok_rule()).await;
        let feed = Chamgagyeok::new(config(&f.url)).expect("client");
        // A day the service refuses (code 01).
        let r = feed.store_prices(nov(21), "100").await;
        f.handle.stop(false).await;
        r
    };
    assert!(matches!(bad_date, Err(FeedError::BadRequest(m)) if m.contains("bad date")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_error_is_typed_and_never_shows_the_key() {
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let feed = Chamgagyeok::new(config(&format!("http://127.0.0.1:{port}"))).expect("client");
    let err = feed.stores().await.expect_err("refused");
    assert_eq!(err.kind(), "network");
    assert!(!err.to_string().contains("test-service-key"), "{err}");
    let shown = format!("{:?}", config("http://x"));
    assert!(!shown.contains("test-service-key"), "{shown}");
    assert_eq!(mask(KEY), format!("test…({} chars)", KEY.len()));
}

fn kamis_config(base: &str) -> FeedConfig {
    FeedConfig {
        base_url: format!("{base}/service/price/xml.do"),
        ..config(base)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kamis_daily_retail_per_region() {
    let f = fake(Arc::new(|_, q| {
        let body = match q.get("p_countycode").map(String::as_str) {
            Some("1101") => fixture("kamis/county-1101.json"),
            Some("9999") => r#"{"error_code":"200"}"#.to_owned(),
            Some("0000") => r#"{"data":["001"]}"#.to_owned(),
            Some("8888") => r#"{"data":{"error_code":"900"}}"#.to_owned(),
            _ => "{not json".to_owned(),
        };
        (200, body, 0)
    }))
    .await;
    let feed = Kamis::new(kamis_config(&f.url)).expect("client");
    let page = feed.region_retail("1101").await.expect("prices");
    assert_eq!(page.rows.len(), 2, "wholesale row left out");
    assert_eq!(page.bad.len(), 1, "a '-' price is a bad row");
    let rice = &page.rows[0];
    assert_eq!(rice.price_krw, 62_300);
    assert_eq!(rice.day, nov(20));
    assert_eq!(
        rice.pack.map(|p| (p.unit, p.quantity)),
        Some((Unit::G, 20_000))
    );
    assert_eq!(page.rows[1].pack.map(|p| p.unit), Some(Unit::Ea));
    let seen = f
        .seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let q = &seen[0].1;
    assert_eq!(q.get("action").map(String::as_str), Some("dailyCountyList"));
    assert_eq!(q.get("p_cert_key").map(String::as_str), Some(KEY));
    assert_eq!(q.get("p_returntype").map(String::as_str), Some("json"));
    assert_eq!(q.get("p_convert_kg_yn").map(String::as_str), Some("Y"));

    assert!(matches!(
        feed.region_retail("9999").await,
        Err(FeedError::BadRequest(_))
    ));
    let empty = feed.region_retail("0000").await.expect("no data is empty");
    assert!(empty.rows.is_empty());
    assert!(matches!(
        feed.region_retail("8888").await,
        Err(FeedError::KeyRefused(_))
    ));
    assert!(matches!(
        feed.region_retail("7777").await,
        Err(FeedError::Malformed(_))
    ));
    f.handle.stop(false).await;
}
