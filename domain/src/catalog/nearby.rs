//! What a search result shows next to a product: the lowest price among the
//! stores near the shopper, how many of them carry it, and the unit price on
//! the legal basis (단위가격 표시: 100 g, 100 ml or one piece — see [`super::pack`]).

use std::collections::{BTreeMap, BTreeSet};

use super::pack::UnitPrice;
use super::{Offer, PriceKrw, Product, ProductId, StoreId};

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
    let mut best: BTreeMap<&ProductId, (PriceKrw, BTreeSet<&StoreId>)> = BTreeMap::new();
    for o in offers.iter().filter(|o| o.in_stock && !o.flagged_outlier) {
        let entry = best
            .entry(&o.product_id)
            .or_insert_with(|| (o.price, BTreeSet::new()));
        if o.price.krw() < entry.0.krw() {
            entry.0 = o.price;
        }
        entry.1.insert(&o.store_id);
    }
    products
        .iter()
        .map(|p| match best.get(p.id()) {
            Some((low, stores)) => NearbyPrice {
                product_id: p.id().clone(),
                lowest_krw: Some(low.krw()),
                store_count: u32::try_from(stores.len()).unwrap_or(u32::MAX),
                unit_price: p.unit_price(*low),
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
    use crate::catalog::Unit;

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
            provenance: crate::catalog::Provenance::of(crate::catalog::PriceOrigin::Sample),
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
        // 2,980원 for 900 ml → 331.11원 per 100 ml
        assert_eq!(
            got[0]
                .unit_price
                .map(|u| (u.basis.to_string(), u.centi_krw)),
            Some(("100ml".to_owned(), 33_111))
        );
        assert_eq!(got[1].lowest_krw, Some(7_990));
        assert_eq!(got[1].store_count, 1);
        // 7,990원 for 30 eggs → 266.33원 each
        assert_eq!(
            got[1]
                .unit_price
                .map(|u| (u.basis.to_string(), u.centi_krw)),
            Some(("1개".to_owned(), 26_633))
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
