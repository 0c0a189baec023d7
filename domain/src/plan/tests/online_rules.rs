//! Online rules, one test each.

use super::*;

fn online(lines: Vec<BasketLine>, malls: Vec<MallCandidate>) -> OnlineInput {
    OnlineInput { lines, malls }
}

fn cheapest(input: &OnlineInput) -> Plan {
    let plans = plan_online(input).expect("plan");
    for p in &plans {
        check_online_plan(input, p);
    }
    by_label(&plans, PlanLabel::Cheapest).clone()
}

#[test]
fn fee_is_waived_at_the_threshold() {
    let m = mall("a", &[("x", 10_000, true)], 3_000, Some(30_000), None);
    // 3 × 10 000 = 30 000 ≥ threshold: free.
    let p = cheapest(&online(vec![line("1", "x", 3)], vec![m.clone()]));
    assert_eq!(
        (p.goods_krw, p.delivery_krw, p.total_krw),
        (30_000, 0, 30_000)
    );
    // 2 × 10 000 below it: fee charged.
    let p = cheapest(&online(vec![line("1", "x", 2)], vec![m]));
    assert_eq!(
        (p.goods_krw, p.delivery_krw, p.total_krw),
        (20_000, 3_000, 23_000)
    );
    assert_eq!(p.stops[0].delivery_krw, 3_000);
}

#[test]
fn minimum_order_excludes_a_mall() {
    // "b" is cheaper for y but its minimum order cannot be met with y alone.
    let a = mall(
        "a",
        &[("x", 5_000, true), ("y", 4_000, true)],
        0,
        None,
        None,
    );
    let b = mall("b", &[("y", 3_000, true)], 0, None, Some(10_000));
    let p = cheapest(&online(
        vec![line("1", "x", 1), line("2", "y", 1)],
        vec![a, b],
    ));
    assert_eq!(stop_ids(&p), vec!["a"]);
    assert_eq!(p.total_krw, 9_000);
}

#[test]
fn unreachable_minimum_order_leaves_a_line_missing() {
    let a = mall("a", &[("x", 5_000, true)], 0, None, None);
    let b = mall("b", &[("z", 1_000, true)], 0, None, Some(15_000));
    let p = cheapest(&online(
        vec![line("1", "x", 1), line("2", "z", 1)],
        vec![a, b],
    ));
    assert_eq!(p.total_krw, 5_000);
    assert_eq!(p.missing.len(), 1);
    assert_eq!(p.missing[0].reason, MissingReason::NotCoveredByPlan);
    // With nothing else to buy, no plan is possible at all.
    let b = mall("b", &[("z", 1_000, true)], 0, None, Some(15_000));
    assert!(matches!(
        plan_online(&online(vec![line("2", "z", 1)], vec![b])),
        Err(PlanError::NoPlanPossible { .. })
    ));
}

#[test]
fn moves_an_item_to_a_dearer_mall_to_reach_free_delivery() {
    let lines = || vec![line("1", "x", 1), line("2", "y", 1)];
    // Cheapest per line: x at a (21 000), y at b (9 000) → 30 000 + 2 fees = 36 000.
    // All at a: 21 000 + 9 500 = 30 500 ≥ 30 000 → free: 30 500.
    let a = mall(
        "a",
        &[("x", 21_000, true), ("y", 9_500, true)],
        3_000,
        Some(30_000),
        None,
    );
    let b = mall(
        "b",
        &[("x", 30_000, true), ("y", 9_000, true)],
        3_000,
        Some(30_000),
        None,
    );
    let p = cheapest(&online(lines(), vec![a, b.clone()]));
    assert_eq!(stop_ids(&p), vec!["a"]);
    assert_eq!(p.total_krw, 30_500);
    // When moving costs more than it saves, the split stays.
    let a = mall(
        "a",
        &[("x", 21_000, true), ("y", 16_000, true)],
        3_000,
        Some(30_000),
        None,
    );
    let p = cheapest(&online(lines(), vec![a, b]));
    assert_eq!(stop_ids(&p), vec!["a", "b"]);
    assert_eq!(p.total_krw, 21_000 + 9_000 + 6_000);
}

