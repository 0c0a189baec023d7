//! The price outlier guard: a price far from the product's median is flagged
//! so that plans can ignore it, but it is never dropped (the shopper may be
//! looking at exactly that odd price tag).

use std::collections::HashMap;

use super::{Offer, ProductId};

/// Prices below `median × LOW` or above `median × HIGH` are outliers.
pub const LOW: f64 = 0.45;
pub const HIGH: f64 = 2.2;
/// Fewer offers than this give no meaningful median: nothing is flagged.
pub const MIN_OFFERS: usize = 3;

/// The median price of each product (mean of the middle two for even counts).
pub fn medians(offers: &[Offer]) -> HashMap<ProductId, f64> {
    let mut by_product: HashMap<&ProductId, Vec<i64>> = HashMap::new();
    for o in offers {
        by_product
            .entry(&o.product_id)
            .or_default()
            .push(o.price.krw());
    }
    by_product
        .into_iter()
        .filter(|(_, v)| v.len() >= MIN_OFFERS)
        .map(|(id, mut v)| {
            v.sort_unstable();
            let mid = v.len() / 2;
            let m = if v.len() % 2 == 1 {
                v[mid] as f64
            } else {
                (v[mid - 1] as f64 + v[mid] as f64) / 2.0
            };
            (id.clone(), m)
        })
        .collect()
}

/// True when `price` lies outside `median × [LOW, HIGH]`.
pub fn is_outlier(price_krw: i64, median: f64) -> bool {
    let p = price_krw as f64;
    p < median * LOW || p > median * HIGH
}

/// Sets `flagged_outlier` on every offer whose price is outside its product's
/// median band (and clears it on the others); returns how many are flagged.
pub fn flag_outliers(offers: &mut [Offer]) -> usize {
    let medians = medians(offers);
    let mut flagged = 0;
    for o in offers.iter_mut() {
        o.flagged_outlier = medians
            .get(&o.product_id)
            .is_some_and(|m| is_outlier(o.price.krw(), *m));
        flagged += usize::from(o.flagged_outlier);
    }
    flagged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{PriceKrw, StoreId};
    use chrono::DateTime;

    fn offer(store: &str, product: &str, krw: i64) -> Offer {
        Offer {
            store_id: StoreId::parse(store).expect("store"),
            product_id: ProductId::parse(product).expect("product"),
            price: PriceKrw::new(krw).expect("price"),
            observed_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
            in_stock: true,
            discounted: false,
            flagged_outlier: false,
            provenance: crate::catalog::Provenance::of(crate::catalog::PriceOrigin::Sample),
        }
    }

    #[test]
    fn flags_outside_the_band_and_keeps_every_offer() {
        let mut offers = vec![
            offer("a", "milk", 2_800),
            offer("b", "milk", 3_000),
            offer("c", "milk", 3_200),
            offer("d", "milk", 9_900),
            offer("e", "milk", 1_000),
            offer("a", "eggs", 100),
            offer("b", "eggs", 9_000),
        ];
        assert_eq!(flag_outliers(&mut offers), 2);
        assert_eq!(offers.len(), 7, "never dropped");
        let flagged: Vec<i64> = offers
            .iter()
            .filter(|o| o.flagged_outlier)
            .map(|o| o.price.krw())
            .collect();
        assert_eq!(flagged, [9_900, 1_000]);
    }

    #[test]
    fn band_edges_are_inside() {
        assert!(!is_outlier(450, 1000.0));
        assert!(!is_outlier(2_200, 1000.0));
        assert!(is_outlier(449, 1000.0));
        assert!(is_outlier(2_201, 1000.0));
    }

    #[test]
    fn even_count_median_is_the_mean_of_the_middle() {
        let offers = vec![
            offer("a", "x", 100),
            offer("b", "x", 200),
            offer("c", "x", 300),
            offer("d", "x", 400),
        ];
        assert_eq!(
            medians(&offers).get(&ProductId::parse("x").expect("id")),
            Some(&250.0)
        );
    }
}
