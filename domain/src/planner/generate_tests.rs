//! `PlanService::generate_for` over mocked ports: the stored defaults are
//! used, overrides replace them, and a bad override is refused before
//! anything is planned or stored.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::catalog::ports::MockCatalogRepository;
use crate::catalog::{
    MallTerms, NewProduct, NewStore, NewStoreSite, Offer, PriceKrw, Product, ProductId, Store,
    StoreId, Unit,
};
use crate::mall::ports::MockMallTermsRepository;
use crate::mall::{DeliveryTerms, Region, TermsSource};
use crate::planner::context::{MockPlanContext, PlanDefaults};
use crate::planner::ports::MockPlanRequestRepository;
use crate::planner::prices::{MockPriceGateway, ProductLink, SourceReport, SourceStatus};
use crate::planner::service::{PlanPorts, PlanSettings};
use crate::planner::view::PlanAnswer;
use crate::preferences::TravelMode;
use crate::redirect::RedirectAllowlist;
use crate::system::{MockClock, MockRandomSource};
use crate::RepoError;

const REQUEST: Uuid = Uuid::from_u128(0x0123_4567_89ab_4def_8123_4567_89ab_cdef);

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0)
        .single()
        .expect("time")
}

fn user() -> UserId {
    UserId(Uuid::from_u128(7))
}

fn stored_settings() -> PlanSettings {
    PlanSettings {
        departure_at: None,
        origin: GeoPoint::new(37.4985, 127.0292).expect("point"),
        max_stores: 3,
        max_distance_m: 3_000,
        max_route_m: Some(15_000),
        travel_cost_krw_per_km: 500,
        excluded_chains: Vec::new(),
        preferred_chains: Vec::new(),
        travel_mode: TravelMode::Walk,
        value_of_time_krw_per_hour: 10_000,
        minutes_per_stop: 5,
        region: Region::Mainland,
    }
}

fn stored_line() -> PlanLine {
    PlanLine {
        id: "stored-1".into(),
        product_id: Some("p-milk".into()),
        name: "서울우유 1L".into(),
        quantity: 2,
    }
}

/// The shopper's stored data; `with_basket` must be what the call expects.
fn context(expect_basket: bool) -> MockPlanContext {
    let mut c = MockPlanContext::new();
    c.expect_defaults()
        .withf(move |u, with_basket| *u == user() && *with_basket == expect_basket)
        .times(1)
        .returning(move |_, with_basket| {
            Ok(PlanDefaults {
                lines: if with_basket {
                    vec![stored_line()]
                } else {
                    Vec::new()
                },
                settings: stored_settings(),
            })
        });
    c
}

fn service(
    catalog: MockCatalogRepository,
    prices: MockPriceGateway,
    requests: MockPlanRequestRepository,
    shopper: MockPlanContext,
) -> PlanService {
    let mut malls = MockMallTermsRepository::new();
    malls.expect_list_terms().returning(|| Ok(Vec::new()));
    service_with(catalog, prices, requests, shopper, malls)
}

fn service_with(
    catalog: MockCatalogRepository,
    prices: MockPriceGateway,
    requests: MockPlanRequestRepository,
    shopper: MockPlanContext,
    malls: MockMallTermsRepository,
) -> PlanService {
    let mut clock = MockClock::new();
    clock.expect_now().returning(now);
    let mut random = MockRandomSource::new();
    random.expect_uuid().returning(|| REQUEST);
    PlanService::new(
        PlanPorts {
            catalog: Arc::new(catalog),
            prices: Arc::new(prices),
            requests: Arc::new(requests),
            shopper: Arc::new(shopper),
            malls: Arc::new(malls),
            clock: Arc::new(clock),
            random: Arc::new(random),
        },
        RedirectAllowlist::parse(RedirectAllowlist::DEFAULT).expect("allowlist"),
        Duration::hours(24),
    )
}

fn milk() -> Product {
    Product::new(NewProduct {
        id: "p-milk".into(),
        name: "서울우유 1L".into(),
        name_en: None,
        aliases: vec!["우유".into()],
        category: "dairy".into(),
        unit: Unit::Ml,
        size: 1000,
        barcode: None,
    })
    .expect("product")
}

fn mall() -> Store {
    Store::new(NewStore {
        id: "ssg".into(),
        chain: "ssg".into(),
        name: "SSG".into(),
        site: NewStoreSite::Online(
            MallTerms::new(3_000, Some(40_000), 0, "https://www.ssg.com/cart").expect("terms"),
        ),
    })
    .expect("mall")
}

