//! Offline rules, one test each.

use super::*;

fn input(lines: Vec<BasketLine>, stores: Vec<StoreCandidate>) -> OfflineInput {
    OfflineInput::new(pt(ORIGIN.0, ORIGIN.1), lines, stores)
}

#[test]
fn one_store_round_trip_prices_goods_and_travel() {
    let s = store(
        "a",
        near(1_000.0, 0.0),
        &[("milk", 2_500, true), ("egg", 7_000, true)],
    );
    let mut inp = input(vec![line("1", "milk", 2), line("2", "egg", 1)], vec![s]);
    inp.travel_cost_krw_per_km = 300;
    let plans = plan_offline(&inp).expect("plan");
    assert_eq!(plans.len(), 1, "all labels merge into one plan");
    let p = &plans[0];
    assert_eq!(p.label, PlanLabel::Cheapest);
    assert_eq!(
        p.other_labels,
        vec![PlanLabel::FewestStops, PlanLabel::Closest]
    );
    // Quantity 2 of milk is priced 2 × 2 500.
    assert_eq!(p.goods_krw, 2 * 2_500 + 7_000);
    let d = p.stops[0].leg_distance_m;
    assert!((999..=1_001).contains(&d), "{d}");
    assert_eq!(p.distance_m, 2 * d);
    assert_eq!(p.travel_krw, travel_cost_krw(2 * d, 300));
    assert_eq!(p.total_krw, p.goods_krw + p.travel_krw);
    assert_eq!(p.stops[0].items[0].subtotal_krw, 5_000);
    assert_eq!(p.stops[0].items[0].unit_price_krw, 2_500);
    check_offline_plan(&inp, p);
}

#[test]
fn one_way_trip_does_not_return() {
    let s = store("a", near(1_000.0, 0.0), &[("milk", 2_500, true)]);
    let mut inp = input(vec![line("1", "milk", 1)], vec![s]);
    inp.round_trip = false;
    let p = &plan_offline(&inp).expect("plan")[0];
    assert_eq!(p.distance_m, p.stops[0].leg_distance_m);
}

#[test]
fn missing_lines_have_reasons_and_are_never_priced() {
    let a = store(
        "a",
        near(500.0, 0.0),
        &[("milk", 2_500, true), ("tofu", 1_500, false)],
    );
    let far = store("far", near(9_000.0, 0.0), &[("kimchi", 9_000, true)]);
    let mut inp = input(
        vec![
            line("1", "milk", 1),
            line("2", "tofu", 1),
            line("3", "kimchi", 1),
            line("4", "caviar", 1),
        ],
        vec![a, far],
    );
    inp.max_distance_m = Some(3_000);
    let p = &plan_offline(&inp).expect("plan")[0];
    assert_eq!(p.goods_krw, 2_500);
    let reasons: Vec<_> = p
        .missing
        .iter()
        .map(|m| (m.line_id.0.as_str(), m.reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("2", MissingReason::OutOfStock),
            ("3", MissingReason::OutOfRange),
            ("4", MissingReason::NotSold),
        ]
    );
    check_offline_plan(&inp, p);
}

#[test]
fn nothing_available_is_no_plan_possible() {
    let a = store("a", near(500.0, 0.0), &[("tofu", 1_500, false)]);
    let err = plan_offline(&input(
        vec![line("1", "tofu", 1), line("2", "x", 1)],
        vec![a],
    ))
    .expect_err("nothing to buy");
    let PlanError::NoPlanPossible { missing } = err else {
        panic!("{err:?}")
    };
    assert_eq!(missing.len(), 2);
    // No store at all is the same answer.
    assert!(matches!(
        plan_offline(&input(vec![line("1", "milk", 1)], vec![])),
        Err(PlanError::NoPlanPossible { .. })
    ));
}

