//! What a search result shows next to a product: the lowest price among the
//! stores near the shopper, how many of them carry it, and the unit price on
//! the legal basis (단위가격 표시: 100 g, 100 ml or one piece).

use std::collections::{BTreeMap, BTreeSet};

use super::{Offer, Product, ProductId, StoreId, Unit};

/// The basis a unit price is given on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitBasis {
    /// per 100 g
    Per100G,
    /// per 100 ml
    Per100Ml,
    /// per piece
    PerPiece,
}

impl UnitBasis {
    /// `100g`, `100ml` or `1ea`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Per100G => "100g",
            Self::Per100Ml => "100ml",
            Self::PerPiece => "1ea",
        }
    }
}

/// A price per basis, rounded to the nearest 원 (half up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitPrice {
    pub basis: UnitBasis,
    pub krw: i64,
}

/// `price_krw` for a pack of `size` `unit`s on the legal basis; `None` for a
/// size of 0 (which the catalog never holds) or a non-positive price.
pub fn unit_price(price_krw: i64, unit: Unit, size: u32) -> Option<UnitPrice> {
    if size == 0 || price_krw <= 0 {
        return None;
    }
    let (basis, per) = match unit {
        Unit::G => (UnitBasis::Per100G, 100),
        Unit::Ml => (UnitBasis::Per100Ml, 100),
        Unit::Ea => (UnitBasis::PerPiece, 1),
    };
    let size = i128::from(size);
    let num = i128::from(price_krw) * per;
    // round half up on integers (no floating point in money)
    let krw = (2 * num + size) / (2 * size);
    Some(UnitPrice {
        basis,
        krw: i64::try_from(krw).ok()?,
    })
}

/// One product's prices near the shopper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearbyPrice {
    pub product_id: ProductId,
    /// The lowest price of an in-stock, not outlier-flagged offer; `None` when no
    /// nearby store has one.
    pub lowest_krw: Option<i64>,
    /// How many distinct nearby stores have such an offer.
    pub store_count: u32,
    /// The unit price of `lowest_krw`.
    pub unit_price: Option<UnitPrice>,
}

/// The nearby price of each product, in the products' order. `offers` are the
/// latest offers at the nearby stores (any order); out-of-stock and
/// outlier-flagged offers do not count.
pub fn nearby_prices(products: &[Product], offers: &[Offer]) -> Vec<NearbyPrice> {
    let mut best: BTreeMap<&ProductId, (i64, BTreeSet<&StoreId>)> = BTreeMap::new();
    for o in offers.iter().filter(|o| o.in_stock && !o.flagged_outlier) {
        let entry = best
            .entry(&o.product_id)
            .or_insert_with(|| (o.price.krw(), BTreeSet::new()));
        entry.0 = entry.0.min(o.price.krw());
        entry.1.insert(&o.store_id);
    }
    products
        .iter()
        .map(|p| match best.get(p.id()) {
            Some((low, stores)) => NearbyPrice {
                product_id: p.id().clone(),
                lowest_krw: Some(*low),
                store_count: u32::try_from(stores.len()).unwrap_or(u32::MAX),
                unit_price: unit_price(*low, p.unit(), p.size()),
            },
            None => NearbyPrice {
                product_id: p.id().clone(),
                lowest_krw: None,
                store_count: 0,
                unit_price: None,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_prices_on_the_legal_basis() {
        // 우유 900 ml at 2,980원 → 331원/100ml (331.1)
        assert_eq!(
            unit_price(2_980, Unit::Ml, 900),
            Some(UnitPrice {
                basis: UnitBasis::Per100Ml,
                krw: 331
            })
        );
        // 삼겹살 600 g at 15,900원 → 2,650원/100g
        assert_eq!(
            unit_price(15_900, Unit::G, 600),
            Some(UnitPrice {
                basis: UnitBasis::Per100G,
                krw: 2_650
            })
        );
        // 계란 30구 at 7,990원 → 266원/개 (266.33)
        assert_eq!(
            unit_price(7_990, Unit::Ea, 30),
            Some(UnitPrice {
                basis: UnitBasis::PerPiece,
                krw: 266
            })
        );
        // half up: 1,000원 for 8 pieces = 125; 1,001원 / 2 = 500.5 → 501
        assert_eq!(unit_price(1_001, Unit::Ea, 2).map(|u| u.krw), Some(501));
        assert_eq!(unit_price(1_000, Unit::G, 0), None);
        assert_eq!(unit_price(0, Unit::G, 100), None);
        assert_eq!(UnitBasis::Per100Ml.as_str(), "100ml");
    }

    fn product(id: &str, unit: Unit, size: u32) -> Product {
        Product::new(super::super::NewProduct {
            id: id.into(),
            name: id.into(),
            name_en: None,
            aliases: vec![],
            category: "dairy".into(),
            unit,
            size,
            barcode: None,
        })
        .expect("product")
    }

    fn offer(store: &str, product: &str, krw: i64, in_stock: bool, outlier: bool) -> Offer {
        Offer {
            store_id: StoreId::parse(store).expect("store id"),
            product_id: ProductId::parse(product).expect("product id"),
            price: super::super::PriceKrw::new(krw).expect("price"),
            observed_at: chrono::DateTime::UNIX_EPOCH,
            in_stock,
            discounted: false,
            flagged_outlier: outlier,
        }
    }

    #[test]
    fn lowest_in_stock_price_and_distinct_stores() {
        let products = [
            product("milk", Unit::Ml, 900),
            product("eggs", Unit::Ea, 30),
            product("tofu", Unit::G, 300),
        ];
        let offers = [
            offer("s1", "milk", 3_180, true, false),
            offer("s2", "milk", 2_980, true, false),
            offer("s3", "milk", 1_000, false, false), // out of stock: not counted
            offer("s4", "milk", 100, true, true),     // outlier: not counted
            offer("s1", "eggs", 7_990, true, false),
            offer("s9", "other", 500, true, false),
        ];
        let got = nearby_prices(&products, &offers);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].product_id.as_str(), "milk");
        assert_eq!(got[0].lowest_krw, Some(2_980));
        assert_eq!(got[0].store_count, 2);
        assert_eq!(
            got[0].unit_price,
            Some(UnitPrice {
                basis: UnitBasis::Per100Ml,
                krw: 331
            })
        );
        assert_eq!(got[1].lowest_krw, Some(7_990));
        assert_eq!(got[1].store_count, 1);
        assert_eq!(
            got[1].unit_price.map(|u| (u.basis, u.krw)),
            Some((UnitBasis::PerPiece, 266))
        );
        assert_eq!(
            got[2],
            NearbyPrice {
                product_id: ProductId::parse("tofu").expect("id"),
                lowest_krw: None,
                store_count: 0,
                unit_price: None
            }
        );
    }
}
