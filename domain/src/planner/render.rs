//! The answer's views of the engine's plans: stops, items, missing lines,
//! minutes per leg and the reasons of each offline plan.

use std::collections::HashMap;

use super::sources::OnlineDetails;
use super::view::{
    FrontierView, ItemView, LatLng, ListingView, MissingView, PlanView, ProductView, ReasonsView,
    StopView, StoreView, TermsView, UnitPriceView, VsSingleStoreView,
};
use crate::catalog::{Product, Store};
use crate::mall::{DeliveryTerms, TermsSource};
use crate::plan;
use crate::redirect::RedirectAllowlist;

pub(super) fn terms_view(t: &DeliveryTerms) -> TermsView {
    TermsView {
        delivery_fee_krw: t.delivery_fee_krw,
        free_delivery_threshold_krw: t.free_delivery_threshold_krw,
        min_order_krw: t.min_order_krw,
        jeju_surcharge_krw: t.jeju_surcharge_krw,
        island_surcharge_krw: t.island_surcharge_krw,
        same_day_cutoff: t.same_day_cutoff.map(|c| c.format("%H:%M").to_string()),
        dawn_cutoff: t.dawn_cutoff.map(|c| c.format("%H:%M").to_string()),
        source: t.source.as_str().to_owned(),
        as_of: (t.source != TermsSource::Catalog).then_some(t.as_of),
    }
}

/// The listing of one mall's item, its page handed out only when the
/// allowlist allows it.
fn listing_view(
    details: Option<&OnlineDetails>,
    mall: &str,
    product: &str,
    allowlist: &RedirectAllowlist,
) -> Option<ListingView> {
    let link = details?.links.get(&(mall.to_owned(), product.to_owned()))?;
    Some(ListingView {
        url: allowlist.check(&link.url).ok().map(|u| u.into_string()),
        image: link
            .image
            .as_deref()
            .filter(|i| i.starts_with("https://"))
            .map(str::to_owned),
        title: link.title.clone(),
        price_seen_at: link.seen_at,
    })
}

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
        Some(s) => store_view_of(s),
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

pub(super) fn store_view_of(s: &Store) -> StoreView {
    StoreView {
        id: s.id().as_str().to_owned(),
        name: s.name().to_owned(),
        chain: s.chain().to_owned(),
        kind: s.kind().as_str().to_owned(),
        location: s.location().map(|p| LatLng {
            lat: p.lat(),
            lng: p.lng(),
        }),
        address: s.address().map(str::to_owned),
        checkout_url: s.mall().map(|m| m.checkout_url().to_owned()),
    }
}

pub(super) fn plan_view(
    index: usize,
    p: &plan::Plan,
    stores: &HashMap<String, Store>,
    products: &HashMap<&str, &Product>,
    line_names: &HashMap<&str, &str>,
    unknown: &[MissingView],
    (details, allowlist): (Option<&OnlineDetails>, &RedirectAllowlist),
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
                    listing: listing_view(details, &s.store_id.0, &a.product.0, allowlist),
                    price: None,
                    unit_price: products.get(a.product.0.as_str()).and_then(|p| {
                        let price = crate::catalog::PriceKrw::new(a.unit_price_krw).ok()?;
                        p.unit_price(price).map(UnitPriceView::of)
                    }),
                })
                .collect(),
            subtotal_krw: s.subtotal_krw,
            delivery_krw: s.delivery_krw,
            surcharge_krw: s.surcharge_krw,
            terms: details
                .and_then(|d| d.terms.get(&s.store_id.0))
                .map(terms_view),
            leg_distance_m: s.leg_distance_m,
            minutes: 0,
            arrive_at: s.arrive_at,
            opening_hours: None,
            closing_days: None,
            closed_on_arrival: s.closed_on_arrival.map(|r| r.as_str().to_owned()),
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
        surcharge_krw: p.surcharge_krw,
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

/// Seconds as whole minutes, rounded up.
pub(super) fn minutes(seconds: i64) -> i64 {
    (seconds.max(0) + 59) / 60
}

/// Minutes per leg and for the whole route (the way home included), from
/// the engine's legs; each stop's hours and closing days.
pub(super) fn add_minutes(view: &mut PlanView, plan: &plan::Plan, stores: &HashMap<String, Store>) {
    for (stop, leg) in view.stops.iter_mut().zip(&plan.stops) {
        stop.minutes = u32::try_from(minutes(leg.leg_seconds)).unwrap_or(u32::MAX);
        if let Some(s) = stores.get(&leg.store_id.0) {
            stop.opening_hours = s.hours().map(|h| h.to_string());
            stop.closing_days = Some(s.visiting().closing.to_string());
        }
    }
    view.travel_minutes = u32::try_from(minutes(plan.travel_seconds)).unwrap_or(u32::MAX);
}

pub(super) fn reasons(view: &PlanView, basis: &ReasonBasis) -> ReasonsView {
    let vs_single_store = basis.single_store.as_ref().and_then(|single| {
        let stop = single.stops.first()?;
        Some(VsSingleStoreView {
            store_id: stop.store_id.0.clone(),
            store_name: stop.store_name.clone(),
            total_krw: single.total_krw,
            saved_krw: single.total_krw - view.total_krw,
            extra_distance_m: view.distance_m - single.distance_m,
            extra_minutes: i64::from(view.travel_minutes) - minutes(single.travel_seconds),
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
