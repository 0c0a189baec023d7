//! Unit tests of each rule, and property tests against brute force.

use std::collections::HashMap;

use super::*;

mod brute;
mod offline_rules;
mod online_rules;
mod props;

/// 강남역 area, the prototype's default shopper location.
pub(super) const ORIGIN: (f64, f64) = (37.4985, 127.0292);

pub(super) fn pt(lat: f64, lng: f64) -> GeoPoint {
    GeoPoint::new(lat, lng).expect("valid point")
}

/// A point `north_m` metres north and `east_m` metres east of [`ORIGIN`] (approximately).
pub(super) fn near(north_m: f64, east_m: f64) -> GeoPoint {
    let dlat = north_m / 111_195.0;
    let dlng = east_m / (111_195.0 * ORIGIN.0.to_radians().cos());
    pt(ORIGIN.0 + dlat, ORIGIN.1 + dlng)
}

pub(super) fn prices(rows: &[(&str, i64, bool)]) -> HashMap<ProductKey, UnitPrice> {
    rows.iter()
        .map(|(p, price, in_stock)| {
            (
                ProductKey::from(*p),
                UnitPrice {
                    price_krw: *price,
                    in_stock: *in_stock,
                },
            )
        })
        .collect()
}

pub(super) fn store(id: &str, at: GeoPoint, rows: &[(&str, i64, bool)]) -> StoreCandidate {
    StoreCandidate {
        id: StoreId::from(id),
        name: format!("store {id}"),
        location: at,
        prices: prices(rows),
        preferred: false,
        visiting: None,
    }
}

pub(super) fn mall(
    id: &str,
    rows: &[(&str, i64, bool)],
    fee: i64,
    threshold: Option<i64>,
    min_order: Option<i64>,
) -> MallCandidate {
    MallCandidate {
        id: StoreId::from(id),
        name: format!("mall {id}"),
        prices: prices(rows),
        delivery_fee_krw: fee,
        free_delivery_threshold_krw: threshold,
        min_order_krw: min_order,
        surcharge_krw: 0,
    }
}

pub(super) fn line(id: &str, product: &str, quantity: u32) -> BasketLine {
    BasketLine::new(id, product, quantity)
}

pub(super) fn by_label(plans: &[Plan], label: PlanLabel) -> &Plan {
    plans
        .iter()
        .find(|p| p.has_label(label))
        .expect("every label is on some plan")
}

pub(super) fn stop_ids(plan: &Plan) -> Vec<&str> {
    plan.stops.iter().map(|s| s.store_id.0.as_str()).collect()
}

/// Every internal-consistency rule of an offline plan.
pub(super) fn check_offline_plan(input: &OfflineInput, plan: &Plan) {
    let k = usize::from(input.max_stores);
    assert!(!plan.stops.is_empty() && plan.stops.len() <= k, "stops ≤ k");
    let origin = input.origin;
    let find = |id: &StoreId| {
        input
            .stores
            .iter()
            .find(|s| &s.id == id)
            .expect("stop is an input store")
    };
    let in_range = |s: &StoreCandidate| {
        input
            .max_distance_m
            .is_none_or(|max| origin.distance_m(s.location) <= max)
    };
    let mut at = origin;
    let mut route = 0;
    let mut seen: Vec<&LineId> = Vec::new();
    let mut goods = 0;
    for stop in &plan.stops {
        let s = find(&stop.store_id);
        assert!(in_range(s), "stop within radius");
        assert_eq!(stop.leg_distance_m, at.distance_m(s.location));
        route += stop.leg_distance_m;
        at = s.location;
        assert!(!stop.items.is_empty(), "a stop buys something");
        assert_eq!(stop.delivery_krw, 0);
        let mut sub = 0;
        for item in &stop.items {
            let l = input
                .lines
                .iter()
                .find(|l| l.id == item.line_id)
                .expect("item is a basket line");
            let p = s.prices.get(&l.product).expect("store sells it");
            assert!(p.in_stock);
            assert_eq!(item.unit_price_krw, p.price_krw);
            assert_eq!(item.quantity, l.quantity);
            assert_eq!(item.subtotal_krw, p.price_krw * i64::from(l.quantity));
            // Bought at the cheapest stop that has it.
            for other in &plan.stops {
                let o = find(&other.store_id);
                if let Some(op) = o.prices.get(&l.product).filter(|p| p.in_stock) {
                    assert!(p.price_krw <= op.price_krw, "cheapest stop");
                }
            }
            sub += item.subtotal_krw;
            seen.push(&item.line_id);
        }
        assert_eq!(stop.subtotal_krw, sub);
        goods += sub;
    }
    if input.round_trip {
        route += at.distance_m(origin);
    }
    assert_eq!(plan.distance_m, route);
    if let Some(max) = input.max_route_m {
        assert!(route <= max);
    }
    assert_eq!(plan.goods_krw, goods);
    assert_eq!(
        plan.travel_krw,
        travel_cost_krw(route, input.travel_cost_krw_per_km)
    );
    assert_eq!(plan.delivery_krw, 0);
    assert_eq!(plan.total_krw, plan.goods_krw + plan.travel_krw);
    for m in &plan.missing {
        let l = input
            .lines
            .iter()
            .find(|l| l.id == m.line_id)
            .expect("missing is a basket line");
        let has = |s: &StoreCandidate| s.prices.get(&l.product).is_some_and(|p| p.in_stock);
        match m.reason {
            MissingReason::NotCoveredByPlan => {
                assert!(input.stores.iter().any(|s| in_range(s) && has(s)));
                assert!(plan.stops.iter().all(|st| !has(find(&st.store_id))));
            }
            MissingReason::StoreClosed => {
                assert!(input.departure.is_some());
                assert!(input.stores.iter().any(|s| in_range(s) && has(s)));
            }
            MissingReason::OutOfRange => {
                assert!(!input.stores.iter().any(|s| in_range(s) && has(s)));
                assert!(input.stores.iter().any(has));
            }
            MissingReason::OutOfStock => {
                assert!(!input.stores.iter().any(has));
                assert!(input
                    .stores
                    .iter()
                    .any(|s| s.prices.contains_key(&l.product)));
            }
            MissingReason::NotSold => {
                assert!(!input
                    .stores
                    .iter()
                    .any(|s| s.prices.contains_key(&l.product)));
            }
        }
        seen.push(&m.line_id);
    }
    let mut seen_sorted = seen.clone();
    seen_sorted.sort();
    seen_sorted.dedup();
    assert_eq!(seen_sorted.len(), seen.len(), "each line once");
    assert_eq!(seen.len(), input.lines.len(), "every line accounted for");
}

