//! The catalog port: search, stores near a point, malls, offers, and the
//! atomic, idempotent batch upsert.

use chrono::{DateTime, Duration, Utc};
use ttokjang_domain::catalog::identity::{ReviewDecision, ReviewItem, ReviewStatus};
use ttokjang_domain::catalog::search::ProductQuery;
use ttokjang_domain::catalog::{
    CatalogBatch, CatalogCounts, ClosingDays, GeoPoint, MallTerms, NewProduct, NewStore,
    NewStoreSite, Offer, OfflineFormat, OpeningHours, PriceKrw, Product, ProductId, Store, StoreId,
    Unit,
};
use ttokjang_domain::ports::Resolved;
use ttokjang_domain::RepoError;

use crate::fixtures::t0;
use crate::Backend;

const GANGNAM: (f64, f64) = (37.4985, 127.0292);

fn gangnam() -> GeoPoint {
    GeoPoint::new(GANGNAM.0, GANGNAM.1).expect("point")
}

fn product(id: &str, name: &str, en: &str, aliases: &[&str], unit: Unit, size: u32) -> Product {
    Product::new(NewProduct {
        id: id.into(),
        name: name.into(),
        name_en: Some(en.into()),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        category: "dairy".into(),
        unit,
        size,
        barcode: None,
    })
    .expect("product")
}

/// A shop `north_m` metres north of 강남역.
fn shop(id: &str, name: &str, north_m: f64) -> Store {
    let lat = GANGNAM.0 + north_m / 111_195.0;
    Store::new(NewStore {
        id: id.into(),
        chain: name.split_whitespace().next().unwrap_or(name).into(),
        name: name.into(),
        site: NewStoreSite::Offline {
            format: OfflineFormat::Supermarket,
            location: GeoPoint::new(lat, GANGNAM.1).expect("point"),
            address: "서울 강남구 강남대로 396".into(),
            hours: OpeningHours::parse("10:00-23:00"),
            closing: None,
        },
    })
    .expect("store")
}

/// A large mart with these hours and closing days (`None`: unknown).
fn mart(id: &str, hours: Option<&str>, closing: Option<&str>) -> Store {
    Store::new(NewStore {
        id: id.into(),
        chain: "이마트".into(),
        name: format!("이마트 {id}"),
        site: NewStoreSite::Offline {
            format: OfflineFormat::LargeMart,
            location: gangnam(),
            address: "서울 강남구 역삼로 310".into(),
            hours: hours.and_then(OpeningHours::parse),
            closing: closing.and_then(ClosingDays::parse),
        },
    })
    .expect("store")
}

fn mall(id: &str, name: &str) -> Store {
    Store::new(NewStore {
        id: id.into(),
        chain: name.into(),
        name: name.into(),
        site: NewStoreSite::Online(
            MallTerms::new(
                3_000,
                Some(19_800),
                10_000,
                "https://www.coupang.com/vp/cart",
            )
            .expect("terms"),
        ),
    })
    .expect("mall")
}

pub(crate) fn offer(store: &str, product: &str, krw: i64, at: DateTime<Utc>) -> Offer {
    Offer {
        store_id: StoreId::parse(store).expect("store id"),
        product_id: ProductId::parse(product).expect("product id"),
        price: PriceKrw::new(krw).expect("price"),
        observed_at: at,
        in_stock: true,
        discounted: false,
        flagged_outlier: false,
        provenance: ttokjang_domain::catalog::Provenance::of(
            ttokjang_domain::catalog::PriceOrigin::Sample,
        ),
    }
}

pub(crate) fn sample() -> CatalogBatch {
    CatalogBatch {
        stores: vec![
            shop("s-near", "GS더프레시 강남점", 300.0),
            shop("s-mid", "롯데슈퍼 역삼점", 800.0),
            shop("s-far", "하나로마트 양재점", 2_500.0),
            mall("m-coupang", "쿠팡"),
        ],
        products: vec![
            product(
                "milk",
                "서울우유 1L",
                "Seoul Milk 1L",
                &["우유", "milk"],
                Unit::Ml,
                1000,
            ),
            product(
                "eggs",
                "계란 30구",
                "Eggs 30",
                &["달걀", "한 판"],
                Unit::Ea,
                30,
            ),
            product("tofu", "풀무원 두부 300g", "Tofu", &["두부"], Unit::G, 300),
        ],
        offers: vec![
            offer("s-near", "milk", 2_980, t0()),
            offer("s-mid", "milk", 2_850, t0()),
            offer("s-near", "eggs", 7_980, t0()),
            offer("m-coupang", "milk", 2_790, t0()),
        ],
    }
}