#[test]
fn k_limits_stops_and_coverage_comes_first() {
    // Each store has one line only: covering everything needs three stops.
    let stores = vec![
        store("a", near(300.0, 0.0), &[("x", 1_000, true)]),
        store("b", near(0.0, 300.0), &[("y", 1_000, true)]),
        store("c", near(-300.0, 0.0), &[("z", 1_000, true)]),
    ];
    let lines = vec![line("1", "x", 1), line("2", "y", 1), line("3", "z", 1)];
    let mut inp = input(lines, stores);
    // Travel is expensive, yet buying more lines still wins.
    inp.travel_cost_krw_per_km = 100_000;
    inp.max_stores = 3;
    let p = by_label(&plan_offline(&inp).expect("plan"), PlanLabel::Cheapest).clone();
    assert_eq!(p.stops.len(), 3);
    assert!(p.missing.is_empty());
    inp.max_stores = 2;
    let plans = plan_offline(&inp).expect("plan");
    for p in &plans {
        assert_eq!(p.stops.len(), 2);
        assert_eq!(p.missing.len(), 1);
        assert_eq!(p.missing[0].reason, MissingReason::NotCoveredByPlan);
        check_offline_plan(&inp, p);
    }
}

#[test]
fn distance_filter_excludes_far_cheap_store() {
    let stores = vec![
        store("near", near(500.0, 0.0), &[("milk", 3_000, true)]),
        store("far", near(5_000.0, 0.0), &[("milk", 1_000, true)]),
    ];
    let mut inp = input(vec![line("1", "milk", 1)], stores);
    inp.travel_cost_krw_per_km = 0;
    assert_eq!(stop_ids(&plan_offline(&inp).expect("plan")[0]), vec!["far"]);
    inp.max_distance_m = Some(2_000);
    assert_eq!(
        stop_ids(&plan_offline(&inp).expect("plan")[0]),
        vec!["near"]
    );
}

#[test]
fn travel_cost_trades_against_price() {
    let stores = vec![
        store("near", near(500.0, 0.0), &[("beef", 30_000, true)]),
        store("far", near(10_000.0, 0.0), &[("beef", 27_000, true)]),
    ];
    let mut inp = input(vec![line("1", "beef", 1)], stores);
    // 20 km round trip × 100 원 = 2 000 < 3 000 saved: go far.
    inp.travel_cost_krw_per_km = 100;
    assert_eq!(
        stop_ids(by_label(
            &plan_offline(&inp).expect("plan"),
            PlanLabel::Cheapest
        )),
        vec!["far"]
    );
    // × 300 원 = 6 000 > 3 000 saved: stay near.
    inp.travel_cost_krw_per_km = 300;
    let plans = plan_offline(&inp).expect("plan");
    assert_eq!(
        stop_ids(by_label(&plans, PlanLabel::Cheapest)),
        vec!["near"]
    );
}

#[test]
fn stops_are_in_shortest_route_order() {
    // Origin → b (1 km north) → a (2 km north): the near one first.
    let stores = vec![
        store("a", near(2_000.0, 0.0), &[("x", 1_000, true)]),
        store("b", near(1_000.0, 0.0), &[("y", 1_000, true)]),
    ];
    let mut inp = input(vec![line("1", "x", 1), line("2", "y", 1)], stores);
    inp.round_trip = false;
    let p = &plan_offline(&inp).expect("plan")[0];
    assert_eq!(stop_ids(p), vec!["b", "a"]);
    assert!((1_999..=2_001).contains(&p.distance_m), "{}", p.distance_m);
    check_offline_plan(&inp, p);
}