#[tokio::test]
async fn without_overrides_the_stored_basket_is_planned_and_stored() {
    let mut catalog = MockCatalogRepository::new();
    catalog
        .expect_get_products()
        .withf(|ids| ids.iter().map(ProductId::as_str).eq(["p-milk"]))
        .returning(|_| Ok(vec![milk()]));
    catalog
        .expect_list_online_malls()
        .returning(|| Ok(vec![mall()]));
    catalog
        .expect_price_lows()
        .withf(|p, s, _| {
            p.iter().map(ProductId::as_str).eq(["p-milk"])
                && s.iter().map(StoreId::as_str).eq(["ssg"])
        })
        .times(1)
        .returning(|_, _, _| Ok(Vec::new()));
    let mut prices = MockPriceGateway::new();
    prices.expect_gather().times(1).returning(|_, _| {
        vec![SourceReport {
            source_id: "ssg".into(),
            status: SourceStatus::Ok,
            latency_ms: 5,
            offers: vec![Offer {
                store_id: StoreId::parse("ssg").expect("id"),
                product_id: ProductId::parse("p-milk").expect("id"),
                price: PriceKrw::new(2_500).expect("price"),
                observed_at: now(),
                in_stock: true,
                discounted: false,
                flagged_outlier: false,
                provenance: crate::catalog::Provenance::of(crate::catalog::PriceOrigin::Sample),
            }],
            links: Vec::new(),
        }]
    });
    let mut requests = MockPlanRequestRepository::new();
    requests
        .expect_save()
        .withf(|r| r.id == REQUEST && r.user_id == user() && r.mode == PlanMode::Online)
        .times(1)
        .returning(|_| Ok(()));
    let svc = service(catalog, prices, requests, context(true));
    let got = svc
        .generate_for(user(), PlanMode::Online, PlanOverrides::default())
        .await
        .expect("plans");
    assert_eq!(got.answer.plan_request_id, REQUEST);
    assert_eq!(got.lines, 1);
    let best = &got.answer.plans[0];
    let item = &best.stops[0].items[0];
    assert_eq!(item.basket_item_id, "stored-1", "the stored basket's line");
    assert_eq!(item.quantity, 2);
    assert_eq!(best.goods_krw, 5_000);
    let price = item.price.as_ref().expect("the line's price provenance");
    assert!(price.sample && !price.stale && !price.live);
    assert_eq!(price.source, "sample");
    let summary = got.answer.meta.prices.as_ref().expect("meta.prices");
    assert!(summary.sample);
    assert_eq!(
        (summary.priced, summary.sample_count, summary.stale),
        (1, 1, 0)
    );
}

#[tokio::test]
async fn overrides_replace_the_stored_basket_location_and_radius() {
    let mut catalog = MockCatalogRepository::new();
    catalog.expect_get_products().returning(|_| Ok(Vec::new()));
    catalog
        .expect_list_stores_near()
        .withf(|origin, radius, _, _| {
            (origin.lat() - 35.1).abs() < 1e-9
                && (origin.lng() - 129.04).abs() < 1e-9
                && (*radius - 5_000.0).abs() < 1e-9
        })
        .times(1)
        .returning(|_, _, _, _| Ok(Vec::new()));
    let mut requests = MockPlanRequestRepository::new();
    requests.expect_save().times(0);
    // The stored basket is not read when items are given.
    let svc = service(catalog, MockPriceGateway::new(), requests, context(false));
    let overrides = PlanOverrides {
        items: Some(vec![ItemOverride {
            id: None,
            product_id: Some("p-unknown".into()),
            name: "없는 상품".into(),
            quantity: 1,
        }]),
        location: Some((35.1, 129.04)),
        max_stores: Some(2),
        max_distance_m: Some(5_000),
        departure_at: None,
    };
    let err = svc
        .generate_for(user(), PlanMode::Offline, overrides)
        .await
        .expect_err("nothing to buy");
    let PlanningError::NoPlanPossible { missing, degraded } = err else {
        panic!("expected NoPlanPossible, got {err:?}");
    };
    assert!(!degraded);
    let ids: Vec<&str> = missing.iter().map(|m| m.basket_item_id.as_str()).collect();
    assert_eq!(ids, ["line-1"], "the given item, with its default id");
}

