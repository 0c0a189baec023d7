//! Online plans: split the basket across malls, minimising goods + delivery
//! fees, with minimum orders and free-delivery thresholds. Exact.
//!
//! # Problem
//! Each basket line goes to one mall that has it in stock, or stays missing. A
//! mall that gets at least one line is *used*: its goods subtotal G must reach
//! its minimum order, and it charges its delivery fee unless G reaches its
//! free-delivery threshold, and its regional surcharge (Jeju, islands) is
//! added whatever the subtotal. Objectives, lexicographic like offline:
//! - `cheapest`: most lines covered, then the lowest goods + fees;
//! - `fewest_stops`: most lines covered, then fewest malls, then the lowest total.
//!
//! Coverage is not trivial here: a line sold only by a mall whose minimum order
//! cannot be reached is missing (`not_covered_by_plan`).
//!
//! # Exact method
//! Costs are folded into one integer: `value = BIG × uncovered + goods + fees`
//! with `BIG` larger than any possible goods + fees, so minimising `value` is
//! the lexicographic objective.
//!
//! We enumerate every set S of malls ("the malls allowed") and every subset
//! P ⊆ S of malls that *aim for free delivery* (only malls with a fee and a
//! threshold). For a fixed (S, P) the fees are constants (Σ fee over S \ P
//! plus Σ surcharge over S) and
//! the rest is an assignment with lower bounds: every line available in S goes
//! to a mall of S (leaving it out only costs BIG), and each mall j of S must
//! reach `lower_j = max(min_order_j, threshold_j if j ∈ P)`. We allow a mall of
//! S to end up empty (its fee is still charged, or its lower bound still
//! required), which can only overstate the cost. So every (S, P) value is the
//! value of a real assignment or more, and the true optimum is found exactly at
//! its own (S, P) (the malls it uses, the malls whose fee it avoids): the
//! minimum over all (S, P) is the optimum. The same holds per number of malls,
//! which gives `fewest_stops`.
//!
//! Each (S, P) is solved by depth-first branch and bound over the lines (the
//! most expensive first, each trying its malls cheapest first) with the lower
//! bound `goods so far + Σ remaining lines' cheapest cost in S + Σ_j b_j`,
//! where `b_j` is the fractional knapsack-cover bound on the extra cost of
//! moving remaining lines to mall j to fill its deficit `lower_j − G_j`
//! (greedy by extra cost per 원 moved). The b_j add up because each line can
//! fill only one mall's deficit. As soon as no mall has a deficit, assigning the
//! remaining lines to their cheapest mall is optimal and ends the branch.
//! Pruning compares this bound with the best value known so far for the
//! objective(s) the branch can still improve. A greedy pass (each line to its
//! cheapest mall of S, for every S) seeds the incumbents. Property tests compare
//! the result with a brute force over every assignment.

mod search;

use super::model::{
    limits, BasketLine, MallCandidate, MissingReason, OnlineInput, Plan, PlanError, PlanLabel, Stop,
};
use super::prep::{self, INF};
use search::Solver;

const NONE: u8 = u8::MAX;
const M: usize = limits::MAX_MALLS;