#[test]
fn labels_give_distinct_alternatives() {
    // Two cheap specialists vs one dearer store that has everything, and a
    // far store: cheapest = a + b, fewest_stops = c.
    let stores = vec![
        store(
            "a",
            near(400.0, 0.0),
            &[("x", 1_000, true), ("y", 5_000, true)],
        ),
        store(
            "b",
            near(0.0, 400.0),
            &[("y", 1_000, true), ("x", 5_000, true)],
        ),
        store(
            "c",
            near(-300.0, 0.0),
            &[("x", 2_500, true), ("y", 2_500, true)],
        ),
    ];
    let mut inp = input(vec![line("1", "x", 1), line("2", "y", 1)], stores);
    inp.travel_cost_krw_per_km = 100;
    let plans = plan_offline(&inp).expect("plan");
    let cheapest = by_label(&plans, PlanLabel::Cheapest);
    assert_eq!(stop_ids(cheapest).len(), 2);
    assert_eq!(cheapest.goods_krw, 2_000);
    let fewest = by_label(&plans, PlanLabel::FewestStops);
    assert_eq!(stop_ids(fewest), vec!["c"]);
    let closest = by_label(&plans, PlanLabel::Closest);
    assert_eq!(stop_ids(closest), vec!["c"]);
    assert_eq!(plans.len(), 2, "fewest_stops and closest are one plan");
    assert_eq!(plans[1].label, PlanLabel::FewestStops);
    assert_eq!(plans[1].other_labels, vec![PlanLabel::Closest]);
    for p in &plans {
        check_offline_plan(&inp, p);
    }
}

#[test]
fn route_limit_is_respected() {
    let stores = vec![
        store("near", near(500.0, 0.0), &[("milk", 3_000, true)]),
        store("far", near(5_000.0, 0.0), &[("milk", 1_000, true)]),
    ];
    let mut inp = input(vec![line("1", "milk", 1)], stores);
    inp.travel_cost_krw_per_km = 0;
    inp.max_route_m = Some(2_000);
    assert_eq!(
        stop_ids(&plan_offline(&inp).expect("plan")[0]),
        vec!["near"]
    );
    inp.max_route_m = Some(500);
    assert!(matches!(
        plan_offline(&inp),
        Err(PlanError::NoPlanPossible { .. })
    ));
}

#[test]
fn ties_go_to_the_smaller_store_id() {
    // Same place, same price: "a" wins whatever the input order.
    let here = near(700.0, 0.0);
    let stores = vec![
        store("b", here, &[("milk", 2_000, true)]),
        store("a", here, &[("milk", 2_000, true)]),
    ];
    let inp = input(vec![line("1", "milk", 1)], stores);
    assert_eq!(stop_ids(&plan_offline(&inp).expect("plan")[0]), vec!["a"]);
}

#[test]
fn invalid_inputs_are_refused() {
    let s = || vec![store("a", near(100.0, 0.0), &[("milk", 2_000, true)])];
    assert_eq!(
        plan_offline(&input(vec![], s())),
        Err(PlanError::EmptyBasket)
    );
    assert_eq!(
        plan_offline(&input(vec![line("1", "milk", 0)], s())),
        Err(PlanError::InvalidQuantity {
            line_id: LineId::from("1")
        })
    );
    assert!(matches!(
        plan_offline(&input(vec![line("1", "milk", 1_000)], s())),
        Err(PlanError::InvalidQuantity { .. })
    ));
    assert_eq!(
        plan_offline(&input(vec![line("1", "milk", 1), line("1", "egg", 1)], s())),
        Err(PlanError::DuplicateLine(LineId::from("1")))
    );
    let mut twice = s();
    twice.extend(s());
    assert_eq!(
        plan_offline(&input(vec![line("1", "milk", 1)], twice)),
        Err(PlanError::DuplicateStore(StoreId::from("a")))
    );
    let bad_price = vec![store("a", near(100.0, 0.0), &[("milk", 0, true)])];
    assert!(matches!(
        plan_offline(&input(vec![line("1", "milk", 1)], bad_price)),
        Err(PlanError::InvalidPrice { .. })
    ));
    for k in [0u8, 6] {
        let mut inp = input(vec![line("1", "milk", 1)], s());
        inp.max_stores = k;
        assert!(matches!(
            plan_offline(&inp),
            Err(PlanError::InvalidParameter {
                field: "max_stores",
                ..
            })
        ));
    }
    let mut inp = input(vec![line("1", "milk", 1)], s());
    inp.travel_cost_krw_per_km = -1;
    assert!(matches!(
        plan_offline(&inp),
        Err(PlanError::InvalidParameter { .. })
    ));
}

