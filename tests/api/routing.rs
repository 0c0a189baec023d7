//! Travel time: the OSRM table adapter against a fake OSRM (normal, error,
//! slow, malformed), plans over its legs with the estimate as fallback, and
//! opening hours / closing days (both backends).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::{json, Value};
use ttokjang::routing::{Osrm, OsrmConfig};
use ttokjang_domain::catalog::{
    CatalogBatch, ClosingDays, GeoPoint, NewStore, NewStoreSite, OfflineFormat, OpeningHours, Store,
};
use ttokjang_domain::ports::{Routing, RoutingError};
use ttokjang_domain::preferences::TravelMode;
use ttokjang_tests::http::{access_token as token, post_auth as post, with_catalog, TestApp};

#[derive(Clone, Copy)]
enum Behaviour {
    /// Seconds = 2 × the straight metres, metres = 1.1 × (so distinct from
    /// the estimate's figures).
    Normal,
    Error,
    Slow,
    Malformed,
}

struct Fake {
    url: String,
    calls: Arc<AtomicUsize>,
    _handle: actix_web::dev::ServerHandle,
}

/// Rows of a table, row = from.
type Matrix = Vec<Vec<f64>>;

fn table(path: &str) -> Option<(Matrix, Matrix)> {
    let coords = path.rsplit('/').next()?;
    let points: Vec<GeoPoint> = coords
        .split(';')
        .map(|c| {
            let (lng, lat) = c.split_once(',')?;
            GeoPoint::new(lat.parse().ok()?, lng.parse().ok()?).ok()
        })
        .collect::<Option<_>>()?;
    let d = |a: GeoPoint, b: GeoPoint| a.distance_m(b);
    let metres = points
        .iter()
        .map(|a| points.iter().map(|b| (d(*a, *b) * 1.1).round()).collect())
        .collect();
    let seconds = points
        .iter()
        .map(|a| points.iter().map(|b| (d(*a, *b) * 2.0).round()).collect())
        .collect();
    Some((metres, seconds))
}

