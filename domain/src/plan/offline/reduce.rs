//! Fewer candidates without losing an optimum: the rules used when the exact
//! search over every candidate would exceed the work budget.
//!
//! Notation: `c(s, l)` is store s's cost of line l (∞ when it cannot supply
//! it), `m(l) = min_s c(s, l)` over **all** candidates, `L*` the lines with a
//! finite `m(l)` (no plan can buy any other line). `R(s) = max(0, f·d(o, s) −
//! (k + 2))` with f = 2 on a round trip and 1 otherwise: every route through
//! s is at least that long (the way there, and back, in a straight line —
//! the triangle inequality — less ½ m of rounding per leg, at most k + 1
//! legs, and ½ m for `d(o, s)` itself). `travel` is [`travel_cost_krw`],
//! non-decreasing in the distance.
//!
//! Plans are compared per label, coverage first (see the parent module).
//!
//! # Rule 1: bounds (keeps ties too)
//! A goods lower bound per store, `G(s)`: in a plan S that buys every line
//! of `L*` and has s as a stop, s supplies some line l* (every stop
//! supplies a line), so every other store t of S has `c(t, l*) ≥ c(s, l*)`
//! (else t would take l*). Hence each line's price in S is at least
//! `min(c(s, l), min{c(t, l) : c(t, l*) ≥ c(s, l*)})`, and
//! `G(s) = min over the lines l* s sells of Σ_{l ∈ L*} that minimum` bounds
//! the goods of every such plan from below (∞ when s is in no plan that buys
//! all of `L*`). It is computed for all stores at once per l*, walking the
//! stores from the dearest at l* with running per-line minima (stores of
//! equal price at l* enter together): O(n·|L|²). A far store that is
//! cheapest on everything is thus no help to a near store's bound: no plan
//! can hold both with the near store supplying a line.
//!
//! First, a greedy plan improved by local search ([`bnb::greedy`]) gives,
//! per label, a feasible plan U (an upper bound). A store s is kept for a
//! label's search when it may belong to an optimal plan of that label:
//! - `cheapest`: when U buys all of `L*`, every optimal plan S does too and
//!   `total(S) ≤ total(U)`; its goods are at least `G(s)` and its route at
//!   least `R(s)` for each of its stores s, so `G(s) + travel(R(s)) ≤
//!   total(U)`. Stores violating that cannot be in an optimal plan, nor in a
//!   plan tied with one: dropping them changes neither the optimum nor its
//!   tie-break.
//! - `closest`: when U buys `L*`, an optimal plan buys `L*` with a route of
//!   at most `route(U)`, so each of its stores has `R(s) ≤ route(U)` (and a
//!   finite `G(s)`).
//! - `fewest_stops` needs no rule: it is the frontier's `cheapest` plan
//!   with the fewest stops that reaches the best coverage (parent module),
//!   each frontier problem solved with its own rules.
//!
//! # Rule 2: dominance (keeps every optimal value)
//! Store b is dominated by store a when a has the smaller position
//! (preferred chains first, then id — the tie-break order), `c(a, l) ≤
//! c(b, l)` for every line, and a is at least k metres nearer than b to the
//! origin and to every other kept store x: `d(a, x) + k ≤ d(b, x)` (whole
//! metres, the very distances routes add up). Claim: every label's optimal
//! value over the kept stores is reached by a set without b. Let S be a
//! feasible set with b.
//! - If a ∈ S, b supplies nothing (a is no dearer and wins ties by id), so S
//!   is no plan.
//! - Otherwise let S' = S − b + a, visited in S's order with a in b's place.
//!   Each line's cheapest price is no higher, so S' covers every line S
//!   covers; the legs at a are each ≥ k m shorter, so `route(S') ≤ route(S)
//!   − k`. a takes every line b supplied (every other store of S is dearer
//!   there, or as dear with a larger position than b). Stores of S' that now
//!   supply nothing lost a line to a; removing them gives S'' with the same
//!   goods. Removing a stop adds at most 1 m of rounding (the rounded
//!   triangle inequality), and at most k − 1 stops are removed, so
//!   `route(S'') ≤ route(S) − 1`: S'' is feasible, covers as much, and
//!   - if nothing was removed: as many stops, goods ≤, route < — at least as
//!     good for every label;
//!   - if some store t was removed: fewer stops (better `fewest_stops`), and
//!     for `cheapest` goods no higher and travel no higher.
//!
//!   Hence b is in no plan that any label needs. Dominance is transitive
//!   (ids, prices and the margins add up) and acyclic, so removing all
//!   dominated stores at once is safe. Among exactly tied plans the one
//!   reported may differ from the full enumeration's tie-break (values are
//!   the same); rule 2 runs only on the reduced path.
//!
//! # When still too many: branch and bound
//! If the kept stores' sets still exceed the budget, [`bnb`] searches them
//! (one search for `cheapest`, one for `closest` on their own kept stores):
//! exact when it finishes within the budget, else a proven lower bound on
//! the `cheapest` optimum ([`Optimality::lower_bound_krw`]) — never a
//! silently worse plan.