#[test]
fn every_store_in_reach_counts_even_past_the_budget() {
    // 400 stores on a line; the farthest is the cheapest. 10.7 M store sets
    // for k = 3 exceed the budget: the rules reduce them and stay exact.
    let stores: Vec<_> = (0..400)
        .map(|i| {
            let price = if i == 399 { 500 } else { 1_000 + i64::from(i) };
            store(
                &format!("s{i:03}"),
                near(f64::from(i), 0.0),
                &[("milk", price, true)],
            )
        })
        .collect();
    let mut inp = input(vec![line("1", "milk", 1)], stores);
    inp.max_stores = 3;
    let out = plan_offline_outcome(&inp).expect("plan");
    assert!(out.optimality.exact, "{:?}", out.optimality);
    assert_eq!(out.optimality.candidates, 400);
    assert!(out.optimality.searched < 400);
    assert_eq!(
        stop_ids(by_label(&out.plans, PlanLabel::Cheapest)),
        ["s399"]
    );
    assert_eq!(stop_ids(by_label(&out.plans, PlanLabel::Closest)), ["s000"]);
}

/// Stores on a circle around the origin: no store is nearer than another,
/// so no rule can drop one, and travel is free, so no bound bites.
fn ring(n: usize, rows: impl Fn(usize) -> Vec<(String, i64)>) -> Vec<StoreCandidate> {
    (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            let rows = rows(i);
            let rows: Vec<(&str, i64, bool)> =
                rows.iter().map(|(p, c)| (p.as_str(), *c, true)).collect();
            store(
                &format!("s{i:02}"),
                near(1_000.0 * a.sin(), 1_000.0 * a.cos()),
                &rows,
            )
        })
        .collect()
}

#[test]
fn a_spent_budget_states_its_proven_gap() {
    let stores = ring(40, |i| {
        vec![
            ("p0".into(), 100 + ((i * 7 + 1) % 40) as i64),
            ("p1".into(), 100 + ((i * 11 + 5) % 40) as i64),
            ("p2".into(), 100 + ((i * 13 + 9) % 40) as i64),
        ]
    });
    let lines = vec![line("1", "p0", 1), line("2", "p1", 1), line("3", "p2", 1)];
    let mut inp = input(lines, stores);
    inp.travel_cost_krw_per_km = 0;
    inp.max_subsets = 60;
    let out = plan_offline_outcome(&inp).expect("plan");
    let o = &out.optimality;
    assert!(!o.exact, "60 sets of work cannot prove 40 stores: {o:?}");
    let best = super::brute::offline(&inp).expect("brute")[0].total;
    let lb = o.lower_bound_krw.expect("full coverage proves a bound");
    assert!(lb <= best && best <= o.best_total_krw, "{lb} {best} {o:?}");
    assert_eq!(o.exact, lb == o.best_total_krw && o.exact);
    assert!(o.gap_pct().is_some());
}

#[test]
fn without_full_coverage_no_gap_is_claimed() {
    // Each store sells one of 8 products: 3 stops cover 3 lines at most.
    let stores = ring(40, |i| vec![(format!("p{}", i % 8), 100 + i as i64)]);
    let lines = (0..8)
        .map(|p| line(&p.to_string(), &format!("p{p}"), 1))
        .collect();
    let mut inp = input(lines, stores);
    inp.travel_cost_krw_per_km = 0;
    inp.max_subsets = 500;
    let out = plan_offline_outcome(&inp).expect("plan");
    assert!(!out.optimality.exact);
    assert_eq!(out.optimality.lower_bound_krw, None);
    assert_eq!(out.optimality.gap_pct(), None);
}

