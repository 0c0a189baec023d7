//! Property tests: the engines' optima equal the brute-force optima on random
//! small instances, and every plan is internally consistent.

use proptest::prelude::*;

use super::brute;
use super::*;

const PRODUCTS: usize = 8;

fn price_rows() -> impl Strategy<Value = Vec<Option<(i64, bool)>>> {
    prop::collection::vec(
        prop::option::weighted(0.6, (1i64..=20, prop::bool::weighted(0.85))),
        PRODUCTS,
    )
}

fn to_prices(rows: &[Option<(i64, bool)>], unit: i64) -> HashMap<ProductKey, UnitPrice> {
    rows.iter()
        .enumerate()
        .filter_map(|(p, r)| {
            r.map(|(price, in_stock)| {
                (
                    ProductKey(format!("p{p}")),
                    UnitPrice {
                        price_krw: price * unit,
                        in_stock,
                    },
                )
            })
        })
        .collect()
}

fn lines_strategy(max_lines: usize) -> impl Strategy<Value = Vec<BasketLine>> {
    prop::collection::vec((0..PRODUCTS, 1u32..=3), 1..=max_lines).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (p, q))| BasketLine::new(format!("l{i}"), format!("p{p}").as_str(), q))
            .collect()
    })
}

prop_compose! {
    /// Up to `max_lines` lines and 7 stores; prices in multiples of one of
    /// `units` 원; a route limit with probability `route_weight`.
    fn offline_input(max_lines: usize, units: Vec<i64>, route_weight: f64)(
        lines in lines_strategy(max_lines),
        stores in prop::collection::vec((-20i32..=20, -20i32..=20, price_rows()), 1..=7),
        max_stores in 1u8..=5,
        travel in prop::sample::select(vec![0i64, 100, 300, 1_000, 3_000]),
        round_trip in any::<bool>(),
        max_distance_m in prop::option::weighted(0.3, 500i64..=2_500),
        max_route_m in prop::option::weighted(route_weight, 1_000i64..=8_000),
        unit in prop::sample::select(units),
    ) -> OfflineInput {
        let stores = stores
            .into_iter()
            .enumerate()
            .map(|(i, (n, e, rows))| StoreCandidate {
                id: StoreId(format!("s{i}")),
                name: format!("store {i}"),
                location: near(f64::from(n) * 100.0, f64::from(e) * 100.0),
                prices: to_prices(&rows, unit),
                preferred: i % 3 == 1,
                visiting: None,
            })
            .collect();
        OfflineInput {
            origin: pt(ORIGIN.0, ORIGIN.1),
            lines,
            stores,
            max_stores,
            max_distance_m,
            max_route_m,
            travel_cost_krw_per_km: travel,
            round_trip,
            max_subsets: limits::MAX_OFFLINE_SUBSETS,
            time_value: None,
            travel: Travel::default(),
            departure: None,
        }
    }
}

prop_compose! {
    fn online_input()(
        lines in lines_strategy(6),
        malls in prop::collection::vec((
            price_rows(),
            prop::sample::select(vec![0i64, 2_500, 3_000]),
            prop::option::weighted(0.7, 2i64..=12),
            prop::option::weighted(0.4, 1i64..=8),
            // Regional surcharges (Jeju, islands): none, or 0.5–5 lines' worth.
            prop::option::weighted(0.5, 1i64..=10),
        ), 1..=5),
    ) -> OnlineInput {
        let malls = malls
            .into_iter()
            .enumerate()
            .map(|(i, (rows, fee, threshold, min_order, surcharge))| MallCandidate {
                id: StoreId(format!("m{i}")),
                name: format!("mall {i}"),
                prices: to_prices(&rows, 500),
                delivery_fee_krw: fee,
                free_delivery_threshold_krw: threshold.map(|t| t * 2_500),
                min_order_krw: min_order.map(|t| t * 2_500),
                surcharge_krw: surcharge.map_or(0, |s| s * 500),
            })
            .collect();
        OnlineInput { lines, malls }
    }
}

fn coverage(input_lines: usize, plan: &Plan) -> usize {
    input_lines - plan.missing.len()
}