#[test]
fn adds_to_a_mall_to_reach_its_threshold_across_three_malls() {
    // y is cheapest at c, but moving it to a makes a's delivery free.
    let a = mall(
        "a",
        &[("x", 25_000, true), ("y", 6_000, true)],
        3_000,
        Some(30_000),
        None,
    );
    let b = mall("b", &[("z", 2_000, true)], 2_500, None, None);
    let c = mall(
        "c",
        &[("y", 5_000, true), ("z", 2_100, true)],
        3_000,
        Some(40_000),
        None,
    );
    let lines = vec![line("1", "x", 1), line("2", "y", 1), line("3", "z", 1)];
    let p = cheapest(&online(lines, vec![a, b, c]));
    // a: x + y = 31 000 free; z at b 2 000 + 2 500 = 4 500 → 35 500.
    assert_eq!(p.total_krw, 35_500);
    assert_eq!(stop_ids(&p), vec!["a", "b"]);
}

#[test]
fn fewest_stops_is_one_mall_when_possible() {
    let a = mall(
        "a",
        &[("x", 1_000, true), ("y", 9_000, true)],
        0,
        None,
        None,
    );
    let b = mall(
        "b",
        &[("x", 9_000, true), ("y", 1_000, true)],
        0,
        None,
        None,
    );
    let plans = plan_online(&online(
        vec![line("1", "x", 1), line("2", "y", 1)],
        vec![a, b],
    ))
    .expect("plan");
    assert_eq!(plans.len(), 2);
    assert_eq!(by_label(&plans, PlanLabel::Cheapest).total_krw, 2_000);
    let f = by_label(&plans, PlanLabel::FewestStops);
    assert_eq!((stop_ids(f), f.total_krw), (vec!["a"], 10_000));
}

#[test]
fn too_many_malls_is_refused() {
    let malls: Vec<_> = (0..9)
        .map(|i| {
            mall(
                &format!("m{i}"),
                &[("x", 1_000 + i64::from(i), true)],
                0,
                None,
                None,
            )
        })
        .collect();
    assert!(matches!(
        plan_online(&online(vec![line("1", "x", 1)], malls)),
        Err(PlanError::TooLarge(_))
    ));
}

#[test]
fn invalid_fees_are_refused() {
    let m = mall("a", &[("x", 1_000, true)], -1, None, None);
    assert!(matches!(
        plan_online(&online(vec![line("1", "x", 1)], vec![m])),
        Err(PlanError::InvalidParameter { .. })
    ));
    assert_eq!(
        plan_online(&online(vec![], vec![])),
        Err(PlanError::EmptyBasket)
    );
}

#[test]
fn a_regional_surcharge_is_never_waived_and_moves_the_split() {
    // On the mainland, x at "a" and y at "b" (both free over 1 원): 8 000.
    let a = mall(
        "a",
        &[("x", 3_000, true), ("y", 6_000, true)],
        3_000,
        Some(1),
        None,
    );
    let b = mall(
        "b",
        &[("x", 4_000, true), ("y", 5_000, true)],
        3_000,
        Some(1),
        None,
    );
    let lines = vec![line("1", "x", 1), line("2", "y", 1)];
    let p = cheapest(&online(lines.clone(), vec![a.clone(), b.clone()]));
    assert_eq!((stop_ids(&p), p.total_krw), (vec!["a", "b"], 8_000));
    // To Jeju each used mall adds 2 500, even with free delivery: one mall
    // (9 000 + 2 500) now beats two (8 000 + 5 000).
    let jeju = |mut m: MallCandidate| {
        m.surcharge_krw = 2_500;
        m
    };
    let p = cheapest(&online(lines, vec![jeju(a), jeju(b)]));
    assert_eq!(
        (p.goods_krw, p.delivery_krw, p.surcharge_krw, p.total_krw),
        (9_000, 0, 2_500, 11_500)
    );
    assert_eq!(p.stops.len(), 1);
    assert_eq!(p.stops[0].surcharge_krw, 2_500);
}