use super::super::model::Optimality;
use super::super::prep::INF;
use super::bnb::{self, Objective};
use super::search::Found;
use super::{solve, subsets, Geo, Tariff};

/// Rule 2 compares every pair of kept stores; beyond this many it is skipped.
const DOMINANCE_MAX: usize = 1_500;

/// What the rules need to know about the candidates.
#[derive(Clone)]
pub(super) struct Ctx<'a> {
    pub n: usize,
    pub l: usize,
    pub k: usize,
    /// `cost[s * l + line]`, [`INF`] when store s cannot supply the line.
    pub cost: &'a [i64],
    /// Distance from the origin to each candidate.
    pub origin_m: Vec<i64>,
    pub geo: Geo<'a>,
    pub round_trip: bool,
    pub tariff: Tariff,
    pub max_route_m: Option<i64>,
}

impl Ctx<'_> {
    /// `R(s)`: a lower bound on every route through store s.
    fn route_lb(&self, s: usize) -> i64 {
        let factor = if self.round_trip { 2 } else { 1 };
        (factor * self.origin_m[s] - (self.k as i64 + 2)).max(0)
    }

    /// The cost of a route of `m` metres with one stop (a lower bound for
    /// more stops).
    fn travel(&self, m: i64) -> i64 {
        self.tariff.cost(m, 1)
    }

    fn row(&self, s: usize) -> &[i64] {
        &self.cost[s * self.l..(s + 1) * self.l]
    }
}

/// Which labels a search must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Labels {
    /// `cheapest` and `closest`; `fewest_stops` comes from the frontier
    /// (the `cheapest` plan with the fewest stops that reach the best
    /// coverage, see the parent module).
    All,
    /// `cheapest` only (the frontier's problems).
    Cheapest,
}

/// The reduced search (see the module docs). Returns the best set of each
/// label (`fewest_stops` is only a placeholder when `from_frontier` is set),
/// the proof, and `from_frontier`.
pub(super) fn reduced_search(
    ctx: &Ctx<'_>,
    budget: u64,
    labels: Labels,
) -> ([Option<Found>; 3], Optimality, bool) {
    let (n, l, k) = (ctx.n, ctx.l, ctx.k);
    let line_min: Vec<i64> = (0..l)
        .map(|i| (0..n).map(|s| ctx.cost[s * l + i]).min().unwrap_or(INF))
        .collect();
    let reachable = line_min.iter().filter(|c| **c < INF).count();
    let glb = goods_bounds(ctx, &line_min);

    // A first plan per label: greedy and local search.
    let ub_c = bnb::greedy(ctx, Objective::Cheapest);
    let ub_d = match labels {
        Labels::All => bnb::greedy(ctx, Objective::Closest),
        Labels::Cheapest => None,
    };

    // Rule 1 per label, then rule 2.
    let full = |f: Option<Found>| f.filter(|f| f.coverage == reachable);
    let mut keep_c: Vec<usize> = (0..n)
        .filter(|s| cheapest_may_use(ctx, full(ub_c), &glb, *s))
        .collect();
    let mut keep_d: Vec<usize> = match labels {
        Labels::All => (0..n)
            .filter(|s| closest_may_use(ctx, full(ub_d), &glb, *s))
            .collect(),
        Labels::Cheapest => Vec::new(),
    };
    if keep_c.len() <= DOMINANCE_MAX {
        keep_c = undominated(ctx, &keep_c);
    }
    if keep_d.len() <= DOMINANCE_MAX {
        keep_d = undominated(ctx, &keep_d);
    }
    let mut union: Vec<usize> = keep_c.iter().chain(&keep_d).copied().collect();
    union.sort_unstable();
    union.dedup();
    let after_rules = union.len();
    if subsets(union.len(), k) <= budget {
        let best = solve(ctx, &union);
        let proof = Optimality {
            exact: true,
            lower_bound_krw: None,
            best_total_krw: 0,
            candidates: n,
            after_rules,
            searched: union.len(),
        };
        return (best, proof, true);
    }

    // Still too many sets to list: branch and bound (see [`bnb`]).
    let c = bnb::search(ctx, &keep_c, Objective::Cheapest, ub_c, budget);
    let (closest, closest_exact) = match labels {
        Labels::All => {
            let d = bnb::search(ctx, &keep_d, Objective::Closest, ub_d, budget);
            (d.best, d.exact)
        }
        Labels::Cheapest => (None, true),
    };
    // An exact `cheapest` is its own bound (the other labels may still be
    // inexact).
    let lower_bound_krw = if c.exact {
        c.best.map(|f| f.total)
    } else {
        c.lower_bound
    };
    let proof = Optimality {
        exact: c.exact && closest_exact,
        lower_bound_krw,
        best_total_krw: 0,
        candidates: n,
        after_rules,
        searched: union.len(),
    };
    ([c.best, c.best, closest], proof, true)
}

