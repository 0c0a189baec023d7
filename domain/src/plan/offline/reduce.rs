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
//! First, an exact search over a selection of candidates gives, per label, a
//! feasible plan U (an upper bound). A store s is kept when it may belong to
//! an optimal plan of **some** label:
//! - `cheapest`: when U buys all of `L*`, every optimal plan S does too and
//!   `total(S) ≤ total(U)`; its goods are at least `G(s)` and its route at
//!   least `R(s)` for each of its stores s, so `G(s) + travel(R(s)) ≤
//!   total(U)`. Stores violating that cannot be in an optimal plan, nor in a
//!   plan tied with one: dropping them changes neither the optimum nor its
//!   tie-break.
//! - `closest`: when U buys `L*`, an optimal plan buys `L*` with a route of
//!   at most `route(U)`, so each of its stores has `R(s) ≤ route(U)` (and a
//!   finite `G(s)`).
//! - `fewest_stops`: when U buys `L*` **and** no set of fewer than `|U|`
//!   stores covers `L*` (checked exactly for |U| ≤ 3: no single store, no
//!   pair), the optimum has exactly |U| stores and a total ≤ total(U), so as
//!   for `cheapest`, `G(s) + travel(R(s)) ≤ total(U)`. Otherwise this label
//!   keeps every store.
//!
//! # Rule 2: dominance (keeps every optimal value)
//! Store b is dominated by store a when a has the smaller id, `c(a, l) ≤
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
//!   there, or as dear with a larger id than b). Stores of S' that now
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
//! # When still too many: a stated gap
//! The exact search runs on a selection (the bound plans' stores, then by a
//! score). Its plan is the best over the selection; every plan through an
//! unselected kept store s costs at least `G(s) + travel(R(s))`, so the
//! minimum of those and of the plan found is a proven lower bound on the
//! optimum ([`Optimality::lower_bound_krw`]). The answer is `exact` when
//! rule 1, applied again with the plans found, leaves no unselected store.

use super::super::geo::travel_cost_krw;
use super::super::model::Optimality;
use super::super::prep::INF;
use super::search::Found;
use super::{solve, subsets, Geo};

/// Rule 2 compares every pair of kept stores; beyond this many it is skipped.
const DOMINANCE_MAX: usize = 1_500;
/// The pair check of rule 1's `fewest_stops` proof runs up to this many stores.
const PAIR_COVER_MAX: usize = 3_000;

/// What the rules need to know about the candidates.
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
    pub krw_per_km: i64,
    pub max_route_m: Option<i64>,
}

impl Ctx<'_> {
    /// `R(s)`: a lower bound on every route through store s.
    fn route_lb(&self, s: usize) -> i64 {
        let factor = if self.round_trip { 2 } else { 1 };
        (factor * self.origin_m[s] - (self.k as i64 + 2)).max(0)
    }

    fn travel(&self, m: i64) -> i64 {
        travel_cost_krw(m, self.krw_per_km)
    }

    fn row(&self, s: usize) -> &[i64] {
        &self.cost[s * self.l..(s + 1) * self.l]
    }
}

/// The reduced search (see the module docs). Returns the best set of each
/// label and the proof; the caller fills in the totals.
pub(super) fn reduced_search(ctx: &Ctx<'_>, budget: u64) -> ([Option<Found>; 3], Optimality) {
    let (n, l, k) = (ctx.n, ctx.l, ctx.k);
    let line_min: Vec<i64> = (0..l)
        .map(|i| (0..n).map(|s| ctx.cost[s * l + i]).min().unwrap_or(INF))
        .collect();
    let reachable = line_min.iter().filter(|c| **c < INF).count();
    let glb = goods_bounds(ctx, &line_min);
    let by_score = ranked(ctx);

    // A first plan per label from the best-scored stores.
    let n0 = fit(n, k, budget / 8).max(k);
    let mut seed: Vec<usize> = by_score[..n0.min(n)].to_vec();
    seed.sort_unstable();
    let ub = solve(ctx, &seed);

    // Rule 1, then rule 2.
    let flags = bound_flags(ctx, &ub, &glb, reachable);
    let mut keep: Vec<usize> = (0..n).filter(|s| flags[*s]).collect();
    if keep.len() <= DOMINANCE_MAX {
        keep = undominated(ctx, &keep);
    }
    let after_rules = keep.len();
    if subsets(keep.len(), k) <= budget {
        let best = solve(ctx, &keep);
        let proof = Optimality {
            exact: true,
            lower_bound_krw: None,
            best_total_krw: 0,
            candidates: n,
            after_rules,
            searched: keep.len(),
        };
        return (best, proof);
    }

    // Still too many: the bound plans' stores, then the best-scored.
    let m = fit(keep.len(), k, budget).max(k);
    let mut kept = vec![false; n];
    for s in &keep {
        kept[*s] = true;
    }
    let mut chosen = vec![false; n];
    let mut sel = Vec::with_capacity(m);
    let seeds = ub.iter().flatten().flat_map(|f| f.order[..f.len].to_vec());
    for s in seeds.chain(by_score.iter().copied()) {
        if sel.len() >= m {
            break;
        }
        if kept[s] && !chosen[s] {
            chosen[s] = true;
            sel.push(s);
        }
    }
    sel.sort_unstable();
    let best = solve(ctx, &sel);
    let lower_bound_krw = best[0].filter(|c| c.coverage == reachable).map(|c| {
        keep.iter()
            .filter(|s| !chosen[**s])
            .map(|s| glb[*s].saturating_add(ctx.travel(ctx.route_lb(*s))))
            .fold(c.total, i64::min)
    });
    let again = bound_flags(ctx, &best, &glb, reachable);
    let exact = keep.iter().all(|s| chosen[*s] || !again[*s]);
    let proof = Optimality {
        exact,
        lower_bound_krw,
        best_total_krw: 0,
        candidates: n,
        after_rules,
        searched: sel.len(),
    };
    (best, proof)
}