fn offline_agrees_with_brute_force(input: &OfflineInput) -> Result<(), TestCaseError> {
    let brute = brute::offline(input);
    match plan_offline(input) {
        Ok(plans) => {
            let best = brute.expect("brute force finds a plan too");
            let n = input.lines.len();
            for plan in &plans {
                check_offline_plan(input, plan);
            }
            let c = by_label(&plans, PlanLabel::Cheapest);
            prop_assert_eq!(
                (coverage(n, c), c.total_krw),
                (best[0].coverage, best[0].total)
            );
            let f = by_label(&plans, PlanLabel::FewestStops);
            prop_assert_eq!(
                (coverage(n, f), f.stops.len(), f.total_krw),
                (best[1].coverage, best[1].stops, best[1].total)
            );
            let d = by_label(&plans, PlanLabel::Closest);
            prop_assert_eq!(
                (coverage(n, d), d.distance_m, d.total_krw),
                (best[2].coverage, best[2].route_m, best[2].total)
            );
            // The same stores in the same order: ties are broken alike.
            for (label, b) in [
                PlanLabel::Cheapest,
                PlanLabel::FewestStops,
                PlanLabel::Closest,
            ]
            .into_iter()
            .zip(&best)
            {
                let ids: Vec<&str> = b.route.iter().map(|s| s.0.as_str()).collect();
                prop_assert_eq!(stop_ids(by_label(&plans, label)), ids, "{:?}", label);
            }
            // Deduplicated: no two plans with the same store set.
            let mut sets: Vec<Vec<&str>> = plans
                .iter()
                .map(|p| {
                    let mut s = stop_ids(p);
                    s.sort_unstable();
                    s
                })
                .collect();
            sets.sort();
            sets.dedup();
            prop_assert_eq!(sets.len(), plans.len());
        }
        Err(PlanError::NoPlanPossible { missing }) => {
            prop_assert!(brute.is_none());
            prop_assert_eq!(missing.len(), input.lines.len());
        }
        Err(e) => prop_assert!(false, "unexpected error {e}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn offline_matches_brute_force(input in offline_input(6, vec![100], 0.2)) {
        offline_agrees_with_brute_force(&input)?;
    }

    /// Longer baskets (several vector blocks of lines), prices large enough
    /// for the wide integer pass, and mostly a route limit that prunes.
    #[test]
    fn offline_matches_brute_force_wide(
        input in offline_input(20, vec![100, 5_000_000], 0.7),
    ) {
        offline_agrees_with_brute_force(&input)?;
    }

    #[test]
    fn offline_ignores_input_order(input in offline_input(6, vec![100], 0.2)) {
        let mut reversed = input.clone();
        reversed.lines.reverse();
        reversed.stores.reverse();
        prop_assert_eq!(plan_offline(&input), plan_offline(&reversed));
    }

    #[test]
    fn online_matches_brute_force(input in online_input()) {
        let brute = brute::online(&input);
        match plan_online(&input) {
            Ok(plans) => {
                let best = brute.expect("brute force finds a plan too");
                let n = input.lines.len();
                for plan in &plans {
                    check_online_plan(&input, plan);
                }
                let c = by_label(&plans, PlanLabel::Cheapest);
                prop_assert_eq!((coverage(n, c), c.total_krw), (best[0].0, best[0].1));
                let f = by_label(&plans, PlanLabel::FewestStops);
                prop_assert_eq!(
                    (coverage(n, f), f.stops.len(), f.total_krw),
                    (best[1].0, best[1].2, best[1].1)
                );
                prop_assert!(plans.len() <= 2);
            }
            Err(PlanError::NoPlanPossible { missing }) => {
                prop_assert!(brute.is_none());
                prop_assert_eq!(missing.len(), input.lines.len());
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn online_ignores_input_order(input in online_input()) {
        let mut reversed = input.clone();
        reversed.lines.reverse();
        reversed.malls.reverse();
        prop_assert_eq!(plan_online(&input), plan_online(&reversed));
    }
}

prop_compose! {
    /// 61–80 candidates within ~3 km, and an adversary: the farthest store
    /// sells every product 20 % below the cheapest other price. `budgets`:
    /// work budgets to draw from (small ones force the reduction rules and,
    /// smaller still, a stated gap).
    fn many_stores_input(budgets: Vec<u64>)(
        lines in lines_strategy(6),
        stores in prop::collection::vec((-30i32..=30, -30i32..=30, price_rows()), 61..=80),
        max_stores in 1u8..=3,
        travel in prop::sample::select(vec![0i64, 100, 500, 3_000]),
        round_trip in any::<bool>(),
        max_route_m in prop::option::weighted(0.3, 4_000i64..=12_000),
        max_subsets in prop::sample::select(budgets),
        adversary in any::<bool>(),
    ) -> OfflineInput {
        let mut stores: Vec<StoreCandidate> = stores
            .into_iter()
            .enumerate()
            .map(|(i, (n, e, rows))| StoreCandidate {
                id: StoreId(format!("s{i:02}")),
                name: format!("store {i}"),
                location: near(f64::from(n) * 100.0, f64::from(e) * 100.0),
                prices: to_prices(&rows, 100),
                preferred: i % 5 == 2,
                visiting: None,
            })
            .collect();
        let origin = pt(ORIGIN.0, ORIGIN.1);
        if adversary {
            let far = (0..stores.len())
                .max_by_key(|i| origin.distance_m(stores[*i].location))
                .unwrap_or(0);
            let mut cheap = HashMap::new();
            for p in 0..PRODUCTS {
                let key = ProductKey(format!("p{p}"));
                let min = stores
                    .iter()
                    .filter_map(|s| s.prices.get(&key).map(|u| u.price_krw))
                    .min()
                    .unwrap_or(2_000);
                cheap.insert(key, UnitPrice::in_stock((min * 8 / 10).max(1)));
            }
            stores[far].prices = cheap;
        }
        OfflineInput {
            origin,
            lines,
            stores,
            max_stores,
            max_distance_m: Some(3_000),
            max_route_m,
            travel_cost_krw_per_km: travel,
            round_trip,
            max_subsets,
            time_value: None,
            travel: Travel::default(),
            departure: None,
        }
    }
}

/// Over many candidates: an answer stated exact has every label's optimal
/// value; one with a gap brackets the true optimum between its lower bound
/// and its total.
fn many_stores_agree(input: &OfflineInput) -> Result<(), TestCaseError> {
    let brute = brute::offline(input);
    match plan_offline_outcome(input) {
        Ok(out) => {
            let best = brute.expect("brute force finds a plan too");
            let n = input.lines.len();
            for plan in &out.plans {
                check_offline_plan(input, plan);
            }
            let o = &out.optimality;
            let c = by_label(&out.plans, PlanLabel::Cheapest);
            prop_assert_eq!(o.best_total_krw, c.total_krw);
            if o.exact {
                prop_assert_eq!(
                    (coverage(n, c), c.total_krw),
                    (best[0].coverage, best[0].total)
                );
                let f = by_label(&out.plans, PlanLabel::FewestStops);
                prop_assert_eq!(
                    (coverage(n, f), f.stops.len(), f.total_krw),
                    (best[1].coverage, best[1].stops, best[1].total)
                );
                let d = by_label(&out.plans, PlanLabel::Closest);
                prop_assert_eq!(
                    (coverage(n, d), d.distance_m, d.total_krw),
                    (best[2].coverage, best[2].route_m, best[2].total)
                );
            } else if let Some(lb) = o.lower_bound_krw {
                prop_assert_eq!(coverage(n, c), best[0].coverage);
                prop_assert!(lb <= best[0].total, "{} > {}", lb, best[0].total);
                prop_assert!(best[0].total <= c.total_krw);
                prop_assert!(o.gap_pct().is_some());
            }
        }
        Err(PlanError::NoPlanPossible { missing }) => {
            prop_assert!(brute.is_none());
            prop_assert_eq!(missing.len(), input.lines.len());
        }
        Err(e) => prop_assert!(false, "unexpected error {e}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The default budget: no cut at all, ties broken exactly as brute force.
    #[test]
    fn many_stores_match_brute_force(input in many_stores_input(vec![limits::MAX_OFFLINE_SUBSETS])) {
        let out = plan_offline_outcome(&input);
        if let Ok(out) = &out {
            prop_assert!(out.optimality.exact);
            prop_assert_eq!(out.optimality.searched, out.optimality.candidates);
        }
        offline_agrees_with_brute_force(&input)?;
    }

    /// Budgets far below the candidates' store sets: the reduction rules
    /// run, and a gap, when stated, is honest.
    #[test]
    fn many_stores_reduced_match_brute_force(input in many_stores_input(vec![2_000, 300, 60])) {
        many_stores_agree(&input)?;
    }
}

prop_compose! {
    /// 8–11 stores, 4 or 5 stops, and a work budget below the store sets:
    /// the branch and bound runs (k = 4/5 against brute force).
    fn bnb_input()(
        lines in lines_strategy(8),
        stores in prop::collection::vec((-20i32..=20, -20i32..=20, price_rows()), 8..=11),
        max_stores in 4u8..=5,
        travel in prop::sample::select(vec![0i64, 100, 300, 3_000]),
        round_trip in any::<bool>(),
        max_route_m in prop::option::weighted(0.3, 3_000i64..=10_000),
        max_subsets in prop::sample::select(vec![30u64, 120, 400]),
        adversary in any::<bool>(),
    ) -> OfflineInput {
        let mut stores: Vec<StoreCandidate> = stores
            .into_iter()
            .enumerate()
            .map(|(i, (n, e, rows))| StoreCandidate {
                id: StoreId(format!("s{i:02}")),
                name: format!("store {i}"),
                location: near(f64::from(n) * 100.0, f64::from(e) * 100.0),
                prices: to_prices(&rows, 100),
                preferred: i % 4 == 3,
                visiting: None,
            })
            .collect();
        let origin = pt(ORIGIN.0, ORIGIN.1);
        if adversary {
            let far = (0..stores.len())
                .max_by_key(|i| origin.distance_m(stores[*i].location))
                .unwrap_or(0);
            for p in 0..PRODUCTS {
                let key = ProductKey(format!("p{p}"));
                if let Some(min) = stores.iter().filter_map(|s| s.prices.get(&key).map(|u| u.price_krw)).min() {
                    stores[far].prices.insert(key, UnitPrice::in_stock((min * 8 / 10).max(1)));
                }
            }
        }
        OfflineInput {
            origin,
            lines,
            stores,
            max_stores,
            max_distance_m: None,
            max_route_m,
            travel_cost_krw_per_km: travel,
            round_trip,
            max_subsets,
            time_value: None,
            travel: Travel::default(),
            departure: None,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// k = 4/5 through the branch and bound: exact answers equal brute force
    /// in value for every label, and a stated gap brackets the optimum.
    #[test]
    fn bnb_k4_k5_match_brute_force(input in bnb_input()) {
        many_stores_agree(&input)?;
    }
}

prop_compose! {
    /// Small instances with a value of time: 1–5 stops, sometimes a small
    /// budget (branch and bound).
    fn best_value_input()(
        input in offline_input(6, vec![100, 1_000], 0.2),
        krw_per_hour in prop::sample::select(vec![0i64, 3_000, 10_000, 60_000]),
        minutes_per_stop in 0i64..=15,
        speed_km_per_h in prop::sample::select(vec![4i64, 15, 30]),
        max_subsets in prop::sample::select(vec![limits::MAX_OFFLINE_SUBSETS, 40, 200]),
    ) -> OfflineInput {
        OfflineInput {
            time_value: Some(TimeValue { krw_per_hour, minutes_per_stop, speed_km_per_h }),
            max_subsets,
            ..input
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// `best_value` minimises goods + travel + the time's value (coverage
    /// first), equal to brute force; it is listed only when it differs from
    /// `cheapest`, else `cheapest` is also the best value.
    #[test]
    fn best_value_matches_brute_force(input in best_value_input()) {
        let Some(time) = input.time_value else { return Ok(()) };
        let Ok(out) = plan_offline_outcome(&input) else { return Ok(()) };
        let (coverage, value) = brute::offline_best_value(&input, &time).expect("a plan");
        let n = input.lines.len();
        let value_of = |p: &Plan| p.total_krw + time.cost_krw(p.distance_m, p.stops.len());
        let c = by_label(&out.plans, PlanLabel::Cheapest);
        let plan = out.plans.iter().find(|p| p.has_label(PlanLabel::BestValue)).unwrap_or(c);
        check_offline_plan(&input, plan);
        if out.optimality.exact {
            prop_assert_eq!((n - plan.missing.len(), value_of(plan)), (coverage, value));
        } else {
            prop_assert!(value_of(plan) >= value);
        }
        if plan.has_label(PlanLabel::BestValue) && !plan.has_label(PlanLabel::Cheapest) {
            let mut a = stop_ids(plan);
            let mut b = stop_ids(c);
            a.sort_unstable();
            b.sort_unstable();
            prop_assert_ne!(a, b);
        }
    }
}

prop_compose! {
    /// [`many_stores_input`] (61–80 candidates, an adversary) with opening
    /// hours and closing days on every store and a departure in December
    /// 2026 (its Sundays: 6, 13, 20, 27), at any hour.
    fn hours_input()(
        input in many_stores_input(vec![limits::MAX_OFFLINE_SUBSETS]),
        kinds in prop::collection::vec((0u8..4, 0u8..3), 80),
        day in 1u32..=28,
        hour in 0u32..24,
        speed in prop::sample::select(vec![4i64, 15, 30]),
    ) -> OfflineInput {
        use crate::catalog::{ClosingDays, OpeningHours, Visiting};
        let mut input = input;
        for (s, (h, c)) in input.stores.iter_mut().zip(kinds) {
            let hours = ["", "24h", "10:00-23:00", "22:00-02:00"][usize::from(h)];
            let closing = ["none", "2sun,4sun", "mon"][usize::from(c)];
            s.visiting = (h > 0 || c > 0).then(|| Visiting {
                hours: OpeningHours::parse(hours),
                closing: ClosingDays::parse(closing).unwrap_or_default(),
            });
        }
        input.travel.speed_km_per_h = speed;
        let kst = chrono::NaiveDate::from_ymd_opt(2026, 12, day)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .expect("date");
        input.departure = Some(kst.and_utc() - chrono::Duration::hours(9));
        input
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// With a departure, the engine equals brute force over the stores open
    /// at their earliest arrival (departure + the direct leg), and lists
    /// exactly the others in reach as skipped.
    #[test]
    fn hours_match_brute_force_over_the_open_stores(input in hours_input()) {
        let departure = input.departure.expect("departure");
        let origin = input.origin;
        let arrival = |s: &StoreCandidate| {
            let m = origin.distance_m(s.location);
            departure + chrono::Duration::seconds(travel::seconds_at(m, input.travel.speed_km_per_h))
        };
        let closed = |s: &StoreCandidate| {
            s.visiting.as_ref().and_then(|v| v.closed_at(arrival(s))).is_some()
        };
        let mut open = input.clone();
        open.departure = None;
        open.stores.retain(|s| !closed(s));
        let mut want_skipped: Vec<String> = input
            .stores
            .iter()
            .filter(|s| closed(s) && input.max_distance_m.is_none_or(|r| origin.distance_m(s.location) <= r))
            .map(|s| s.id.0.clone())
            .collect();
        want_skipped.sort();
        let with_hours = plan_offline_outcome(&input);
        let without = plan_offline_outcome(&open);
        match (&with_hours, &without) {
            (Ok(a), Ok(b)) => {
                let key = |p: &Plan| (p.label, p.total_krw, p.stops.iter().map(|s| s.store_id.clone()).collect::<Vec<_>>());
                prop_assert_eq!(a.plans.iter().map(key).collect::<Vec<_>>(), b.plans.iter().map(key).collect::<Vec<_>>());
                let got: Vec<String> = a.skipped.iter().map(|s| s.store_id.0.clone()).collect();
                prop_assert_eq!(got, want_skipped);
                for p in &a.plans {
                    // Arrival times add up along the route.
                    let mut t = departure;
                    for s in &p.stops {
                        t += chrono::Duration::seconds(s.leg_seconds);
                        prop_assert_eq!(s.arrive_at, Some(t));
                    }
                }
            }
            (Err(PlanError::NoPlanPossible { .. }), Err(PlanError::NoPlanPossible { .. })) => {}
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a.as_ref().err(), b.as_ref().err()),
        }
        // And the open stores' answer is brute force's.
        many_stores_agree(&open)?;
    }
}