fn q(s: &str) -> ProductQuery {
    ProductQuery::parse(s).expect("query")
}

async fn names(b: &Backend, query: &str) -> Vec<String> {
    b.catalog
        .search_products(&q(query), 0, 20)
        .await
        .expect("search")
        .iter()
        .map(|p| p.name().to_owned())
        .collect()
}

pub async fn search_finds_by_name_alias_english_and_typo(b: &Backend) {
    b.catalog.upsert_catalog(&sample()).await.expect("upsert");
    assert_eq!(names(b, "우유").await, ["서울우유 1L"]);
    assert_eq!(names(b, "달걀").await, ["계란 30구"], "by alias");
    assert_eq!(names(b, "한판").await, ["계란 30구"]);
    assert_eq!(names(b, "MILK").await, ["서울우유 1L"], "by English name");
    assert_eq!(names(b, "mlik").await, ["서울우유 1L"], "one transposition");
    assert!(names(b, "맥주").await.is_empty());
    // Paging: offset past the hits is empty, limit caps.
    let page = b
        .catalog
        .search_products(&q("l"), 0, 1)
        .await
        .expect("search");
    assert_eq!(page.len(), 1);
    assert!(b
        .catalog
        .search_products(&q("우유"), 1, 10)
        .await
        .expect("search")
        .is_empty());
}

pub async fn products_round_trip_with_every_field(b: &Backend) {
    let batch = sample();
    b.catalog.upsert_catalog(&batch).await.expect("upsert");
    let ids = [
        ProductId::parse("tofu").expect("id"),
        ProductId::parse("milk").expect("id"),
        ProductId::parse("nope").expect("id"),
    ];
    let got = b.catalog.get_products(&ids).await.expect("get");
    assert_eq!(
        got,
        vec![batch.products[0].clone(), batch.products[2].clone()]
    );
}

pub async fn stores_near_are_filtered_by_radius_and_sorted(b: &Backend) {
    b.catalog.upsert_catalog(&sample()).await.expect("upsert");
    let near = b
        .catalog
        .list_stores_near(gangnam(), 1_000.0, 0, 20)
        .await
        .expect("near");
    let ids: Vec<&str> = near.iter().map(|n| n.store.id().as_str()).collect();
    assert_eq!(
        ids,
        ["s-near", "s-mid"],
        "the mall and the far shop are left out"
    );
    assert!(
        (near[0].distance_m - 300.0).abs() < 2.0,
        "{}",
        near[0].distance_m
    );
    assert_eq!(near[0].store, sample().stores[0], "round trip");
    let all = b
        .catalog
        .list_stores_near(gangnam(), 3_000.0, 0, 20)
        .await
        .expect("near");
    assert_eq!(all.len(), 3);
    let second_page = b
        .catalog
        .list_stores_near(gangnam(), 3_000.0, 2, 20)
        .await
        .expect("near");
    assert_eq!(second_page.len(), 1);
    assert_eq!(second_page[0].store.id().as_str(), "s-far");
}