#[test]
fn apply_sets_every_override_within_the_preference_bounds() {
    let defaults = PlanDefaults {
        lines: vec![stored_line()],
        settings: stored_settings(),
    };
    let applied = PlanOverrides {
        max_stores: Some(5),
        max_distance_m: Some(100),
        ..PlanOverrides::default()
    }
    .apply(defaults.clone())
    .expect("in bounds");
    assert_eq!(applied.settings.max_stores, 5);
    assert_eq!(applied.settings.max_distance_m, 100);
    assert_eq!(applied.lines, defaults.lines, "no items: the stored basket");
    assert_eq!(
        PlanOverrides::default()
            .apply(defaults.clone())
            .expect("none"),
        defaults
    );
}

#[tokio::test]
async fn a_bad_override_is_refused_before_anything_is_planned() {
    let item = |name: &str| ItemOverride {
        id: None,
        product_id: None,
        name: name.into(),
        quantity: 1,
    };
    let cases = [
        (
            PlanOverrides {
                max_stores: Some(9),
                ..PlanOverrides::default()
            },
            "max_stores",
            false,
        ),
        (
            PlanOverrides {
                max_distance_m: Some(50),
                ..PlanOverrides::default()
            },
            "max_distance_m",
            false,
        ),
        (
            PlanOverrides {
                location: Some((91.0, 127.0)),
                ..PlanOverrides::default()
            },
            "lat",
            false,
        ),
        (
            PlanOverrides {
                items: Some(vec![item("우유"); MAX_ITEMS + 1]),
                ..PlanOverrides::default()
            },
            "basket",
            true,
        ),
        (
            PlanOverrides {
                items: Some(vec![item("우유"), item("계\u{0}란")]),
                ..PlanOverrides::default()
            },
            "basket[1].name",
            true,
        ),
    ];
    for (overrides, field, has_items) in cases {
        // No catalog, price or storage call is expected: any would panic.
        let mut requests = MockPlanRequestRepository::new();
        requests.expect_save().times(0);
        let svc = service(
            MockCatalogRepository::new(),
            MockPriceGateway::new(),
            requests,
            context(!has_items),
        );
        let err = svc
            .generate_for(user(), PlanMode::Offline, overrides)
            .await
            .expect_err(field);
        match err {
            PlanningError::Override(o) => assert_eq!(o.field, field),
            other => panic!("{field}: expected Override, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn unreadable_defaults_are_told_apart() {
    let mut shopper = MockPlanContext::new();
    shopper
        .expect_defaults()
        .returning(|_, _| Err(RepoError::Unavailable("down".into())));
    let svc = service(
        MockCatalogRepository::new(),
        MockPriceGateway::new(),
        MockPlanRequestRepository::new(),
        shopper,
    );
    let err = svc
        .generate_for(user(), PlanMode::Online, PlanOverrides::default())
        .await
        .expect_err("down");
    assert!(matches!(err, PlanningError::Defaults(_)), "{err:?}");
}

fn offer(mall: &str, product: &str, krw: i64) -> Offer {
    Offer {
        store_id: StoreId::parse(mall).expect("id"),
        product_id: ProductId::parse(product).expect("id"),
        price: PriceKrw::new(krw).expect("price"),
        observed_at: now(),
        in_stock: true,
        discounted: false,
        flagged_outlier: false,
        provenance: crate::catalog::Provenance::of(crate::catalog::PriceOrigin::Sample),
    }
}

fn configured(fee: i64, free_over: Option<i64>, jeju: i64) -> DeliveryTerms {
    DeliveryTerms {
        mall_id: StoreId::parse("ssg").expect("id"),
        delivery_fee_krw: fee,
        free_delivery_threshold_krw: free_over,
        min_order_krw: 0,
        jeju_surcharge_krw: jeju,
        island_surcharge_krw: 7_000,
        same_day_cutoff: None,
        dawn_cutoff: crate::mall::parse_cutoff("dawn", "23:00").expect("cutoff"),
        source: TermsSource::Operator,
        as_of: now(),
    }
}

/// An online plan for a shopper in Jeju, priced with the operator's terms
/// (not the catalog row's), its listing handed out only on the allowlist.
async fn jeju_plan(link: &str) -> PlanAnswer {
    let mut catalog = MockCatalogRepository::new();
    catalog
        .expect_price_lows()
        .returning(|_, _, _| Ok(Vec::new()));
    catalog
        .expect_get_products()
        .returning(|_| Ok(vec![milk()]));
    catalog
        .expect_list_online_malls()
        .returning(|| Ok(vec![mall()]));
    let mut prices = MockPriceGateway::new();
    let link = link.to_owned();
    prices.expect_gather().times(1).returning(move |_, _| {
        vec![SourceReport {
            source_id: "ssg".into(),
            status: SourceStatus::Ok,
            latency_ms: 5,
            offers: vec![offer("ssg", "p-milk", 2_500)],
            links: vec![ProductLink {
                product_id: ProductId::parse("p-milk").expect("id"),
                url: link.clone(),
                image: Some("https://shopping-phinf.example/1.jpg".into()),
                title: "서울우유 나100% 1L".into(),
                seen_at: now(),
            }],
        }]
    });
    let mut requests = MockPlanRequestRepository::new();
    requests.expect_save().returning(|_| Ok(()));
    let mut shopper = MockPlanContext::new();
    shopper.expect_defaults().returning(|_, _| {
        let mut settings = stored_settings();
        settings.region = Region::Jeju;
        Ok(PlanDefaults {
            lines: vec![stored_line()],
            settings,
        })
    });
    let mut malls = MockMallTermsRepository::new();
    // The catalog row says 3,000 원 with free delivery from 40,000 원; the
    // operator says 2,000 원, free from 5,000 원, and 4,000 원 to Jeju.
    malls
        .expect_list_terms()
        .returning(|| Ok(vec![configured(2_000, Some(5_000), 4_000)]));
    let svc = service_with(catalog, prices, requests, shopper, malls);
    svc.generate_for(user(), PlanMode::Online, PlanOverrides::default())
        .await
        .expect("plans")
        .answer
}

#[tokio::test]
async fn online_plans_use_the_configured_terms_and_the_region_surcharge() {
    let answer = jeju_plan("https://www.ssg.com/item/itemView.ssg?itemId=1").await;
    let best = &answer.plans[0];
    assert_eq!(answer.meta.region.as_deref(), Some("jeju"));
    // 2 × 2,500 = 5,000 reaches the operator's threshold: no fee; the Jeju
    // surcharge is never waived.
    assert_eq!(
        (
            best.goods_krw,
            best.delivery_krw,
            best.surcharge_krw,
            best.total_krw
        ),
        (5_000, 0, 4_000, 9_000)
    );
    let stop = &best.stops[0];
    assert_eq!(stop.surcharge_krw, 4_000);
    let terms = stop.terms.as_ref().expect("terms shown");
    assert_eq!(terms.delivery_fee_krw, 2_000);
    assert_eq!(terms.source, "operator");
    assert_eq!(terms.dawn_cutoff.as_deref(), Some("23:00"));
    let listing = stop.items[0].listing.as_ref().expect("listing");
    assert_eq!(
        listing.url.as_deref(),
        Some("https://www.ssg.com/item/itemView.ssg?itemId=1")
    );
    assert_eq!(listing.price_seen_at, now());
    assert_eq!(listing.title, "서울우유 나100% 1L");
}

#[tokio::test]
async fn a_product_page_off_the_allowlist_is_not_handed_out() {
    let answer = jeju_plan("https://evil.example/ssg/item/1").await;
    let listing = answer.plans[0].stops[0].items[0]
        .listing
        .as_ref()
        .expect("listing");
    assert_eq!(listing.url, None);
    assert_eq!(listing.title, "서울우유 나100% 1L");
}

fn summary(total: i64, missing: usize) -> crate::planner::view::ModeSummary {
    crate::planner::view::ModeSummary {
        plan_request_id: REQUEST,
        plan_id: "p1".into(),
        total_krw: total,
        goods_krw: total,
        travel_krw: 0,
        delivery_krw: 0,
        surcharge_krw: 0,
        missing_items: missing,
        degraded: false,
    }
}

#[test]
fn the_cheaper_mode_and_by_how_much() {
    let c = compare(Some(summary(20_000, 0)), Some(summary(16_800, 0)));
    assert_eq!(
        (c.cheaper, c.difference_krw, c.comparable),
        (Some(PlanMode::Online), 3_200, true)
    );
    let c = compare(Some(summary(15_000, 1)), Some(summary(16_800, 1)));
    assert_eq!(
        (c.cheaper, c.difference_krw),
        (Some(PlanMode::Offline), 1_800)
    );
    let c = compare(Some(summary(15_000, 0)), Some(summary(15_000, 0)));
    assert_eq!((c.cheaper, c.difference_krw, c.comparable), (None, 0, true));
    // Buying fewer lines is not cheaper.
    let c = compare(Some(summary(9_000, 2)), Some(summary(16_800, 0)));
    assert_eq!(
        (c.cheaper, c.difference_krw, c.comparable),
        (None, 0, false)
    );
    let c = compare(None, Some(summary(16_800, 0)));
    assert_eq!((c.cheaper, c.comparable), (None, false));
}

/// `n` supermarkets 200 m apart north of the origin, each selling milk
/// (the nearest dearest), with unknown hours.
fn shops(n: usize) -> Vec<crate::catalog::NearbyStore> {
    (0..n)
        .map(|i| {
            let north = 200.0 * (i as f64 + 1.0);
            let store = Store::new(NewStore {
                id: format!("shop-{i}"),
                chain: format!("chain-{i}"),
                name: format!("가게 {i}"),
                site: NewStoreSite::Offline {
                    format: crate::catalog::OfflineFormat::Supermarket,
                    location: GeoPoint::new(37.4985 + north / 111_195.0, 127.0292).expect("p"),
                    address: "서울".into(),
                    hours: None,
                    closing: None,
                },
            })
            .expect("store");
            crate::catalog::NearbyStore {
                store,
                distance_m: north,
            }
        })
        .collect()
}

fn shop_catalog(n: usize) -> MockCatalogRepository {
    let mut catalog = MockCatalogRepository::new();
    catalog
        .expect_price_lows()
        .returning(|_, _, _| Ok(Vec::new()));
    catalog
        .expect_get_products()
        .returning(|_| Ok(vec![milk()]));
    catalog
        .expect_list_stores_near()
        .returning(move |_, _, _, _| Ok(shops(n)));
    catalog.expect_offers_for().returning(move |_, stores| {
        Ok(stores
            .iter()
            .enumerate()
            .map(|(i, s)| Offer {
                store_id: s.clone(),
                product_id: ProductId::parse("p-milk").expect("id"),
                price: PriceKrw::new(10_000 - 500 * i64::try_from(i).unwrap_or(0)).expect("price"),
                observed_at: now(),
                in_stock: true,
                discounted: false,
                flagged_outlier: false,
                provenance: crate::catalog::Provenance::of(crate::catalog::PriceOrigin::Sample),
            })
            .collect())
    });
    catalog
}

fn saving_requests() -> MockPlanRequestRepository {
    let mut requests = MockPlanRequestRepository::new();
    requests.expect_save().returning(|_| Ok(()));
    requests
}

/// A road table: 2 s and 1.1 m per straight metre between the points.
fn road(points: &[GeoPoint]) -> crate::planner::routing::RoadTable {
    let mut metres = Vec::new();
    let mut seconds = Vec::new();
    for a in points {
        for b in points {
            let d = a.distance_m(*b);
            metres.push(Some((d * 1.1).round() as i64));
            seconds.push(Some((d * 2.0).round() as i64));
        }
    }
    crate::planner::routing::RoadTable { metres, seconds }
}

#[tokio::test]
async fn a_routing_service_gives_the_legs_of_every_store_when_they_fit_one_table() {
    let mut routing = crate::planner::routing::MockRouting::new();
    routing.expect_name().return_const("osrm");
    routing.expect_max_points().return_const(100usize);
    routing
        .expect_table()
        .withf(|mode, points| *mode == TravelMode::Walk && points.len() == 6)
        .times(1)
        .returning(|_, points| Ok(road(points)));
    let svc = service(
        shop_catalog(5),
        MockPriceGateway::new(),
        saving_requests(),
        context(true),
    )
    .with_routing(Arc::new(routing));
    let got = svc
        .generate_for(user(), PlanMode::Offline, PlanOverrides::default())
        .await
        .expect("plans");
    let r = got.answer.meta.routing.clone().expect("routing");
    assert_eq!(
        (r.source.as_str(), r.routed_stores, r.complete),
        ("osrm", 5, true)
    );
    let best = &got.answer.plans[0];
    // The cheapest milk is the farthest shop (1 000 m): 2 000 s there by the
    // table (1.1 km), not the estimate's 1.3 km at 4 km/h (1 170 s).
    assert_eq!(best.stops[0].store.id, "shop-4");
    assert_eq!(best.stops[0].leg_distance_m, 1_100);
    assert_eq!(best.stops[0].minutes, 34, "2 000 s, rounded up");
    assert_eq!(got.answer.meta.departure_at, Some(now()), "default: now");
}

#[tokio::test]
async fn too_many_stores_route_the_estimates_plans_and_the_nearest_and_say_so() {
    let mut routing = crate::planner::routing::MockRouting::new();
    routing.expect_name().return_const("osrm");
    routing.expect_max_points().return_const(4usize);
    routing
        .expect_table()
        .withf(|_, points| points.len() == 4)
        .times(1)
        .returning(|_, points| Ok(road(points)));
    let svc = service(
        shop_catalog(8),
        MockPriceGateway::new(),
        saving_requests(),
        context(true),
    )
    .with_routing(Arc::new(routing));
    let got = svc
        .generate_for(user(), PlanMode::Offline, PlanOverrides::default())
        .await
        .expect("plans");
    let r = got.answer.meta.routing.clone().expect("routing");
    assert_eq!((r.routed_stores, r.complete), (3, false));
    // The estimate's cheapest (the farthest, cheapest shop) is routed first.
    assert_eq!(got.answer.plans[0].stops[0].store.id, "shop-7");
}

#[tokio::test]
async fn a_failing_routing_service_falls_back_to_the_estimate_and_says_why() {
    for (error, reason) in [
        (
            crate::planner::routing::RoutingError::Timeout(std::time::Duration::from_millis(5)),
            "timeout",
        ),
        (
            crate::planner::routing::RoutingError::Failed("503".into()),
            "error",
        ),
        (
            crate::planner::routing::RoutingError::Malformed("1×1".into()),
            "malformed",
        ),
    ] {
        let mut routing = crate::planner::routing::MockRouting::new();
        routing.expect_name().return_const("osrm");
        routing.expect_max_points().return_const(100usize);
        routing
            .expect_table()
            .times(1)
            .returning(move |_, _| Err(error.clone()));
        let svc = service(
            shop_catalog(3),
            MockPriceGateway::new(),
            saving_requests(),
            context(true),
        )
        .with_routing(Arc::new(routing));
        let got = svc
            .generate_for(user(), PlanMode::Offline, PlanOverrides::default())
            .await
            .expect("plans");
        let r = got.answer.meta.routing.clone().expect("routing");
        assert_eq!(r.source, "estimate");
        assert_eq!(r.fallback_reason.as_deref(), Some(reason));
        // The estimate: 600 m × 1.3 = 780 m on foot, 702 s → 12 minutes.
        assert_eq!(got.answer.plans[0].stops[0].leg_distance_m, 780);
        assert_eq!(got.answer.plans[0].stops[0].minutes, 12);
    }
}

/// A reservation run departs at its scheduled time (a late run: now).
#[tokio::test]
async fn a_reservation_run_departs_at_its_scheduled_time() {
    use crate::reservation::ports::ReservationRunner;
    use crate::reservation::{
        Channel, NewReservation, Reservation, ReservationId, ScheduleInput, Title,
    };
    let reservation = Reservation::create(
        ReservationId(Uuid::from_u128(9)),
        user(),
        NewReservation {
            title: Title::parse("주말 장보기").expect("title"),
            mode: PlanMode::Offline,
            schedule: ScheduleInput {
                schedule_type: "weekly".into(),
                time_of_day: Some("09:00".into()),
                days_of_week: Some(vec![6]),
                ..ScheduleInput::default()
            }
            .parse()
            .expect("schedule"),
            channel: Channel::InApp,
            planned_items: None,
        },
        now(),
    )
    .expect("reservation");
    for (scheduled, departs) in [
        (now() + Duration::hours(2), now() + Duration::hours(2)),
        (now() - Duration::minutes(30), now()),
    ] {
        let want = format!(
            "\"departure_at\":\"{}\"",
            departs.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        );
        let mut requests = MockPlanRequestRepository::new();
        requests
            .expect_save()
            .withf(move |r| r.payload.contains(&want))
            .times(1)
            .returning(|_| Ok(()));
        let svc = Arc::new(service(
            shop_catalog(2),
            MockPriceGateway::new(),
            requests,
            context(true),
        ));
        let outcome = crate::planner::runner::PlanRunner::new(svc)
            .run(&reservation, scheduled)
            .await;
        assert!(outcome.plan_request_id.is_some(), "{outcome:?}");
    }
}
