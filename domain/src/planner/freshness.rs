//! Where each plan line's price comes from and how old it is (issue 15): the
//! line's source and day, `stale` past the configured age, `sample` for
//! demo data, `live` for the shopping search, the discount and 1+1 the
//! survey reported, "went up since the last survey" and "lowest in N days";
//! and the answer's summary (`meta.prices`).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::view::PlanView;
use crate::catalog::{Offer, PriceLow, PriceOrigin};

/// How old a price may be before it is marked stale, and the window of the
/// "lowest in N days" flag (`PRICE_STALE_AFTER_DAYS`,
/// `PRICE_LOW_WINDOW_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceFreshness {
    pub stale_after_days: u32,
    pub low_window_days: u32,
}

impl Default for PriceFreshness {
    fn default() -> Self {
        Self {
            stale_after_days: 7,
            low_window_days: 30,
        }
    }
}

/// One line's price: where and when it was seen.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePriceView {
    /// `sample`, `import`, `chamgagyeok`, `kamis`, `shopping` or `unknown`.
    pub source: String,
    /// Generated demo data, not a real price.
    pub sample: bool,
    /// Seen live in the shopping search (`seen_at` is when).
    pub live: bool,
    /// The survey day (surveys: 00:00 Asia/Seoul of that day) or the moment
    /// the price was seen.
    pub observed_at: DateTime<Utc>,
    /// `observed_at`'s day in Asia/Seoul.
    pub day: NaiveDate,
    /// When the source answered (sync fetch, search call), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_at: Option<DateTime<Utc>>,
    /// Whole days between `observed_at` and the answer's generation.
    pub age_days: i64,
    /// Older than the configured age (`meta.prices.stale_after_days`).
    pub stale: bool,
    pub discounted: bool,
    /// The discount's last day, when the source gave its period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_until: Option<NaiveDate>,
    /// 1+1 (`plusoneYn`).
    pub plus_one: bool,
    /// The price of the observation before this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_price_krw: Option<i64>,
    /// Dearer than at the previous observation.
    pub went_up: bool,
    /// `N` when this is the lowest price of this store's observations over
    /// the last `N` days (at least two observations); else absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lowest_in_days: Option<u32>,
}

/// The prices of an answer at a glance.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricesMetaView {
    /// Some line is priced from sample (demo) data.
    pub sample: bool,
    /// Distinct (store, product) prices of the answer's lines …
    pub priced: u32,
    /// … of which sample data, live (shopping search) and stale.
    pub sample_count: u32,
    pub live: u32,
    pub stale: u32,
    /// The oldest price's day (Asia/Seoul).
    pub oldest: Option<NaiveDate>,
    /// The age past which a price is stale.
    pub stale_after_days: u32,
}

fn seoul_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&chrono_tz::Asia::Seoul).date_naive()
}

/// The view of one offer's price.
pub fn line_price(
    offer: &Offer,
    low: Option<&PriceLow>,
    now: DateTime<Utc>,
    freshness: PriceFreshness,
) -> LinePriceView {
    let p = &offer.provenance;
    let age = now - offer.observed_at;
    let lowest_in_days = low
        .filter(|l| l.observations >= 2 && offer.price <= l.lowest)
        .map(|_| freshness.low_window_days);
    LinePriceView {
        source: p.origin.as_str().to_owned(),
        sample: p.origin == PriceOrigin::Sample,
        live: p.origin == PriceOrigin::Shopping,
        observed_at: offer.observed_at,
        day: seoul_day(offer.observed_at),
        seen_at: p.fetched_at,
        age_days: age.num_days().max(0),
        stale: age > Duration::days(i64::from(freshness.stale_after_days)),
        discounted: offer.discounted,
        discount_until: p
            .discount_period
            .filter(|_| offer.discounted)
            .map(|(_, end)| end),
        plus_one: p.plus_one,
        previous_price_krw: p.previous_price.map(|x| x.krw()),
        went_up: p.previous_price.is_some_and(|x| offer.price > x),
        lowest_in_days,
    }
}

/// The (product, store) pairs of the plans' lines.
pub fn line_pairs(views: &[PlanView]) -> Vec<(String, String)> {
    let set: BTreeSet<(String, String)> = views
        .iter()
        .flat_map(|v| v.stops.iter())
        .flat_map(|s| {
            s.items
                .iter()
                .map(move |i| (i.product.id.clone(), s.store.id.clone()))
        })
        .collect();
    set.into_iter().collect()
}