#[test]
fn frontier_and_single_store_plan_explain_the_choice() {
    let a = store("a", near(300.0, 0.0), &[("milk", 1_000, true)]);
    let b = store("b", near(0.0, 300.0), &[("egg", 2_000, true)]);
    let c = store(
        "c",
        near(-300.0, 0.0),
        &[("milk", 1_500, true), ("egg", 2_500, true)],
    );
    let mut inp = input(
        vec![line("1", "milk", 1), line("2", "egg", 1)],
        vec![a, b, c],
    );
    inp.travel_cost_krw_per_km = 100;
    inp.max_stores = 3;
    let out = plan_offline_outcome(&inp).expect("plan");
    let single = out.single_store.expect("one store can do it");
    assert_eq!(stop_ids(&single), ["c"]);
    let cheapest = by_label(&out.plans, PlanLabel::Cheapest);
    let mut ids = stop_ids(cheapest);
    ids.sort_unstable();
    assert_eq!(ids, ["a", "b"]);
    let stops: Vec<u8> = out.frontier.iter().map(|f| f.stops).collect();
    assert_eq!(stops, [1, 2, 3]);
    assert_eq!(out.frontier[0].total_krw, single.total_krw);
    assert_eq!(out.frontier[1].total_krw, cheapest.total_krw);
    assert_eq!(out.frontier[2].total_krw, cheapest.total_krw);
    assert!(out.frontier.iter().all(|f| f.missing == 0));
}

#[test]
fn preferred_chains_win_ties_and_only_ties() {
    // Two stores, same price, same distance: the preferred one wins even with
    // the larger id; a dearer preferred store does not.
    let a = store("a", near(0.0, 500.0), &[("milk", 1_000, true)]);
    let mut b = store("b", near(0.0, -500.0), &[("milk", 1_000, true)]);
    b.preferred = true;
    let inp = input(vec![line("1", "milk", 1)], vec![a.clone(), b.clone()]);
    let plans = plan_offline(&inp).expect("plan");
    assert_eq!(stop_ids(by_label(&plans, PlanLabel::Cheapest)), ["b"]);
    b.prices = prices(&[("milk", 1_001, true)]);
    let inp = input(vec![line("1", "milk", 1)], vec![a, b]);
    let plans = plan_offline(&inp).expect("plan");
    assert_eq!(stop_ids(by_label(&plans, PlanLabel::Cheapest)), ["a"]);
}

#[test]
fn branch_and_bound_is_exact_for_five_stops_past_the_enumeration_budget() {
    // 30 stores, 6 products with prices that differ per store: C(30, ≤ 5)
    // = 174 436 sets, far above the budget, yet the branch and bound proves
    // its plans optimal, equal to brute force.
    let stores = ring(30, |i| {
        (0..6)
            .map(|p| {
                (
                    format!("p{p}"),
                    100 + ((i * (p + 3) * 7 + p * 11) % 37) as i64,
                )
            })
            .collect()
    });
    let lines = (0..6)
        .map(|p| line(&p.to_string(), &format!("p{p}"), 1))
        .collect();
    let mut inp = input(lines, stores);
    inp.max_stores = 5;
    inp.travel_cost_krw_per_km = 10;
    inp.max_subsets = 20_000;
    let out = plan_offline_outcome(&inp).expect("plan");
    assert!(out.optimality.exact, "{:?}", out.optimality);
    let best = super::brute::offline(&inp).expect("brute");
    let c = by_label(&out.plans, PlanLabel::Cheapest);
    assert_eq!(c.total_krw, best[0].total);
    let f = by_label(&out.plans, PlanLabel::FewestStops);
    assert_eq!((f.stops.len(), f.total_krw), (best[1].stops, best[1].total));
    let d = by_label(&out.plans, PlanLabel::Closest);
    assert_eq!(
        (d.distance_m, d.total_krw),
        (best[2].route_m, best[2].total)
    );
    assert_eq!(out.frontier.len(), 5);
    assert_eq!(out.frontier[4].total_krw, c.total_krw);
}