/// Hours and closing days round-trip; an import that does not know them
/// (참가격, most CSVs: `None`) keeps the stored ones; a large mart with no
/// rule of its own closes on the statutory 2nd and 4th Sunday.
pub async fn store_hours_and_closing_days_round_trip_and_survive_unknown_imports(b: &Backend) {
    let batch = |stores: Vec<Store>| CatalogBatch {
        stores,
        products: Vec::new(),
        offers: Vec::new(),
    };
    let own = mart("m-own", Some("10:00-24:00"), Some("2wed,4wed"));
    let unknown = mart("m-unknown", None, None);
    b.catalog
        .upsert_catalog(&batch(vec![own.clone(), unknown.clone()]))
        .await
        .expect("upsert");
    let read = |near: Vec<ttokjang_domain::catalog::NearbyStore>, id: &str| {
        near.into_iter()
            .find(|n| n.store.id().as_str() == id)
            .map(|n| n.store)
            .expect("stored")
    };
    let near = b
        .catalog
        .list_stores_near(gangnam(), 100.0, 0, 20)
        .await
        .expect("near");
    let got = read(near.clone(), "m-own");
    assert_eq!(got, own);
    assert_eq!(
        got.closing().map(ToString::to_string).as_deref(),
        Some("2wed,4wed")
    );
    assert_eq!(
        got.hours().map(|h| h.to_string()).as_deref(),
        Some("10:00-00:00")
    );
    let got = read(near, "m-unknown");
    assert_eq!(got, unknown);
    assert_eq!(got.closing(), None);
    assert_eq!(
        got.visiting().closing.to_string(),
        "2sun,4sun",
        "statutory default"
    );

    // A later import without hours or rules keeps them; one with a rule
    // replaces it.
    b.catalog
        .upsert_catalog(&batch(vec![
            mart("m-own", None, None),
            mart("m-unknown", Some("24h"), Some("none")),
        ]))
        .await
        .expect("upsert");
    let near = b
        .catalog
        .list_stores_near(gangnam(), 100.0, 0, 20)
        .await
        .expect("near");
    assert_eq!(read(near.clone(), "m-own"), own);
    let got = read(near, "m-unknown");
    assert_eq!(
        got.closing().map(ToString::to_string).as_deref(),
        Some("none")
    );
    assert_eq!(got.visiting().closing.to_string(), "none");
}

pub async fn online_malls_keep_their_terms(b: &Backend) {
    b.catalog.upsert_catalog(&sample()).await.expect("upsert");
    let malls = b.catalog.list_online_malls().await.expect("malls");
    assert_eq!(malls, vec![sample().stores[3].clone()]);
    let terms = malls[0].mall().expect("terms");
    assert_eq!(terms.free_delivery_threshold_krw(), Some(19_800));
    assert_eq!(terms.min_order_krw(), 10_000);
}

pub async fn reupsert_is_idempotent_and_updates_in_place(b: &Backend) {
    let want = CatalogCounts {
        stores: 4,
        products: 3,
        offers: 4,
    };
    assert_eq!(b.catalog.upsert_catalog(&sample()).await, Ok(want));
    assert_eq!(b.catalog.upsert_catalog(&sample()).await, Ok(want));
    assert_eq!(b.catalog.catalog_counts().await, Ok(want));

    // Same key, new price: updated, not duplicated.
    let mut changed = sample();
    changed.offers[0] = offer("s-near", "milk", 3_100, t0());
    changed.products[0] = product(
        "milk",
        "서울우유 1L",
        "Seoul Milk",
        &["우유"],
        Unit::Ml,
        1000,
    );
    assert_eq!(b.catalog.upsert_catalog(&changed).await, Ok(want));
    let offers = b
        .catalog
        .offers_for(
            &[ProductId::parse("milk").expect("id")],
            &[StoreId::parse("s-near").expect("id")],
        )
        .await
        .expect("offers");
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].price.krw(), 3_100);
    let p = b
        .catalog
        .get_products(&[ProductId::parse("milk").expect("id")])
        .await
        .expect("get");
    assert_eq!(p[0].aliases(), ["우유"]);
}

pub async fn invalid_row_in_a_batch_writes_nothing(b: &Backend) {
    let mut batch = sample();
    // The last offer names a product that exists nowhere.
    batch.offers.push(offer("s-near", "ghost", 1_000, t0()));
    assert!(matches!(
        b.catalog.upsert_catalog(&batch).await,
        Err(RepoError::Conflict(_))
    ));
    assert_eq!(
        b.catalog.catalog_counts().await,
        Ok(CatalogCounts::default())
    );

    // And an existing catalog is left exactly as it was.
    b.catalog.upsert_catalog(&sample()).await.expect("upsert");
    let before = b.catalog.catalog_counts().await.expect("counts");
    let mut bad = CatalogBatch {
        stores: vec![shop("s-new", "CU 신논현점", 100.0)],
        ..CatalogBatch::default()
    };
    bad.offers.push(offer("s-unknown", "milk", 1_000, t0()));
    assert!(b.catalog.upsert_catalog(&bad).await.is_err());
    assert_eq!(b.catalog.catalog_counts().await, Ok(before));
}

