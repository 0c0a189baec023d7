//! Online plans: split the basket across malls, minimising goods + delivery
//! fees, with minimum orders and free-delivery thresholds. Exact.
//!
//! # Problem
//! Each basket line goes to one mall that has it in stock, or stays missing. A
//! mall that gets at least one line is *used*: its goods subtotal G must reach
//! its minimum order, and it charges its delivery fee unless G reaches its
//! free-delivery threshold. Objectives, lexicographic like offline:
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
//! threshold). For a fixed (S, P) the fees are constants (Σ fee over S \ P) and
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

use super::model::{
    limits, BasketLine, MallCandidate, MissingReason, OnlineInput, Plan, PlanError, PlanLabel, Stop,
};
use super::prep::{self, INF};

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

#[derive(Debug, Clone)]
struct Sol {
    value: i64,
    uncovered: usize,
    assign: Vec<u8>,
}

struct Solver<'a> {
    m: usize,
    l: usize,
    /// `cost[j * l + i]`.
    cost: &'a [i64],
    fee: [i64; M],
    threshold: [Option<i64>; M],
    min_order: [i64; M],
    big: i64,
    /// Best solution by number of malls used (index 0 unused).
    best: Vec<Option<Sol>>,
}

impl<'a> Solver<'a> {
    fn new(malls: &[&MallCandidate], l: usize, cost: &'a [i64]) -> Self {
        let m = malls.len();
        let mut fee = [0; M];
        let mut threshold = [None; M];
        let mut min_order = [0; M];
        for (j, mall) in malls.iter().enumerate() {
            fee[j] = mall.delivery_fee_krw;
            threshold[j] = mall.free_delivery_threshold_krw;
            min_order[j] = mall.min_order_krw.unwrap_or(0);
        }
        // Larger than any goods + fees: every line at its dearest mall plus all fees.
        let dearest: i64 = (0..l)
            .map(|i| {
                (0..m)
                    .map(|j| cost[j * l + i])
                    .filter(|c| *c < INF)
                    .max()
                    .unwrap_or(0)
            })
            .sum();
        let big = dearest + fee[..m].iter().sum::<i64>() + 1;
        Self {
            m,
            l,
            cost,
            fee,
            threshold,
            min_order,
            big,
            best: vec![None; m + 1],
        }
    }

    fn value_of(&self, size: usize) -> i64 {
        self.best[size].as_ref().map_or(i64::MAX, |s| s.value)
    }

    fn uncovered_of(&self, size: usize) -> usize {
        self.best[size].as_ref().map_or(usize::MAX, |s| s.uncovered)
    }

    /// The true value of an assignment and the number of malls it uses, or
    /// `None` when a used mall misses its minimum order.
    fn evaluate(&self, assign: &[u8]) -> Option<(i64, usize, usize)> {
        let mut g = [0i64; M];
        let mut uncovered = 0usize;
        for (i, &a) in assign.iter().enumerate() {
            if a == NONE {
                uncovered += 1;
            } else {
                g[usize::from(a)] += self.cost[usize::from(a) * self.l + i];
            }
        }
        let mut value = self.big * uncovered as i64;
        let mut used = 0;
        for (j, &gj) in g.iter().enumerate().take(self.m) {
            if gj == 0 {
                continue;
            }
            if gj < self.min_order[j] {
                return None;
            }
            used += 1;
            value += gj;
            if self.threshold[j].is_none_or(|t| gj < t) {
                value += self.fee[j];
            }
        }
        Some((value, used, uncovered))
    }

    /// Records an assignment under the number of malls it really uses.
    fn offer(&mut self, assign: &[u8]) {
        if let Some((value, used, uncovered)) = self.evaluate(assign) {
            if self.best[used].as_ref().is_none_or(|b| value < b.value) {
                self.best[used] = Some(Sol {
                    value,
                    uncovered,
                    assign: assign.to_vec(),
                });
            }
        }
    }