/// The largest m ≤ n whose store sets fit `budget`.
fn fit(n: usize, k: usize, budget: u64) -> usize {
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if subsets(mid, k) <= budget {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// Candidates best first by a heuristic score: the travel of the shortest
/// possible route through the store plus its goods, lines it lacks at their
/// dearest price anywhere. Only the choice of stores to search first depends
/// on it, never a proof.
fn ranked(ctx: &Ctx<'_>) -> Vec<usize> {
    let l = ctx.l;
    let dearest: Vec<i64> = (0..l)
        .map(|i| {
            (0..ctx.n)
                .map(|s| ctx.cost[s * l + i])
                .filter(|c| *c < INF)
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut scored: Vec<(i64, usize)> = (0..ctx.n)
        .map(|s| {
            let goods: i64 = ctx
                .row(s)
                .iter()
                .zip(&dearest)
                .map(|(c, d)| if *c < INF { *c } else { *d })
                .sum();
            (goods + ctx.travel(ctx.route_lb(s)), s)
        })
        .collect();
    scored.sort_unstable();
    scored.into_iter().map(|(_, s)| s).collect()
}

/// Rule 1: whether each store may be in an optimal plan of some label, given
/// the plans `ub`.
fn bound_flags(ctx: &Ctx<'_>, ub: &[Option<Found>; 3], glb: &[i64], reachable: usize) -> Vec<bool> {
    let full = |f: &Option<Found>| f.filter(|f| f.coverage == reachable);
    let cheapest = full(&ub[0]).map(|f| f.total);
    let fewest = full(&ub[1])
        .filter(|f| min_cover_at_least(ctx, f.len, reachable))
        .map(|f| f.total);
    let closest = full(&ub[2]).map(|f| f.route_m);
    (0..ctx.n)
        .map(|s| {
            let r = ctx.route_lb(s);
            let total_lb = glb[s].saturating_add(ctx.travel(r));
            cheapest.is_none_or(|t| total_lb <= t)
                || fewest.is_none_or(|t| total_lb <= t)
                || closest.is_none_or(|route| r <= route && glb[s] < INF)
        })
        .collect()
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

/// Whether no set of fewer than `len` stores covers every reachable line
/// (decided for len ≤ 3; `false`, "not proven", beyond).
fn min_cover_at_least(ctx: &Ctx<'_>, len: usize, reachable: usize) -> bool {
    let l = ctx.l;
    let words = l.div_ceil(64).max(1);
    let mut sets = vec![0u64; ctx.n * words];
    let mut full = vec![0u64; words];
    for s in 0..ctx.n {
        for (i, c) in ctx.row(s).iter().enumerate() {
            if *c < INF {
                sets[s * words + i / 64] |= 1 << (i % 64);
                full[i / 64] |= 1 << (i % 64);
            }
        }
    }
    debug_assert_eq!(
        full.iter().map(|w| w.count_ones() as usize).sum::<usize>(),
        reachable
    );
    let set = |s: usize| &sets[s * words..(s + 1) * words];
    let covers = |a: &[u64], b: &[u64]| {
        a.iter()
            .zip(b)
            .zip(&full)
            .all(|((x, y), f)| (x | y) & f == *f)
    };
    match len {
        0 | 1 => true,
        2 => !(0..ctx.n).any(|s| covers(set(s), set(s))),
        3 if ctx.n <= PAIR_COVER_MAX => {
            !(0..ctx.n).any(|a| (a..ctx.n).any(|b| covers(set(a), set(b))))
        }
        _ => false,
    }
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
