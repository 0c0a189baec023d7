//! The answer's views of the engine's plans: stops, items, missing lines,
//! minutes per leg and the reasons of each offline plan.

use std::collections::HashMap;

use super::view::{
    FrontierView, ItemView, LatLng, MissingView, PlanView, ProductView, ReasonsView, StopView,
    StoreView, UnitPriceView, VsSingleStoreView,
};
use crate::catalog::{Product, Store};
use crate::plan;
use crate::preferences::TravelMode;

pub(super) fn missing_view(m: &plan::Missing, line_names: &HashMap<&str, &str>) -> MissingView {
    let reason = serde_json::to_value(m.reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "not_sold".into());
    MissingView {
        basket_item_id: m.line_id.0.clone(),
        name: line_names
            .get(m.line_id.0.as_str())
            .copied()
            .unwrap_or_default()
            .to_owned(),
        quantity: m.quantity,
        reason,
        substitutes: Vec::new(),
    }
}

pub(super) fn store_view(
    id: &str,
    stores: &HashMap<String, Store>,
    fallback_name: &str,
) -> StoreView {
    match stores.get(id) {
        Some(s) => StoreView {
            id: id.to_owned(),
            name: s.name().to_owned(),
            chain: s.chain().to_owned(),
            kind: s.kind().as_str().to_owned(),
            location: s.location().map(|p| LatLng {
                lat: p.lat(),
                lng: p.lng(),
            }),
            address: s.address().map(str::to_owned),
            checkout_url: s.mall().map(|m| m.checkout_url().to_owned()),
        },
        None => StoreView {
            id: id.to_owned(),
            name: fallback_name.to_owned(),
            chain: String::new(),
            kind: String::new(),
            location: None,
            address: None,
            checkout_url: None,
        },
    }
}

pub(super) fn plan_view(
    index: usize,
    p: &plan::Plan,
    stores: &HashMap<String, Store>,
    products: &HashMap<&str, &Product>,
    line_names: &HashMap<&str, &str>,
    unknown: &[MissingView],
) -> PlanView {
    let mut labels = vec![p.label.as_str().to_owned()];
    labels.extend(p.other_labels.iter().map(|l| l.as_str().to_owned()));
    let stops = p
        .stops
        .iter()
        .map(|s| StopView {
            store: store_view(&s.store_id.0, stores, &s.store_name),
            items: s
                .items
                .iter()
                .map(|a| ItemView {
                    basket_item_id: a.line_id.0.clone(),
                    product: ProductView {
                        id: a.product.0.clone(),
                        name: products
                            .get(a.product.0.as_str())
                            .map_or_else(|| a.product.0.clone(), |p| p.name().to_owned()),
                    },
                    quantity: a.quantity,
                    unit_price_krw: a.unit_price_krw,
                    subtotal_krw: a.subtotal_krw,
                    unit_price: products.get(a.product.0.as_str()).and_then(|p| {
                        let price = crate::catalog::PriceKrw::new(a.unit_price_krw).ok()?;
                        p.unit_price(price).map(UnitPriceView::of)
                    }),
                })
                .collect(),
            subtotal_krw: s.subtotal_krw,
            delivery_krw: s.delivery_krw,
            leg_distance_m: s.leg_distance_m,
            minutes: 0,
        })
        .collect();
    let mut missing_items: Vec<MissingView> = unknown.to_vec();
    missing_items.extend(p.missing.iter().map(|m| missing_view(m, line_names)));
    PlanView {
        plan_id: format!("p{}", index + 1),
        label: p.label.as_str().to_owned(),
        labels,
        total_krw: p.total_krw,
        goods_krw: p.goods_krw,
        travel_krw: p.travel_krw,
        delivery_krw: p.delivery_krw,
        distance_m: p.distance_m,
        travel_minutes: 0,
        stops,
        missing_items,
        reasons: None,
    }
}

/// What the reasons of every offline plan are worked out from.
pub(super) struct ReasonBasis {
    pub(super) frontier: Vec<plan::FrontierPoint>,
    pub(super) single_store: Option<plan::Plan>,
}

/// Estimated minutes for `distance_m` at the travel mode's door-to-door
/// speed, rounded up.
pub(super) fn minutes(distance_m: i64, mode: TravelMode) -> i64 {
    let per_hour = i64::from(mode.speed_km_per_h()).max(1) * 1000;
    (distance_m.max(0) * 60 + per_hour - 1) / per_hour
}

/// Minutes per leg and for the whole route (the way home included).
pub(super) fn add_minutes(view: &mut PlanView, mode: TravelMode) {
    for stop in &mut view.stops {
        stop.minutes = u32::try_from(minutes(stop.leg_distance_m, mode)).unwrap_or(u32::MAX);
    }
    view.travel_minutes = u32::try_from(minutes(view.distance_m, mode)).unwrap_or(u32::MAX);
}

pub(super) fn reasons(view: &PlanView, basis: &ReasonBasis, mode: TravelMode) -> ReasonsView {
    let vs_single_store = basis.single_store.as_ref().and_then(|single| {
        let stop = single.stops.first()?;
        Some(VsSingleStoreView {
            store_id: stop.store_id.0.clone(),
            store_name: stop.store_name.clone(),
            total_krw: single.total_krw,
            saved_krw: single.total_krw - view.total_krw,
            extra_distance_m: view.distance_m - single.distance_m,
            extra_minutes: i64::from(view.travel_minutes) - minutes(single.distance_m, mode),
            missing_items: single.missing.len(),
        })
    });
    let frontier = basis
        .frontier
        .iter()
        .map(|f| FrontierView {
            stops: f.stops,
            total_krw: f.total_krw,
            missing_items: f.missing,
            distance_m: f.distance_m,
        })
        .collect();
    ReasonsView {
        vs_single_store,
        frontier,
    }
}
