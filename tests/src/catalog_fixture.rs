//! A small, exactly known catalog for plan tests: three marts near 강남역 and
//! three online malls, with prices chosen so the best plans are known by hand.

use chrono::{DateTime, Utc};
use ttokjang_domain::catalog::{
    CatalogBatch, GeoPoint, MallTerms, NewProduct, NewStore, NewStoreSite, Offer, OfflineFormat,
    PriceKrw, Product, ProductId, Store, StoreId, Unit,
};
use ttokjang_domain::ports::CatalogRepository;

fn product(id: &str, name: &str, en: &str, aliases: &[&str], unit: Unit, size: u32) -> Product {
    Product::new(NewProduct {
        id: id.into(),
        name: name.into(),
        name_en: Some(en.into()),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        category: "test".into(),
        unit,
        size,
        barcode: None,
    })
    .expect("valid product")
}

fn mart(id: &str, chain: &str, name: &str, lat: f64, lng: f64) -> Store {
    Store::new(NewStore {
        id: id.into(),
        chain: chain.into(),
        name: name.into(),
        site: NewStoreSite::Offline {
            format: OfflineFormat::Supermarket,
            location: GeoPoint::new(lat, lng).expect("point"),
            address: "서울 강남구".into(),
            hours: None,
            closing: None,
        },
    })
    .expect("valid store")
}

fn mall(id: &str, name: &str, fee: i64, free_from: Option<i64>, min: i64, url: &str) -> Store {
    Store::new(NewStore {
        id: id.into(),
        chain: name.into(),
        name: name.into(),
        site: NewStoreSite::Online(MallTerms::new(fee, free_from, min, url).expect("terms")),
    })
    .expect("valid mall")
}

fn offer(store: &str, product: &str, krw: i64, at: DateTime<Utc>) -> Offer {
    Offer {
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
    }
}

/// Products: `milk` (우유), `eggs` (계란 30구, alias 달걀), `tofu` (두부),
/// `ramen` (라면, sold nowhere). Marts: `mart-a` (150 m, milk/eggs cheap),
/// `mart-b` (400 m, tofu only), `mart-c` (far: 5 km, everything cheapest).
/// Malls: `mall-x` (fee 3000, free from 20000), `mall-y` (fee 2500, no
/// threshold), `mall-z` (fee 0, min order 15000).
pub fn batch() -> CatalogBatch {
    let at = DateTime::from_timestamp(1_790_000_000, 0).expect("instant");
    CatalogBatch {
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
                &["달걀", "한 판", "egg"],
                Unit::Ea,
                30,
            ),
            product("tofu", "두부 300g", "Tofu", &["두부", "tofu"], Unit::G, 300),
            product("ramen", "라면 5입", "Ramen 5 pack", &["라면"], Unit::Ea, 5),
        ],
        stores: vec![
            mart(
                "mart-a",
                "테스트마트",
                "테스트마트 강남점",
                37.4990,
                127.0300,
            ),
            mart("mart-b", "두부가게", "두부가게 역삼점", 37.5010, 127.0330),
            mart("mart-c", "먼마트", "먼마트 잠실점", 37.5130, 127.0820),
            mall(
                "mall-x",
                "엑스몰",
                3000,
                Some(20_000),
                0,
                "https://www.coupang.com/cart",
            ),
            mall(
                "mall-y",
                "와이몰",
                2500,
                None,
                0,
                "https://www.ssg.com/cart",
            ),
            mall(
                "mall-z",
                "제트몰",
                0,
                None,
                15_000,
                "https://www.kurly.com/cart",
            ),
        ],
        offers: vec![
            offer("mart-a", "milk", 2_800, at),
            offer("mart-a", "eggs", 7_900, at),
            offer("mart-b", "tofu", 1_500, at),
            offer("mart-c", "milk", 1_000, at),
            offer("mart-c", "eggs", 3_000, at),
            offer("mart-c", "tofu", 500, at),
            offer("mall-x", "milk", 2_700, at),
            offer("mall-x", "eggs", 8_200, at),
            offer("mall-x", "tofu", 1_400, at),
            offer("mall-y", "milk", 2_500, at),
            offer("mall-y", "eggs", 8_900, at),
            offer("mall-z", "milk", 2_900, at),
            offer("mall-z", "eggs", 7_500, at),
            offer("mall-z", "tofu", 1_600, at),
        ],
    }
}

pub async fn load(catalog: &dyn CatalogRepository) {
    catalog
        .upsert_catalog(&batch())
        .await
        .expect("catalog loads");
}

/// A crowded neighbourhood for the "every store in reach" tests: the
/// products of [`batch`] and 70 supermarkets between 400 m and 2.3 km of
/// 강남역 (the default planning location), priced 100–109 % of a base price,
/// plus `mart-far` at ≈ 2.8 km, 20 % below the cheapest price of every
/// product. The 60 nearest stores do not include `mart-far`.
/// Two marts 300 m north and south of 강남역: each is a little cheaper on
/// one product, so buying at both saves 100원 on a milk-and-eggs basket but
/// takes twice the walk and one more stop (the `best_value` case).
pub fn time_value_batch() -> CatalogBatch {
    let at = DateTime::from_timestamp(1_790_000_000, 0).expect("instant");
    let (lat0, lng0) = (37.4985f64, 127.0292f64);
    let north = |m: f64| m / 111_195.0;
    let mut all = batch();
    all.stores = vec![
        mart("tv-a", "북마트", "북마트 강남점", lat0 + north(300.0), lng0),
        mart("tv-b", "남마트", "남마트 강남점", lat0 - north(300.0), lng0),
    ];
    all.offers = vec![
        offer("tv-a", "milk", 2_800, at),
        offer("tv-a", "eggs", 7_900, at),
        offer("tv-b", "milk", 2_700, at),
        offer("tv-b", "eggs", 8_000, at),
    ];
    all
}

pub fn crowded_batch() -> CatalogBatch {
    let at = DateTime::from_timestamp(1_790_000_000, 0).expect("instant");
    let base = [("milk", 2_800i64), ("eggs", 7_900), ("tofu", 1_500)];
    let (lat0, lng0) = (37.4985f64, 127.0292f64);
    // Metres to degrees near 강남역.
    let north = |m: f64| m / 111_195.0;
    let east = |m: f64| m / (111_195.0 * lat0.to_radians().cos());
    let mut stores = Vec::new();
    let mut offers = Vec::new();
    for i in 0..70u32 {
        let angle = f64::from(i) * 2.4;
        let r = 400.0 + f64::from(i) * 27.0;
        let id = format!("near-{i:02}");
        stores.push(mart(
            &id,
            "동네마트",
            &format!("동네마트 {i}호점"),
            lat0 + north(r * angle.sin()),
            lng0 + east(r * angle.cos()),
        ));
        for (p, price) in base {
            let bump = i64::from(i % 10);
            offers.push(offer(&id, p, price * (100 + bump) / 100, at));
        }
    }
    stores.push(mart(
        "mart-far",
        "먼마트",
        "먼마트 대치점",
        lat0 + north(-2_000.0),
        lng0 + east(1_950.0),
    ));
    for (p, price) in base {
        offers.push(offer("mart-far", p, price * 80 / 100, at));
    }
    let mut all = batch();
    all.stores = stores;
    all.offers = offers;
    all
}