/// Every internal-consistency rule of an online plan.
pub(super) fn check_online_plan(input: &OnlineInput, plan: &Plan) {
    let find = |id: &StoreId| {
        input
            .malls
            .iter()
            .find(|m| &m.id == id)
            .expect("stop is an input mall")
    };
    let mut seen: Vec<&LineId> = Vec::new();
    let (mut goods, mut delivery, mut surcharge) = (0, 0, 0);
    for stop in &plan.stops {
        let m = find(&stop.store_id);
        assert_eq!(
            stop.surcharge_krw, m.surcharge_krw,
            "surcharge of a used mall"
        );
        assert!(!stop.items.is_empty());
        let mut sub = 0;
        for item in &stop.items {
            let l = input
                .lines
                .iter()
                .find(|l| l.id == item.line_id)
                .expect("item is a basket line");
            let p = m.prices.get(&l.product).expect("mall sells it");
            assert!(p.in_stock);
            assert_eq!(item.unit_price_krw, p.price_krw);
            assert_eq!(item.subtotal_krw, p.price_krw * i64::from(l.quantity));
            sub += item.subtotal_krw;
            seen.push(&item.line_id);
        }
        assert_eq!(stop.subtotal_krw, sub);
        assert!(sub >= m.min_order_krw.unwrap_or(0), "minimum order");
        let waived = m.free_delivery_threshold_krw.is_some_and(|t| sub >= t);
        assert_eq!(
            stop.delivery_krw,
            if waived { 0 } else { m.delivery_fee_krw }
        );
        assert_eq!(stop.leg_distance_m, 0);
        goods += sub;
        delivery += stop.delivery_krw;
        surcharge += stop.surcharge_krw;
    }
    assert_eq!(plan.goods_krw, goods);
    assert_eq!(plan.delivery_krw, delivery);
    assert_eq!(plan.surcharge_krw, surcharge);
    assert_eq!(plan.travel_krw, 0);
    assert_eq!(plan.distance_m, 0);
    assert_eq!(plan.total_krw, goods + delivery + surcharge);
    for miss in &plan.missing {
        let l = input
            .lines
            .iter()
            .find(|l| l.id == miss.line_id)
            .expect("missing is a basket line");
        let has = |m: &MallCandidate| m.prices.get(&l.product).is_some_and(|p| p.in_stock);
        match miss.reason {
            MissingReason::NotCoveredByPlan => assert!(input.malls.iter().any(has)),
            MissingReason::StoreClosed => unreachable!("online plans have no hours"),
            MissingReason::OutOfStock => {
                assert!(!input.malls.iter().any(has));
                assert!(input
                    .malls
                    .iter()
                    .any(|m| m.prices.contains_key(&l.product)));
            }
            MissingReason::NotSold => {
                assert!(!input
                    .malls
                    .iter()
                    .any(|m| m.prices.contains_key(&l.product)));
            }
            MissingReason::OutOfRange => panic!("no range online"),
        }
        seen.push(&miss.line_id);
    }
    let mut seen_sorted = seen.clone();
    seen_sorted.sort();
    seen_sorted.dedup();
    assert_eq!(seen_sorted.len(), seen.len(), "each line once");
    assert_eq!(seen.len(), input.lines.len(), "every line accounted for");
}