/// Rule 1 for `cheapest`: whether store s may be in an optimal plan, given a
/// plan `ub` that buys every reachable line (`None`: keep every store).
fn cheapest_may_use(ctx: &Ctx<'_>, ub: Option<Found>, glb: &[i64], s: usize) -> bool {
    let total_lb = glb[s].saturating_add(ctx.travel(ctx.route_lb(s)));
    ub.is_none_or(|u| total_lb <= u.total)
}

/// Rule 1 for `closest` (as [`cheapest_may_use`]).
fn closest_may_use(ctx: &Ctx<'_>, ub: Option<Found>, glb: &[i64], s: usize) -> bool {
    ub.is_none_or(|u| ctx.route_lb(s) <= u.route_m && glb[s] < INF)
}

/// `G(s)` for every store (see the module docs); [`INF`] when s is in no
/// plan that buys every line of `L*`.
fn goods_bounds(ctx: &Ctx<'_>, line_min: &[i64]) -> Vec<i64> {
    let (n, l) = (ctx.n, ctx.l);
    let lines: Vec<usize> = (0..l).filter(|i| line_min[*i] < INF).collect();
    let mut out = vec![INF; n];
    let mut order: Vec<usize> = Vec::with_capacity(n);
    let mut run = vec![INF; l];
    for &star in &lines {
        order.clear();
        order.extend((0..n).filter(|s| ctx.cost[s * l + star] < INF));
        // Dearest at l* first; stores that lack l* may join any plan where
        // s supplies l*, so they seed the running minima.
        order.sort_unstable_by_key(|s| std::cmp::Reverse(ctx.cost[s * l + star]));
        run.iter_mut().for_each(|r| *r = INF);
        for t in (0..n).filter(|s| ctx.cost[s * l + star] >= INF) {
            for &i in &lines {
                run[i] = run[i].min(ctx.cost[t * l + i]);
            }
        }
        let mut g = 0;
        while g < order.len() {
            let price = ctx.cost[order[g] * l + star];
            let mut h = g;
            while h < order.len() && ctx.cost[order[h] * l + star] == price {
                let t = order[h];
                for &i in &lines {
                    run[i] = run[i].min(ctx.cost[t * l + i]);
                }
                h += 1;
            }
            for &s in &order[g..h] {
                let mut sum = 0i64;
                for &i in &lines {
                    // run[i] already includes s itself.
                    sum = sum.saturating_add(run[i]);
                }
                out[s] = out[s].min(sum);
            }
            g = h;
        }
    }
    out.iter_mut().for_each(|g| {
        if *g >= INF {
            *g = INF;
        }
    });
    out
}

/// Rule 2: `keep` without the stores another kept store dominates.
fn undominated(ctx: &Ctx<'_>, keep: &[usize]) -> Vec<usize> {
    let margin = ctx.k as i64;
    let mut out = Vec::with_capacity(keep.len());
    for (bi, &b) in keep.iter().enumerate() {
        let dominated = keep[..bi].iter().any(|&a| {
            ctx.origin_m[a] + margin <= ctx.origin_m[b]
                && ctx.row(a).iter().zip(ctx.row(b)).all(|(x, y)| x <= y)
                && keep.iter().all(|&x| {
                    x == a || x == b || ctx.geo.d(a + 1, x + 1) + margin <= ctx.geo.d(b + 1, x + 1)
                })
        });
        if !dominated {
            out.push(b);
        }
    }
    out
}