pub async fn offers_for_returns_the_latest_per_store_and_product(b: &Backend) {
    let mut batch = sample();
    batch
        .offers
        .push(offer("s-near", "milk", 2_500, t0() + Duration::days(1)));
    batch
        .offers
        .push(offer("s-near", "milk", 2_700, t0() - Duration::days(1)));
    b.catalog.upsert_catalog(&batch).await.expect("upsert");
    let got = b
        .catalog
        .offers_for(
            &[
                ProductId::parse("milk").expect("id"),
                ProductId::parse("eggs").expect("id"),
            ],
            &[
                StoreId::parse("s-near").expect("id"),
                StoreId::parse("m-coupang").expect("id"),
            ],
        )
        .await
        .expect("offers");
    let seen: Vec<(&str, &str, i64)> = got
        .iter()
        .map(|o| (o.product_id.as_str(), o.store_id.as_str(), o.price.krw()))
        .collect();
    assert_eq!(
        seen,
        [
            ("eggs", "s-near", 7_980),
            ("milk", "m-coupang", 2_790),
            ("milk", "s-near", 2_500),
        ]
    );
    assert_eq!(got[2].observed_at, t0() + Duration::days(1));
    assert!(b
        .catalog
        .offers_for(&[], &[StoreId::parse("s-near").expect("id")])
        .await
        .expect("empty")
        .is_empty());
}

/// The stores near a point — from the store's own scan and from the app's
/// in-memory spatial index (`CachedCatalog`) — are exactly those of a
/// brute-force scan over every store: same stores, nearest first, ties by id.
pub async fn stores_near_match_a_brute_force_scan(b: &Backend) {
    use std::sync::Arc;
    use ttokjang::catalog_cache::CachedCatalog;
    use ttokjang_domain::ports::CatalogRepository as _;

    // A fixed pseudo-random spread: dense near 강남역, thinning out to ~60 km,
    // a few stores sharing one spot (ties), and online malls (never near).
    let mut seed: u64 = 0x5eed_1600;
    let mut unit = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        f64::from(u32::try_from(seed >> 40).unwrap_or(0)) / f64::from(1u32 << 24)
    };
    let mut stores: Vec<Store> = (0..600)
        .map(|i| {
            let r_m = 60_000.0 * unit() * unit();
            let a = unit() * std::f64::consts::TAU;
            let lat = GANGNAM.0 + r_m * a.cos() / 111_195.0;
            let lng = GANGNAM.1 + r_m * a.sin() / (111_195.0 * GANGNAM.0.to_radians().cos());
            spot(&format!("b-{i:03}"), lat, lng)
        })
        .collect();
    for i in 0..5 {
        stores.push(spot(&format!("tie-{i}"), GANGNAM.0 + 0.01, GANGNAM.1));
    }
    stores.push(mall("mall-near", "가까운몰"));
    let batch = CatalogBatch {
        stores: stores.clone(),
        products: Vec::new(),
        offers: Vec::new(),
    };
    b.catalog.upsert_catalog(&batch).await.expect("upsert");
    let cache = CachedCatalog::new(Arc::clone(&b.catalog), std::time::Duration::from_secs(60));

    let points = [
        gangnam(),
        GeoPoint::new(GANGNAM.0 + 0.01, GANGNAM.1).expect("on the ties"),
        GeoPoint::new(37.5665, 126.9780).expect("시청"),
        GeoPoint::new(37.3000, 127.3000).expect("south-east"),
        GeoPoint::new(35.1796, 129.0756).expect("부산: nothing near"),
    ];
    for point in points {
        for radius in [0.0, 250.0, 1_000.0, 3_000.0, 10_000.0, 30_000.0, 100_000.0] {
            let mut brute: Vec<(f64, String)> = stores
                .iter()
                .filter_map(|s| Some((point.distance_m(s.location()?), s.id().to_string())))
                .filter(|(d, _)| *d <= radius)
                .collect();
            brute.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            let want: Vec<String> = brute.into_iter().map(|(_, id)| id).collect();
            let ids = |near: Vec<ttokjang_domain::catalog::NearbyStore>| -> Vec<String> {
                near.into_iter().map(|n| n.store.id().to_string()).collect()
            };
            let scanned = b
                .catalog
                .list_stores_near(point, radius, 0, 10_000)
                .await
                .expect("scan");
            let indexed = cache
                .list_stores_near(point, radius, 0, 10_000)
                .await
                .expect("index");
            assert_eq!(ids(scanned), want, "{}: store scan, {radius} m", b.name);
            assert_eq!(ids(indexed.clone()), want, "{}: index, {radius} m", b.name);
            // Pages of the index are pages of the whole answer.
            let page = cache
                .list_stores_near(point, radius, 3, 7)
                .await
                .expect("page");
            assert_eq!(
                page,
                indexed.into_iter().skip(3).take(7).collect::<Vec<_>>()
            );
        }
    }
    let mut offline: Vec<String> = stores
        .iter()
        .filter(|s| s.location().is_some())
        .map(|s| s.id().to_string())
        .collect();
    offline.sort();
    let listed = |v: Vec<Store>| -> Vec<String> { v.iter().map(|s| s.id().to_string()).collect() };
    assert_eq!(
        listed(b.catalog.list_offline_stores().await.expect("all")),
        offline
    );
    assert_eq!(
        listed(cache.list_offline_stores().await.expect("all")),
        offline
    );
}

