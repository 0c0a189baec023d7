//! The price outlier guard: a price far from the product's median is flagged
//! so that plans can ignore it, but it is never dropped (the shopper may be
//! looking at exactly that odd price tag).

use std::collections::{BTreeMap, HashMap};

use super::{Offer, ProductId};

/// Prices below `median × LOW` or above `median × HIGH` are outliers.
pub const LOW: f64 = 0.45;
pub const HIGH: f64 = 2.2;
/// Fewer offers than this give no meaningful median: nothing is flagged.
pub const MIN_OFFERS: usize = 3;

/// Every price seen per product, as counts of distinct prices: the exact
/// median of any number of offers in memory proportional to the distinct
/// (product, price) pairs, not to the rows. Prices repeat a lot (2,980원 at
/// hundreds of stores), so a 6 M-row import holds a few hundred thousand
/// entries. The streaming CSV import fills one over the whole data set (every
/// file of the import) before it flags anything.
#[derive(Debug, Clone, Default)]
pub struct PriceSketch {
    by_product: HashMap<ProductId, BTreeMap<i64, u64>>,
}

impl PriceSketch {
    pub fn add(&mut self, product: &ProductId, price_krw: i64) {
        let counts = match self.by_product.get_mut(product) {
            Some(c) => c,
            None => self.by_product.entry(product.clone()).or_default(),
        };
        *counts.entry(price_krw).or_insert(0) += 1;
    }

    /// The median price of each product with at least [`MIN_OFFERS`] prices
    /// (the mean of the middle two for even counts).
    pub fn medians(&self) -> HashMap<ProductId, f64> {
        self.by_product
            .iter()
            .filter_map(|(id, counts)| Some((id.clone(), median_of(counts)?)))
            .collect()
    }
}

/// The median of a multiset given as value → count.
fn median_of(counts: &BTreeMap<i64, u64>) -> Option<f64> {
    let n: u64 = counts.values().sum();
    if n < MIN_OFFERS as u64 {
        return None;
    }
    // 0-based ranks of the middle element(s).
    let (lo, hi) = if n % 2 == 1 {
        (n / 2, n / 2)
    } else {
        (n / 2 - 1, n / 2)
    };
    let (mut lo_v, mut seen) = (None, 0u64);
    for (&v, &c) in counts {
        let end = seen + c;
        if lo_v.is_none() && lo < end {
            lo_v = Some(v);
        }
        if hi < end {
            return Some((lo_v? as f64 + v as f64) / 2.0);
        }
        seen = end;
    }
    None
}

/// The median price of each product (mean of the middle two for even counts).
pub fn medians(offers: &[Offer]) -> HashMap<ProductId, f64> {
    let mut sketch = PriceSketch::default();
    for o in offers {
        sketch.add(&o.product_id, o.price.krw());
    }
    sketch.medians()
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
    fn sketch_medians_match_sorting() {
        let prices = [5, 1, 1, 9, 3, 3, 3, 7, 2, 2, 8];
        for n in MIN_OFFERS..=prices.len() {
            let mut sketch = PriceSketch::default();
            let id = ProductId::parse("x").expect("id");
            for p in &prices[..n] {
                sketch.add(&id, *p);
            }
            let mut v = prices[..n].to_vec();
            v.sort_unstable();
            let m = if n % 2 == 1 {
                v[n / 2] as f64
            } else {
                (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
            };
            assert_eq!(sketch.medians().get(&id), Some(&m), "n = {n}");
        }
        let mut two = PriceSketch::default();
        two.add(&ProductId::parse("y").expect("id"), 1);
        two.add(&ProductId::parse("y").expect("id"), 2);
        assert!(two.medians().is_empty(), "fewer than MIN_OFFERS");
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