    /// The value a set of `size` malls leaving `uncovered` lines out must beat
    /// to matter: the best overall (for `cheapest`), or, while no smaller set
    /// covers as much, the best of its own size (for `fewest_stops`).
    fn threshold_for(&self, size: usize, uncovered: usize) -> i64 {
        let overall = self
            .best
            .iter()
            .flatten()
            .map(|s| s.value)
            .min()
            .unwrap_or(i64::MAX);
        let smaller_covers = self.best[..size]
            .iter()
            .flatten()
            .any(|s| s.uncovered <= uncovered);
        if smaller_covers {
            overall
        } else {
            self.value_of(size).max(overall)
        }
    }

    fn solve(&mut self) {
        let full = 1usize << self.m;
        // Greedy incumbents: every line to its cheapest mall of S.
        let mut assign = vec![NONE; self.l];
        for mask in 1..full {
            for (i, slot) in assign.iter_mut().enumerate() {
                *slot = NONE;
                let mut best = INF;
                for j in 0..self.m {
                    let c = self.cost[j * self.l + i];
                    if mask & (1 << j) != 0 && c < best {
                        best = c;
                        *slot = j as u8;
                    }
                }
            }
            self.offer(&assign);
        }
        // Exact: every (S, P), smaller S first so fewest_stops prunes early.
        let mut masks: Vec<usize> = (1..full).collect();
        masks.sort_by_key(|s| (s.count_ones(), *s));
        for s in masks {
            let flexible = (0..self.m)
                .filter(|&j| s & (1 << j) != 0 && self.fee[j] > 0 && self.threshold[j].is_some())
                .fold(0usize, |acc, j| acc | (1 << j));
            // Every submask P of `flexible`, including the empty one.
            let mut p = flexible;
            loop {
                self.solve_pattern(s, p);
                if p == 0 {
                    break;
                }
                p = (p - 1) & flexible;
            }
        }
    }

    /// Branch and bound for one (S, P).
    fn solve_pattern(&mut self, s: usize, p: usize) {
        let (m, l) = (self.m, self.l);
        let in_s = |j: usize| s & (1 << j) != 0;
        let mut min_s = vec![INF; l];
        for (i, slot) in min_s.iter_mut().enumerate() {
            for j in (0..m).filter(|&j| in_s(j)) {
                *slot = (*slot).min(self.cost[j * l + i]);
            }
        }
        let uncovered = min_s.iter().filter(|c| **c >= INF).count();
        let mut fixed = 0i64;
        let mut lower = [0i64; M];
        for j in (0..m).filter(|&j| in_s(j)) {
            lower[j] = self.min_order[j];
            if p & (1 << j) != 0 {
                lower[j] = lower[j].max(self.threshold[j].unwrap_or(0));
            } else {
                fixed += self.fee[j];
            }
        }
        let base = self.big * uncovered as i64 + fixed;
        let size = s.count_ones() as usize;
        let bound = self.threshold_for(size, uncovered);
        // Quick root test without deficits.
        let natural: i64 = min_s.iter().filter(|c| **c < INF).sum();
        if base + natural >= bound {
            return;
        }

        // Lines available in S, the most expensive first.
        let mut order: Vec<usize> = (0..l).filter(|&i| min_s[i] < INF).collect();
        order.sort_by(|&a, &b| min_s[b].cmp(&min_s[a]).then(a.cmp(&b)));
        let n = order.len();
        let mut rem_min = vec![0i64; n + 1];
        for q in (0..n).rev() {
            rem_min[q] = rem_min[q + 1] + min_s[order[q]];
        }
        // Options per position: malls of S with the line, cheapest first.
        let mut options: Vec<Vec<(u8, i64)>> = Vec::with_capacity(n);
        for &i in &order {
            let mut opts: Vec<(u8, i64)> = (0..m)
                .filter(|&j| in_s(j) && self.cost[j * l + i] < INF)
                .map(|j| (j as u8, self.cost[j * l + i]))
                .collect();
            opts.sort_by_key(|&(j, c)| (c, j));
            options.push(opts);
        }
        // Deficit bound lists: (position, weight, extra) by extra/weight.
        let mut fill: Vec<Fill> = Vec::new();
        for j in (0..m).filter(|&j| in_s(j) && lower[j] > 0) {
            let mut list: Vec<(usize, i64, i64)> = order
                .iter()
                .enumerate()
                .filter(|(_, &i)| self.cost[j * l + i] < INF)
                .map(|(q, &i)| (q, self.cost[j * l + i], self.cost[j * l + i] - min_s[i]))
                .collect();
            list.sort_by(|a, b| {
                (i128::from(a.2) * i128::from(b.1))
                    .cmp(&(i128::from(b.2) * i128::from(a.1)))
                    .then(a.0.cmp(&b.0))
            });
            fill.push((j, list));
        }

        let mut bb = Bb {
            order: &order,
            rem_min: &rem_min,
            options: &options,
            fill: &fill,
            lower,
            g: [0; M],
            goods: 0,
            base,
            bound,
            current: vec![NONE; l],
            best: None,
        };
        bb.go(0);
        if let Some(assign) = bb.best {
            self.offer(&assign);
        }
    }
}