/// An offline store at this point.
fn spot(id: &str, lat: f64, lng: f64) -> Store {
    Store::new(NewStore {
        id: id.into(),
        chain: "벤치".into(),
        name: format!("벤치 {id}"),
        site: NewStoreSite::Offline {
            format: OfflineFormat::Supermarket,
            location: GeoPoint::new(lat, lng).expect("point"),
            address: "서울 어딘가".into(),
            hours: None,
            closing: None,
        },
    })
    .expect("store")
}

pub async fn write_offers_is_atomic_and_idempotent(b: &Backend) {
    b.catalog.upsert_catalog(&sample()).await.expect("upsert");
    let before = b.catalog.catalog_counts().await.expect("counts");
    let day2 = t0() + Duration::days(1);
    let good = [
        offer("s-near", "milk", 2_900, day2),
        offer("s-mid", "eggs", 7_700, day2),
    ];
    b.catalog.write_offers(&good).await.expect("write");
    b.catalog.write_offers(&good).await.expect("again");
    let after = b.catalog.catalog_counts().await.expect("counts");
    assert_eq!(after.offers, before.offers + 2, "idempotent");
    // A batch with one offer of an unknown product writes nothing.
    let bad = [
        offer("s-far", "milk", 3_000, day2),
        offer("s-far", "ghost", 1_000, day2),
    ];
    assert!(b.catalog.write_offers(&bad).await.is_err());
    assert_eq!(b.catalog.catalog_counts().await, Ok(after));
}

fn review_item(id: &str, candidates: &[&str]) -> ReviewItem {
    ReviewItem {
        product_id: ProductId::parse(id).expect("id"),
        name: format!("{id} 이름"),
        candidates: candidates
            .iter()
            .map(|c| ProductId::parse(c).expect("id"))
            .collect(),
        reason: "same pack and a similar name".into(),
    }
}

