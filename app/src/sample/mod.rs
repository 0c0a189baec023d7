//! The sample catalog shipped with Ttokjang: shops around 강남역, online malls,
//! common groceries and their prices. It is SAMPLE DATA (see docs/CATALOG.md):
//! names follow real chains and products, but locations are approximate and
//! prices are generated.
//!
//! Prices are generated deterministically: each product's typical large-mart
//! price × a factor for the store's format (convenience stores dearer,
//! markets cheaper for fresh food, malls by mall) × a per-(store, product)
//! variation of ±7 %, rounded the way price tags are (…,980원). Whether a
//! store carries a product at all, is out of stock or has it on discount is
//! drawn from the same seeded generator, so every build yields the same data.

mod products;
mod stores;

use chrono::{DateTime, Utc};
use ttokjang_domain::catalog::outlier::flag_outliers;
use ttokjang_domain::catalog::{
    CatalogBatch, GeoPoint, MallTerms, NewProduct, NewStore, NewStoreSite, Offer, OfflineFormat,
    OpeningHours, PriceKrw, PriceOrigin, Product, Provenance, Store,
};
use ttokjang_domain::user::InvalidValue;

pub use products::PRODUCTS;
pub use stores::{MALLS, SHOPS};

/// When the sample prices were "observed": 2026-11-23 00:00 Asia/Seoul.
pub const OBSERVED_AT_UNIX: i64 = 1_795_359_600;