/// A mall with a lower bound and the lines that could fill it:
/// (position, weight = cost at the mall, extra over the line's cheapest in S),
/// sorted by extra per 원 of weight.
type Fill = (usize, Vec<(usize, i64, i64)>);

struct Bb<'b> {
    order: &'b [usize],
    rem_min: &'b [i64],
    options: &'b [Vec<(u8, i64)>],
    fill: &'b [Fill],
    lower: [i64; M],
    g: [i64; M],
    goods: i64,
    base: i64,
    /// Values at or above this cannot help; lowered as solutions are found.
    bound: i64,
    current: Vec<u8>,
    best: Option<Vec<u8>>,
}

impl Bb<'_> {
    /// Lower bound on the extra cost of filling every deficit from positions
    /// `q..`; `None` when some deficit cannot be filled at all.
    fn deficit_bound(&self, q: usize) -> Option<(i64, bool)> {
        let mut extra = 0i64;
        let mut any = false;
        for (j, list) in self.fill {
            let deficit = self.lower[*j] - self.g[*j];
            if deficit <= 0 {
                continue;
            }
            any = true;
            let mut need = deficit;
            let mut done = false;
            for &(pos, w, x) in list {
                if pos < q {
                    continue;
                }
                if w >= need {
                    // Fractional part, rounded up (the integer optimum is whole 원).
                    let frac =
                        (i128::from(x) * i128::from(need) + i128::from(w) - 1) / i128::from(w);
                    extra += i64::try_from(frac).unwrap_or(i64::MAX / 4);
                    done = true;
                    break;
                }
                need -= w;
                extra += x;
            }
            if !done {
                return None;
            }
        }
        Some((extra, any))
    }

    fn go(&mut self, q: usize) {
        let Some((extra, any_deficit)) = self.deficit_bound(q) else {
            return;
        };
        let lb = self.base + self.goods + self.rem_min[q] + extra;
        if lb >= self.bound {
            return;
        }
        if !any_deficit {
            // No deficit left: every remaining line at its cheapest mall is
            // optimal (more goods never break a lower bound).
            let mut assign = self.current.clone();
            for (pos, &i) in self.order.iter().enumerate().skip(q) {
                // Options are sorted cheapest first, ties by mall position.
                assign[i] = self.options[pos].first().map_or(NONE, |(j, _)| *j);
            }
            self.bound = lb;
            self.best = Some(assign);
            return;
        }
        if q == self.order.len() {
            return;
        }
        let i = self.order[q];
        for &(j, c) in &self.options[q] {
            let ju = usize::from(j);
            self.g[ju] += c;
            self.goods += c;
            self.current[i] = j;
            self.go(q + 1);
            self.current[i] = NONE;
            self.goods -= c;
            self.g[ju] -= c;
        }
    }
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
            leg_distance_m: 0,
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
    Plan {
        label,
        other_labels: Vec::new(),
        stops,
        goods_krw,
        travel_krw: 0,
        delivery_krw,
        total_krw: goods_krw + delivery_krw,
        distance_m: 0,
        missing,
    }
}