pub async fn reviews_are_listed_once_and_decided_once(b: &Backend) {
    let items = [
        review_item("kca-1", &["milk"]),
        review_item("kca-2", &["milk", "eggs"]),
    ];
    assert_eq!(b.reviews.add_reviews(&items, t0()).await, Ok(2));
    assert_eq!(
        b.reviews
            .add_reviews(&items, t0() + Duration::hours(1))
            .await,
        Ok(0),
        "listed once"
    );
    let listed = b.reviews.list_reviews(true).await.expect("list");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1].item, items[1], "round trip");
    assert_eq!(listed[0].status, ReviewStatus::Pending);
    assert_eq!(listed[0].listed_at, t0());

    let at = t0() + Duration::hours(2);
    let one = ProductId::parse("kca-1").expect("id");
    match b
        .reviews
        .resolve_review(&one, &ReviewDecision::Distinct, at)
        .await
    {
        Ok(Resolved::Done(e)) => {
            assert_eq!(e.status, ReviewStatus::Distinct);
            assert_eq!(e.resolved_at, Some(at));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        b.reviews
            .resolve_review(&one, &ReviewDecision::Distinct, at)
            .await,
        Ok(Resolved::AlreadyDecided(_))
    ));
    assert!(matches!(
        b.reviews
            .resolve_review(
                &ProductId::parse("kca-9").expect("id"),
                &ReviewDecision::Distinct,
                at
            )
            .await,
        Ok(Resolved::NotListed)
    ));
    // A decided review is not listed again by a later import.
    assert_eq!(b.reviews.add_reviews(&items[..1], at).await, Ok(0));
    assert_eq!(
        b.reviews.list_reviews(true).await.expect("pending").len(),
        1
    );
    assert_eq!(b.reviews.list_reviews(false).await.expect("all").len(), 2);
    let found = b
        .reviews
        .reviews_for(&[one.clone(), ProductId::parse("kca-8").expect("id")])
        .await
        .expect("for");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].item.product_id, one);
}

pub async fn merging_a_review_moves_its_offers_atomically(b: &Backend) {
    let mut batch = sample();
    batch.products.push(product(
        "kca-milk",
        "서울 우유 1L",
        "Seoul Milk",
        &[],
        Unit::Ml,
        1000,
    ));
    // s-near has a milk offer at t0 already: that one is kept.
    batch.offers.push(offer("s-near", "kca-milk", 3_300, t0()));
    batch.offers.push(offer("s-far", "kca-milk", 2_600, t0()));
    b.catalog.upsert_catalog(&batch).await.expect("upsert");
    b.reviews
        .add_reviews(&[review_item("kca-milk", &["milk"])], t0())
        .await
        .expect("add");
    let kca = ProductId::parse("kca-milk").expect("id");
    let milk = ProductId::parse("milk").expect("id");
    let at = t0() + Duration::hours(1);
    // An unknown target changes nothing.
    let ghost = ReviewDecision::Merge {
        into: ProductId::parse("ghost").expect("id"),
    };
    assert_eq!(
        b.reviews.resolve_review(&kca, &ghost, at).await,
        Ok(Resolved::UnknownTarget)
    );
    assert_eq!(b.reviews.list_reviews(true).await.expect("list").len(), 1);
    assert_eq!(
        b.catalog
            .get_products(std::slice::from_ref(&kca))
            .await
            .expect("get")
            .len(),
        1
    );

    let merge = ReviewDecision::Merge { into: milk.clone() };
    match b.reviews.resolve_review(&kca, &merge, at).await {
        Ok(Resolved::Done(e)) => {
            assert_eq!(e.status, ReviewStatus::Merged);
            assert_eq!(e.merged_into, Some(milk.clone()));
        }
        other => panic!("{other:?}"),
    }
    assert!(b
        .catalog
        .get_products(std::slice::from_ref(&kca))
        .await
        .expect("get")
        .is_empty());
    let offers = b
        .catalog
        .offers_for(
            &[milk.clone(), kca.clone()],
            &[
                StoreId::parse("s-near").expect("id"),
                StoreId::parse("s-far").expect("id"),
            ],
        )
        .await
        .expect("offers");
    let got: Vec<(&str, &str, i64)> = offers
        .iter()
        .map(|o| (o.product_id.as_str(), o.store_id.as_str(), o.price.krw()))
        .collect();
    assert_eq!(got, [("milk", "s-far", 2_600), ("milk", "s-near", 2_980)]);
    assert!(matches!(
        b.reviews.resolve_review(&kca, &merge, at).await,
        Ok(Resolved::AlreadyDecided(_))
    ));
}