/// Sets each line's `price` from `offers` (ordered by product then store)
/// and the lows, and returns the answer's summary.
pub fn annotate(
    views: &mut [PlanView],
    offers: &[Offer],
    lows: &[PriceLow],
    now: DateTime<Utc>,
    freshness: PriceFreshness,
) -> PricesMetaView {
    let lows: HashMap<(&str, &str), &PriceLow> = lows
        .iter()
        .map(|l| ((l.product_id.as_str(), l.store_id.as_str()), l))
        .collect();
    let find = |product: &str, store: &str| {
        offers
            .binary_search_by(|o| {
                (o.product_id.as_str(), o.store_id.as_str()).cmp(&(product, store))
            })
            .ok()
            .map(|i| &offers[i])
    };
    let mut seen: HashMap<(String, String), LinePriceView> = HashMap::new();
    for view in views.iter_mut() {
        for stop in &mut view.stops {
            for item in &mut stop.items {
                let key = (item.product.id.clone(), stop.store.id.clone());
                if let Some(known) = seen.get(&key) {
                    item.price = Some(known.clone());
                    continue;
                }
                let Some(offer) = find(&key.0, &key.1) else {
                    continue;
                };
                let low = lows.get(&(key.0.as_str(), key.1.as_str())).copied();
                let line = line_price(offer, low, now, freshness);
                item.price = Some(line.clone());
                seen.insert(key, line);
            }
        }
    }
    let count = |f: &dyn Fn(&LinePriceView) -> bool| {
        u32::try_from(seen.values().filter(|l| f(l)).count()).unwrap_or(u32::MAX)
    };
    PricesMetaView {
        sample: seen.values().any(|l| l.sample),
        priced: count(&|_| true),
        sample_count: count(&|l| l.sample),
        live: count(&|l| l.live),
        stale: count(&|l| l.stale),
        oldest: seen.values().map(|l| l.day).min(),
        stale_after_days: freshness.stale_after_days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{PriceKrw, ProductId, Provenance, StoreId};

    fn at(day: u32) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("2026-11-{day:02}T15:00:00Z"))
            .expect("time")
            .with_timezone(&Utc)
    }

    fn offer(krw: i64, observed: u32, origin: PriceOrigin) -> Offer {
        Offer {
            store_id: StoreId::parse("s1").expect("s"),
            product_id: ProductId::parse("milk").expect("p"),
            price: PriceKrw::new(krw).expect("price"),
            observed_at: at(observed),
            in_stock: true,
            discounted: false,
            flagged_outlier: false,
            provenance: Provenance::of(origin),
        }
    }

    fn low(krw: i64, observations: u32) -> PriceLow {
        PriceLow {
            product_id: ProductId::parse("milk").expect("p"),
            store_id: StoreId::parse("s1").expect("s"),
            lowest: PriceKrw::new(krw).expect("price"),
            observations,
        }
    }

    #[test]
    fn a_price_is_stale_past_the_configured_age_and_its_day_is_seoul_time() {
        let f = PriceFreshness::default();
        let o = offer(2_980, 20, PriceOrigin::Chamgagyeok);
        // 15:00 UTC on the 20th is 00:00 on the 21st in Seoul.
        let fresh = line_price(&o, None, at(27), f);
        assert_eq!(fresh.day, NaiveDate::from_ymd_opt(2026, 11, 21).expect("d"));
        assert_eq!((fresh.age_days, fresh.stale), (7, false));
        let old = line_price(&o, None, at(27) + Duration::seconds(1), f);
        assert!(old.stale);
        let tight = PriceFreshness {
            stale_after_days: 1,
            ..f
        };
        assert!(line_price(&o, None, at(22), tight).stale);
        assert!(!fresh.sample && !fresh.live);
        assert!(line_price(&offer(1, 20, PriceOrigin::Sample), None, at(20), f).sample);
        assert!(line_price(&offer(1, 20, PriceOrigin::Shopping), None, at(20), f).live);
    }

    #[test]
    fn went_up_and_lowest_in_days_follow_the_history() {
        let f = PriceFreshness::default();
        let mut o = offer(2_980, 20, PriceOrigin::Chamgagyeok);
        o.provenance.previous_price = Some(PriceKrw::new(2_800).expect("p"));
        let up = line_price(&o, Some(&low(2_800, 3)), at(21), f);
        assert_eq!((up.went_up, up.previous_price_krw), (true, Some(2_800)));
        assert_eq!(up.lowest_in_days, None, "2,800 was cheaper in the window");
        o.provenance.previous_price = Some(PriceKrw::new(3_100).expect("p"));
        let down = line_price(&o, Some(&low(2_980, 2)), at(21), f);
        assert!(!down.went_up);
        assert_eq!(down.lowest_in_days, Some(30));
        assert_eq!(
            line_price(&o, Some(&low(2_980, 1)), at(21), f).lowest_in_days,
            None,
            "one observation is no record"
        );
    }
}