/// Labelled, deduplicated online plans: `cheapest` first, then `fewest_stops`
/// when it differs (otherwise it is in the cheapest plan's `other_labels`).
///
/// Errors: invalid input, [`PlanError::TooLarge`] when more than
/// [`limits::MAX_MALLS`] malls carry basket lines, or
/// [`PlanError::NoPlanPossible`] when no mall can supply any line.
pub fn plan_online(input: &OnlineInput) -> Result<Vec<Plan>, PlanError> {
    let lines = prep::sorted_lines(&input.lines)?;
    let malls = prep::sorted_by_id(&input.malls, |m| &m.id)?;
    for m in &malls {
        prep::check_prices(&m.id, &m.prices, &lines)?;
        prep::check_fee("delivery_fee_krw", m.delivery_fee_krw)?;
        if let Some(t) = m.free_delivery_threshold_krw {
            prep::check_fee("free_delivery_threshold_krw", t)?;
        }
        if let Some(t) = m.min_order_krw {
            prep::check_fee("min_order_krw", t)?;
        }
        prep::check_fee("surcharge_krw", m.surcharge_krw)?;
    }

    let mut coverable: Vec<&BasketLine> = Vec::new();
    let mut missing = Vec::new();
    for line in &lines {
        if malls.iter().any(|m| prep::line_cost(&m.prices, line) < INF) {
            coverable.push(line);
        } else {
            let listed = malls.iter().any(|m| m.prices.contains_key(&line.product));
            missing.push(prep::missing(line, prep::unavailable_reason(listed, false)));
        }
    }
    if coverable.is_empty() {
        return Err(PlanError::NoPlanPossible { missing });
    }
    let l = coverable.len();
    let mut used_malls: Vec<&MallCandidate> = Vec::new();
    let mut cost = Vec::new();
    for m in &malls {
        let row: Vec<i64> = coverable
            .iter()
            .map(|line| prep::line_cost(&m.prices, line))
            .collect();
        if row.iter().any(|c| *c < INF) {
            used_malls.push(m);
            cost.extend(row);
        }
    }
    if used_malls.len() > M {
        return Err(PlanError::TooLarge(format!(
            "{} online malls carry basket lines (at most {M})",
            used_malls.len()
        )));
    }

    let mut solver = Solver::new(&used_malls, l, &cost);
    solver.solve();

    // cheapest: lowest value; ties go to fewer malls (classes in size order).
    let mut cheapest: Option<usize> = None;
    let mut fewest: Option<usize> = None;
    for (size, slot) in solver.best.iter().enumerate() {
        if let Some(sol) = slot {
            if cheapest.is_none_or(|c| sol.value < solver.value_of(c)) {
                cheapest = Some(size);
            }
            if fewest.is_none_or(|f| sol.uncovered < solver.uncovered_of(f)) {
                fewest = Some(size);
            }
        }
    }
    let mut found = Vec::new();
    for (label, size) in [
        (PlanLabel::Cheapest, cheapest),
        (PlanLabel::FewestStops, fewest),
    ] {
        if let Some(size) = size {
            if let Some(sol) = &solver.best[size] {
                let plan = build_plan(label, &sol.assign, &used_malls, &coverable, &cost, &missing);
                found.push((label, size, plan));
            }
        }
    }
    if found.is_empty() {
        // No mall can reach its minimum order with the lines it has.
        for line in &coverable {
            missing.push(prep::missing(line, MissingReason::NotCoveredByPlan));
        }
        missing.sort_by(|a, b| a.line_id.cmp(&b.line_id));
        return Err(PlanError::NoPlanPossible { missing });
    }
    Ok(prep::dedup(found))
}

fn build_plan(
    label: PlanLabel,
    assign: &[u8],
    malls: &[&MallCandidate],
    coverable: &[&BasketLine],
    cost: &[i64],
    unavailable: &[super::model::Missing],
) -> Plan {
    let l = coverable.len();
    let mut stops = Vec::new();
    for (j, mall) in malls.iter().enumerate() {
        let items: Vec<_> = (0..l)
            .filter(|&i| usize::from(assign[i]) == j)
            .map(|i| prep::assignment(coverable[i], cost[j * l + i]))
            .collect();
        if items.is_empty() {
            continue;
        }
        let subtotal_krw: i64 = items.iter().map(|a| a.subtotal_krw).sum();
        let waived = mall
            .free_delivery_threshold_krw
            .is_some_and(|t| subtotal_krw >= t);
        stops.push(Stop {
            store_id: mall.id.clone(),
            store_name: mall.name.clone(),
            items,
            subtotal_krw,
            delivery_krw: if waived { 0 } else { mall.delivery_fee_krw },
            surcharge_krw: mall.surcharge_krw,
            leg_distance_m: 0,
            leg_seconds: 0,
            arrive_at: None,
            closed_on_arrival: None,
        });
    }
    let mut missing: Vec<_> = unavailable.to_vec();
    for (i, line) in coverable.iter().enumerate() {
        if assign[i] == NONE {
            missing.push(prep::missing(line, MissingReason::NotCoveredByPlan));
        }
    }
    missing.sort_by(|a, b| a.line_id.cmp(&b.line_id));
    let goods_krw: i64 = stops.iter().map(|s| s.subtotal_krw).sum();
    let delivery_krw: i64 = stops.iter().map(|s| s.delivery_krw).sum();
    let surcharge_krw: i64 = stops.iter().map(|s| s.surcharge_krw).sum();
    Plan {
        label,
        other_labels: Vec::new(),
        stops,
        goods_krw,
        travel_krw: 0,
        delivery_krw,
        surcharge_krw,
        total_krw: goods_krw + delivery_krw + surcharge_krw,
        distance_m: 0,
        travel_seconds: 0,
        missing,
    }
}
