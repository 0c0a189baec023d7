use super::*;

fn product(id: &str, name: &str) -> NewProduct {
    NewProduct {
        id: id.into(),
        name: name.into(),
        name_en: Some("Milk".into()),
        aliases: vec!["우유".into(), "우유".into(), "milk".into()],
        category: "dairy".into(),
        unit: Unit::Ml,
        size: 1000,
        barcode: None,
    }
}

#[test]
fn product_is_validated_and_aliases_deduplicated() {
    let p = Product::new(product("p1", " 서울우유 1L ")).expect("valid");
    assert_eq!(p.name(), "서울우유 1L");
    assert_eq!(p.aliases(), ["우유", "milk"]);
    assert!(Product::new(product("", "x")).is_err());
    assert!(Product::new(product("a b", "x")).is_err());
    assert!(Product::new(product("p1", "  ")).is_err());
    let mut zero = product("p1", "x");
    zero.size = 0;
    assert!(Product::new(zero).is_err());
    let mut bad_barcode = product("p1", "x");
    bad_barcode.barcode = Some("12ab".into());
    assert!(Product::new(bad_barcode).is_err());
}

#[test]
fn prices_must_be_positive() {
    assert!(PriceKrw::new(0).is_err());
    assert!(PriceKrw::new(-10).is_err());
    assert!(PriceKrw::new(PriceKrw::MAX).is_err());
    assert_eq!(PriceKrw::new(2_980).map(PriceKrw::krw), Ok(2_980));
}

#[test]
fn mall_terms_check_url_and_fees() {
    let t =
        MallTerms::new(3_000, Some(19_800), 0, "https://www.coupang.com/vp/cart").expect("valid");
    assert_eq!(t.delivery_fee_for(19_799), 3_000);
    assert_eq!(t.delivery_fee_for(19_800), 0);
    for bad in [
        "http://www.coupang.com/",
        "https://user@www.coupang.com/",
        "https://www.coupang.com:8443/",
        "https:\\\\evil.com",
        "javascript:alert(1)",
        "https://",
    ] {
        assert!(MallTerms::new(0, None, 0, bad).is_err(), "{bad}");
    }
    assert!(MallTerms::new(-1, None, 0, "https://a.kr/").is_err());
    assert!(MallTerms::new(0, Some(0), 0, "https://a.kr/").is_err());
}

#[test]
fn opening_hours_round_trip() {
    for s in ["24h", "10:00-23:00", "22:00-02:00"] {
        assert_eq!(
            OpeningHours::parse(s).map(|h| h.to_string()).as_deref(),
            Some(s)
        );
    }
    assert_eq!(OpeningHours::parse("10:00-10:00"), None);
    assert_eq!(OpeningHours::parse("25:00-10:00"), None);
}

fn shop(id: &str, lat: f64, lng: f64) -> Store {
    Store::new(NewStore {
        id: id.into(),
        chain: "CU".into(),
        name: format!("CU {id}"),
        site: NewStoreSite::Offline {
            format: OfflineFormat::Convenience,
            location: GeoPoint::new(lat, lng).expect("point"),
            address: "서울".into(),
            hours: Some(OpeningHours::Always),
            closing: None,
        },
    })
    .expect("store")
}

#[test]
fn nearest_filters_by_radius_and_sorts_by_distance() {
    let here = GeoPoint::new(37.4985, 127.0292).expect("here");
    let stores = vec![
        shop("far", 37.5200, 127.0292),
        shop("b", 37.5000, 127.0292),
        shop("a", 37.4990, 127.0292),
    ];
    let near = nearest(stores, here, 1000.0);
    let ids: Vec<&str> = near.iter().map(|n| n.store.id().as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert!(near[0].distance_m < near[1].distance_m);
}

#[test]
fn latest_offer_wins() {
    let at = |s: i64| DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap_or_default();
    let offer = |store: &str, krw: i64, t: i64| Offer {
        store_id: StoreId::parse(store).expect("s"),
        product_id: ProductId::parse("milk").expect("p"),
        price: PriceKrw::new(krw).expect("price"),
        observed_at: at(t),
        in_stock: true,
        discounted: false,
        flagged_outlier: false,
        provenance: crate::catalog::Provenance::of(crate::catalog::PriceOrigin::Sample),
    };
    let got = latest_offers(vec![offer("b", 1, 0), offer("a", 2, 5), offer("a", 3, 9)]);
    let prices: Vec<i64> = got.iter().map(|o| o.price.krw()).collect();
    assert_eq!(prices, [3, 1]);
}

#[test]
fn store_kind_follows_its_site() {
    let s = Store::new(NewStore {
        id: "mall-1".into(),
        chain: "쿠팡".into(),
        name: "쿠팡 로켓프레시".into(),
        site: NewStoreSite::Online(
            MallTerms::new(3_000, None, 0, "https://www.coupang.com/").expect("terms"),
        ),
    })
    .expect("store");
    assert_eq!(s.kind(), StoreKind::Online);
    assert_eq!(s.format(), "online_mall");
    assert_eq!(s.location(), None);
}