async fn fake(behaviour: Behaviour) -> Fake {
    let calls = Arc::new(AtomicUsize::new(0));
    let c2 = calls.clone();
    let server = HttpServer::new(move || {
        let calls = c2.clone();
        App::new().default_service(web::to(move |req: HttpRequest| {
            let calls = calls.clone();
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                let path = req.path().to_owned();
                let query = req.query_string().to_owned();
                let ok_request = path.starts_with("/table/v1/")
                    && query.contains("annotations=duration,distance");
                match behaviour {
                    Behaviour::Error => {
                        return HttpResponse::InternalServerError().body("boom");
                    }
                    Behaviour::Slow => tokio::time::sleep(Duration::from_millis(1_500)).await,
                    Behaviour::Malformed => {
                        return HttpResponse::Ok()
                            .content_type("application/json")
                            .body(r#"{"code":"Ok","durations":[[0]],"distances":[[0]]}"#);
                    }
                    Behaviour::Normal => {}
                }
                match table(&path).filter(|_| ok_request) {
                    Some((metres, seconds)) => HttpResponse::Ok().json(json!({
                        "code": "Ok", "durations": seconds, "distances": metres
                    })),
                    None => HttpResponse::BadRequest()
                        .json(json!({"code": "InvalidQuery", "message": "bad"})),
                }
            }
        }))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .expect("bind");
    let addr = server.addrs()[0];
    let running = server.run();
    let handle = running.handle();
    tokio::spawn(running);
    Fake {
        url: format!("http://{addr}"),
        calls,
        _handle: handle,
    }
}

fn osrm(url: &str) -> Osrm {
    let mut c = OsrmConfig::new(url);
    c.timeout = Duration::from_millis(400);
    Osrm::new(c).expect("client")
}

fn points() -> Vec<GeoPoint> {
    vec![
        GeoPoint::new(37.4985, 127.0292).expect("p"),
        GeoPoint::new(37.4990, 127.0300).expect("p"),
        GeoPoint::new(37.5010, 127.0330).expect("p"),
    ]
}

#[tokio::test]
async fn the_adapter_reads_a_table_and_reports_each_failure() {
    let ok = fake(Behaviour::Normal).await;
    let t = osrm(&ok.url)
        .table(TravelMode::Walk, &points())
        .await
        .expect("table");
    assert_eq!(t.metres.len(), 9);
    assert_eq!(t.seconds[0], Some(0));
    assert!(t.seconds[1].expect("s") > 0 && t.metres[1].expect("m") > 0);
    assert_eq!(ok.calls.load(Ordering::SeqCst), 1);
    // Transit has no OSRM profile: refused without a call.
    let e = osrm(&ok.url).table(TravelMode::Transit, &points()).await;
    assert!(matches!(e, Err(RoutingError::Failed(_))), "{e:?}");
    assert_eq!(ok.calls.load(Ordering::SeqCst), 1);

    let err = fake(Behaviour::Error).await;
    let e = osrm(&err.url).table(TravelMode::Car, &points()).await;
    assert!(matches!(e, Err(RoutingError::Failed(_))), "{e:?}");
    let slow = fake(Behaviour::Slow).await;
    let e = osrm(&slow.url).table(TravelMode::Car, &points()).await;
    assert!(matches!(e, Err(RoutingError::Timeout(_))), "{e:?}");
    let bad = fake(Behaviour::Malformed).await;
    let e = osrm(&bad.url).table(TravelMode::Car, &points()).await;
    assert!(matches!(e, Err(RoutingError::Malformed(_))), "{e:?}");
}

fn basket() -> Value {
    json!([
        {"id": "l1", "name": "우유", "quantity": 2},
        {"id": "l2", "name": "달걀", "quantity": 1},
        {"id": "l3", "product_id": "tofu", "name": "두부", "quantity": 1}
    ])
}

/// Plans on an app whose `ROUTING_OSRM_URL` points at a fake behaving so.
async fn plan_with(behaviour: Behaviour, db: ttokjang_tests::http::Db) -> Option<Value> {
    let fake = fake(behaviour).await;
    let app = TestApp::start(
        db,
        &[
            ("ROUTING_OSRM_URL", fake.url.as_str()),
            ("ROUTING_TIMEOUT_MS", "400"),
        ],
    )
    .await?;
    with_catalog(&app).await;
    let t = token(&app.signup("route@example.com").await);
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        json!({"basket": basket()}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    Some(b)
}

async fn routed_plans(db: ttokjang_tests::http::Db) {
    let Some(b) = plan_with(Behaviour::Normal, db).await else {
        return;
    };
    let routing = &b["meta"]["routing"];
    assert_eq!(routing["source"], "osrm", "{routing}");
    assert_eq!(routing["complete"], true);
    assert!(routing["routed_stores"].as_u64().expect("n") >= 2);
    let plan = &b["plans"][0];
    // The fake's legs: 2 s per straight metre (the estimate walks 1.3 m
    // at 4 km/h = 1.17 s per straight metre), so minutes follow the table.
    let mut sum = 0;
    for stop in plan["stops"].as_array().expect("stops") {
        let m = stop["minutes"].as_i64().expect("minutes");
        assert!(m > 0, "{stop}");
        sum += m;
    }
    let total = plan["travel_minutes"].as_i64().expect("total");
    assert!(total >= sum - 1 && total > 0, "{plan}");
    for (behaviour, reason) in [
        (Behaviour::Error, "error"),
        (Behaviour::Slow, "timeout"),
        (Behaviour::Malformed, "malformed"),
    ] {
        let Some(b) = plan_with(behaviour, db).await else {
            return;
        };
        let routing = &b["meta"]["routing"];
        assert_eq!(routing["source"], "estimate", "{routing}");
        assert_eq!(routing["fallback_reason"], reason, "{routing}");
        assert!(b["plans"][0]["travel_minutes"].as_i64().expect("m") > 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routed_plans_sqlite() {
    routed_plans(ttokjang_tests::http::Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routed_plans_postgres() {
    routed_plans(ttokjang_tests::http::Db::Postgres).await;
}

/// `mart-a` of the fixture as a large mart with hours and closing days.
fn hours_mart(hours: &str, closing: Option<&str>) -> Store {
    Store::new(NewStore {
        id: "mart-a".into(),
        chain: "테스트마트".into(),
        name: "테스트마트 강남점".into(),
        site: NewStoreSite::Offline {
            format: OfflineFormat::LargeMart,
            location: GeoPoint::new(37.4990, 127.0300).expect("p"),
            address: "서울 강남구".into(),
            hours: OpeningHours::parse(hours),
            closing: closing.and_then(ClosingDays::parse),
        },
    })
    .expect("store")
}

async fn closed_stores_are_skipped_and_said(app: TestApp) {
    with_catalog(&app).await;
    let svc = app.services().await;
    svc.stores
        .catalog
        .upsert_catalog(&CatalogBatch {
            stores: vec![hours_mart("10:00-23:00", None)],
            products: Vec::new(),
            offers: Vec::new(),
        })
        .await
        .expect("upsert");
    let t = token(&app.signup("hours@example.com").await);
    let gen = |departure: &str| {
        json!({"basket": [{"id": "l1", "name": "우유", "quantity": 1},
                          {"id": "l2", "product_id": "tofu", "name": "두부", "quantity": 1}],
               "departure_at": departure})
    };
    // Saturday 2026-12-12 12:00 KST: open.
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        gen("2026-12-12T03:00:00Z"),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["meta"]["departure_at"], "2026-12-12T03:00:00Z");
    assert_eq!(b["meta"]["skipped_stores_total"], 0, "{}", b["meta"]);
    let stop = b["plans"][0]["stops"]
        .as_array()
        .expect("stops")
        .iter()
        .find(|s| s["store"]["id"] == "mart-a")
        .unwrap_or_else(|| panic!("mart-a is a stop: {b}"))
        .clone();
    assert_eq!(stop["opening_hours"], "10:00-23:00");
    assert_eq!(stop["closing_days"], "2sun,4sun", "the statutory default");
    assert!(stop["arrive_at"].as_str().expect("arrival") > "2026-12-12T03:00:00Z");

    // Sunday 2026-12-13 12:00 KST: the 2nd Sunday, a closing day.
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        gen("2026-12-13T03:00:00Z"),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let skipped = b["meta"]["skipped_stores"].as_array().expect("skipped");
    let a = skipped
        .iter()
        .find(|s| s["store"]["id"] == "mart-a")
        .unwrap_or_else(|| panic!("mart-a skipped: {}", b["meta"]));
    assert_eq!(a["reason"], "closing_day");
    // Only mart-a sells milk in reach: it is missing, and says why.
    let plan = &b["plans"][0];
    assert!(
        plan["stops"]
            .as_array()
            .expect("stops")
            .iter()
            .all(|s| s["store"]["id"] != "mart-a"),
        "{b}"
    );
    assert_eq!(plan["missing_items"][0]["reason"], "store_closed", "{plan}");

    // Friday 2026-12-11 23:30 KST: after hours.
    let (_, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        gen("2026-12-11T14:30:00Z"),
    )
    .await;
    let skipped = b["meta"]["skipped_stores"].as_array().expect("skipped");
    assert!(
        skipped
            .iter()
            .any(|s| s["store"]["id"] == "mart-a" && s["reason"] == "outside_hours"),
        "{}",
        b["meta"]
    );

    // A departure out of range is refused.
    let (st, b) = post(
        &app,
        "/api/v1/offline/plans/generate",
        &t,
        gen("2001-01-01T00:00:00Z"),
    )
    .await;
    assert_eq!(st, 422, "{b}");
    assert!(b["error"]["fields"]["departure_at"].is_string(), "{b}");
    let (st, b) = post(&app, "/api/v1/offline/plans/generate", &t, gen("tomorrow")).await;
    assert!(st == 400 || st == 422, "{st} {b}");
}

crate::on_both_backends!(closed_stores_are_skipped_and_said);