/// A seeded generator (SplitMix64): tiny, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    /// Seeded from the text of the pair, so adding a store or product leaves
    /// the others' prices unchanged.
    fn for_pair(store: &str, product: &str) -> Self {
        // FNV-1a over "store|product".
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in store.bytes().chain([b'|']).chain(product.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Self(h)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn is_fresh(category: &str) -> bool {
    matches!(
        category,
        "vegetables" | "fruit" | "meat" | "seafood" | "eggs" | "tofu_beans" | "rice_grains"
    )
}

/// Where a store sells: what share of products it carries and its price factor.
#[derive(Debug, Clone, Copy)]
enum Seller {
    Shop(OfflineFormat, &'static str),
    Mall(f64),
}

/// The chance that `seller` carries a product of `category`, and its price
/// factor against the large-mart base.
fn terms(seller: Seller, category: &str) -> (f64, f64) {
    let fresh = is_fresh(category);
    match seller {
        Seller::Shop(format, chain) => {
            let (carry, factor) = match format {
                OfflineFormat::LargeMart => (0.93, 1.0),
                OfflineFormat::Department => (0.85, 1.22),
                OfflineFormat::Supermarket => (if fresh { 0.75 } else { 0.8 }, 1.07),
                OfflineFormat::Convenience => match category {
                    "beverages" | "snacks" => (0.8, 1.3),
                    "noodles" | "dairy" | "processed" | "frozen" | "bakery" => (0.5, 1.3),
                    "eggs" | "tofu_beans" | "household" => (0.3, 1.35),
                    _ => (0.0, 1.35),
                },
                OfflineFormat::TraditionalMarket => match category {
                    "vegetables" | "fruit" => (0.9, 0.82),
                    "meat" | "seafood" | "eggs" | "tofu_beans" => (0.8, 0.9),
                    "rice_grains" | "sauces" => (0.45, 0.95),
                    "processed" => (0.2, 1.0),
                    _ => (0.0, 1.0),
                },
            };
            // Chain habits: 하나로마트 is strong on produce and rice, 노브랜드
            // cheap on packaged goods but thin on fresh food.
            let factor = match (chain, fresh) {
                ("하나로마트", true) => factor * 0.9,
                ("노브랜드", false) => factor * 0.88,
                _ => factor,
            };
            let carry = if chain == "노브랜드" && fresh {
                carry * 0.5
            } else {
                carry
            };
            (carry, factor)
        }
        Seller::Mall(factor) => (if fresh { 0.85 } else { 0.92 }, factor),
    }
}

/// Rounds like a price tag: ≥ 2,000원 to the next …80 or …90 below a hundred
/// (2,953 → 2,980), otherwise to 10원.
fn tag_price(raw: f64, rng: &mut Rng) -> i64 {
    let raw = raw.max(100.0);
    if raw >= 2_000.0 {
        let hundreds = (raw / 100.0).ceil() as i64 * 100;
        hundreds - if rng.unit() < 0.7 { 20 } else { 10 }
    } else {
        (raw / 10.0).round() as i64 * 10
    }
}

fn product(row: &products::ProductRow) -> Result<Product, InvalidValue> {
    let (id, name, en, aliases, category, unit, size, _) = *row;
    Product::new(NewProduct {
        id: format!("p{id:04}"),
        name: name.to_owned(),
        name_en: Some(en.to_owned()),
        aliases: aliases.split('|').map(str::to_owned).collect(),
        category: category.to_owned(),
        unit,
        size,
        barcode: None,
    })
}

fn shop(row: &stores::ShopRow) -> Result<Store, InvalidValue> {
    let (id, chain, name, format, lat, lng, address, hours) = *row;
    Store::new(NewStore {
        id: id.to_owned(),
        chain: chain.to_owned(),
        name: name.to_owned(),
        site: NewStoreSite::Offline {
            format,
            location: GeoPoint::new(lat, lng)?,
            address: address.to_owned(),
            hours: OpeningHours::parse(hours),
            closing: Some(stores::closing_days(chain, format, address)),
        },
    })
}

fn mall(row: &stores::MallRow) -> Result<Store, InvalidValue> {
    let (id, chain, name, fee, threshold, min_order, url, _) = *row;
    Store::new(NewStore {
        id: id.to_owned(),
        chain: chain.to_owned(),
        name: name.to_owned(),
        site: NewStoreSite::Online(MallTerms::new(fee, threshold, min_order, url)?),
    })
}

/// The whole sample catalog as one batch (outliers flagged).
pub fn batch() -> Result<CatalogBatch, InvalidValue> {
    let observed_at: DateTime<Utc> =
        DateTime::from_timestamp(OBSERVED_AT_UNIX, 0).unwrap_or_default();
    let products = PRODUCTS
        .iter()
        .map(product)
        .collect::<Result<Vec<_>, _>>()?;
    let mut stores = SHOPS.iter().map(shop).collect::<Result<Vec<_>, _>>()?;
    stores.extend(MALLS.iter().map(mall).collect::<Result<Vec<_>, _>>()?);

    let sellers: Vec<Seller> = SHOPS
        .iter()
        .map(|s| Seller::Shop(s.3, s.1))
        .chain(MALLS.iter().map(|m| Seller::Mall(m.7)))
        .collect();
    let mut offers = Vec::new();
    for (store, seller) in stores.iter().zip(&sellers) {
        for (p, row) in products.iter().zip(PRODUCTS) {
            let (category, base) = (row.4, row.7);
            let mut rng = Rng::for_pair(store.id().as_str(), p.id().as_str());
            let (carry, factor) = terms(*seller, category);
            if rng.unit() >= carry {
                continue;
            }
            let variation = 0.93 + 0.14 * rng.unit();
            let discounted = rng.unit() < 0.1;
            let in_stock = rng.unit() >= 0.03;
            let mut raw = base as f64 * factor * variation;
            if discounted {
                raw *= 0.85;
            }
            offers.push(Offer {
                store_id: store.id().clone(),
                product_id: p.id().clone(),
                price: PriceKrw::new(tag_price(raw, &mut rng))?,
                observed_at,
                in_stock,
                discounted,
                flagged_outlier: false,
                provenance: Provenance::of(PriceOrigin::Sample),
            });
        }
    }
    flag_outliers(&mut offers);
    Ok(CatalogBatch {
        stores,
        products,
        offers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use ttokjang_domain::catalog::StoreKind;

    #[test]
    fn the_sample_is_big_enough_valid_and_deterministic() {
        let b = batch().expect("valid sample");
        assert!(b.products.len() >= 200, "{} products", b.products.len());
        let offline = b
            .stores
            .iter()
            .filter(|s| s.kind() == StoreKind::Offline)
            .count();
        assert!(offline >= 25, "{offline} shops");
        assert!(b.stores.len() - offline >= 5);
        assert_eq!(batch().expect("again"), b, "deterministic");

        let ids: HashSet<_> = b.products.iter().map(|p| p.id().clone()).collect();
        assert_eq!(ids.len(), b.products.len(), "product ids are unique");
        let ids: HashSet<_> = b.stores.iter().map(|s| s.id().clone()).collect();
        assert_eq!(ids.len(), b.stores.len(), "store ids are unique");
        let names: HashSet<_> = b.products.iter().map(|p| p.name()).collect();
        assert_eq!(names.len(), b.products.len(), "product names are unique");
        assert_eq!(
            ttokjang_domain::catalog::identity::duplicates(&b.products),
            Vec::<Vec<_>>::new(),
            "every good once by name and pack"
        );
    }

    #[test]
    fn every_shop_is_within_3_km_of_gangnam_station() {
        let gangnam = GeoPoint::new(37.4985, 127.0292).expect("point");
        for s in batch().expect("sample").stores {
            if let Some(at) = s.location() {
                let d = gangnam.distance_m(at);
                assert!(d <= 3_000.0, "{} is {d:.0} m away", s.name());
            }
        }
    }

    #[test]
    fn prices_have_realistic_spread_and_gaps() {
        let b = batch().expect("sample");
        let price = |store: &str, product: &str| {
            b.offers
                .iter()
                .find(|o| o.store_id.as_str() == store && o.product_id.as_str() == product)
                .map(|o| o.price.krw())
        };
        // Convenience stores carry no fresh produce.
        assert_eq!(price("cu-gangnamstation", "p0201"), None);
        // The average convenience price is well above the large-mart average.
        let avg = |pred: &dyn Fn(&str) -> bool| {
            let v: Vec<f64> = b
                .offers
                .iter()
                .filter(|o| pred(o.store_id.as_str()) && !o.discounted)
                .map(|o| {
                    let base = PRODUCTS
                        .iter()
                        .find(|r| format!("p{:04}", r.0) == o.product_id.as_str())
                        .map_or(1, |r| r.7);
                    o.price.krw() as f64 / base as f64
                })
                .collect();
            v.iter().sum::<f64>() / v.len() as f64
        };
        let cvs = avg(&|s| s.starts_with("cu-") || s.starts_with("gs25-"));
        let marts = avg(&|s| s.starts_with("emart-") || s.starts_with("homeplus-gangnam"));
        assert!(
            cvs > marts * 1.2,
            "convenience {cvs:.2} vs marts {marts:.2}"
        );
        // Some offers are missing, some out of stock, some discounted.
        let pairs = b.stores.len() * b.products.len();
        assert!(b.offers.len() < pairs * 3 / 4, "gaps exist");
        assert!(b.offers.iter().any(|o| !o.in_stock));
        assert!(b.offers.iter().any(|o| o.discounted));
        // Every offered price ends in 0.
        assert!(b.offers.iter().all(|o| o.price.krw() % 10 == 0));
    }

    #[test]
    fn observed_at_is_midnight_in_seoul() {
        let at = DateTime::from_timestamp(OBSERVED_AT_UNIX, 0).expect("instant");
        assert_eq!(at.to_rfc3339(), "2026-11-22T15:00:00+00:00");
    }
}
