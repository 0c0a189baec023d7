//! Branch and bound over store sets, for one objective at a time: the search
//! used when the candidates' store sets exceed the work budget (k = 4, 5 over
//! hundreds of stores).
//!
//! Notation as in [`super::reduce`]: `c(t, l)` is store t's cost of line l (∞
//! when it cannot supply it); a set S buys each line at its cheapest store,
//! ties to the smaller *position* (preferred chains first, then id), and is a
//! plan only when every store of S supplies a line; `m_S(l)` is S's price of
//! l (∞ when S does not cover it); `route(S)` is S's shortest route over the
//! integer (rounded) distances; `travel` is non-decreasing.
//!
//! # The tree
//! The candidates are put in an enumeration order (by a score: the store's
//! goods, lines it lacks at their dearest price, plus its round trip — good
//! stores first). A node is a set S = {s₁ < … < s_d} in that order; its
//! children add one store t after s_d, so every set of ≤ k stores is a node
//! exactly once. A node's *rest* R is the stores after s_d; the subtree of a
//! child S + t holds exactly the sets S + t + T with T ⊆ R after t, |T| ≤ r,
//! r = k − d − 1 slots.
//!
//! # Incumbent
//! A greedy start (add the store that gives the best set, up to k) improved
//! by local search (swap, drop or add one store while that helps) gives a
//! plan U before the search ([`greedy`]); [`super::reduce`]'s rule 1 uses it
//! too. It only makes pruning earlier, never decides a result.
//!
//! # Bounds (each proved; a child whose bound cannot beat the incumbent is
//! not entered)
//! Plans compare by the objective's key, coverage first: `cheapest` (u,
//! total), `closest` (u, route, total), u = uncovered lines. For a child
//! S' = S + t with r slots left, over every set E = S' + T of its subtree:
//! - **Compatibility.** If t takes *every* line some s ∈ S supplies in S, s
//!   supplies nothing in S' nor in any superset (adding stores only takes
//!   lines away; ties keep their owner): the whole subtree holds no plan.
//!   Such stores are also left out of the bounds below, since they are in no
//!   plan that contains S.
//! - **Coverage.** A line S' does not cover that no compatible store after t
//!   sells stays uncovered: `u(E) ≥ u_lb`. If `u(E) > u_lb`, E has worse
//!   coverage than the bound's key claims, so it loses anyway; the goods
//!   bound below is needed only for E with `u(E) = u_lb`, which buy every
//!   other line.
//! - **Goods.** For lines S covers, E's saving over S' is
//!   `Σ_l max(0, m_S'(l) − min_T c(·, l))`, at most the per-line cap
//!   `Σ_l max(0, m_S'(l) − min_{R'} c(·, l))` (R' = compatible stores after
//!   t) and at most the sum of the r largest single savings `sav(x) =
//!   Σ_l max(0, m_S(l) − c(x, l))` over R' (a line's saving by a set is its
//!   largest single saving, ≤ the sum; and `m_S' ≤ m_S`). Lines t newly
//!   covers save at most their per-line cap; lines still to buy cost at
//!   least `min_{R'} c(·, l)`. So `goods(E) ≥ goods(S') − min(capA, top_r)
//!   − capB + Σ_{to buy} min_{R'} c(·, l)`.
//! - **Route.** Removing a stop x from a tour between its neighbours a, b
//!   gives a tour of the other stops, so `route(S + x) ≥ route(S) +
//!   min_{a ≠ b ∈ S ∪ {o}} (d(a, x) + d(x, b) − d(a, b))` (one-way routes:
//!   also `+ min_a d(a, x)`, x last), exactly, in whole metres; call it
//!   `ins(x)`. Removing stops from a route lengthens it by at most 1 m each
//!   (the rounded triangle inequality), so for every x ∈ E: `route(E) ≥
//!   ins(x) − (k + 2)`, and `route(E) ≥ route(S) − (k + 2)`. A line still to
//!   buy needs some x ∈ R' selling it: `route(E) ≥ min_{x ∈ R', x sells l}
//!   ins(x) − (k + 2)`. With no slot left, `route(S') ≥ ins(t)` exactly.
//!
//! `total(E) ≥ goods bound + travel(route bound)`. The child is skipped
//! when its bound key is ≥ the incumbent's (it can at best tie: the value is
//! kept; among exactly tied plans the one reported may differ from the full
//! enumeration's tie-break, as documented in [`super::reduce`]), or when its
//! route bound over *every* set of its subtree (without the lines-to-buy
//! term, since a set may leave a far line unbought to keep the limit) breaks
//! the route limit. Every other child is entered, hence
//! the search is exact when it finishes.
//!
//! # Node bounds (`cheapest`; at nodes with r ≥ 2 slots)
//! Before its children, a node S with rest R and r slots is checked whole.
//! Let L' be the lines S covers or some compatible store of R sells; a set
//! E = S + T of the subtree with the best possible coverage buys all of L'.
//! - **Lagrangian.** For any integer prices λ, buying line l at store x costs
//!   `λ_l + (c(x, l) − λ_l) ≥ λ_l + min(0, c(x, l) − λ_l)`, and each store
//!   of E adds `v_x = Σ_{l ∈ L'} min(0, c(x, l) − λ_l) ≤ 0` at most once, so
//!   `goods(E) ≥ Σ_{L'} λ + Σ_{s ∈ S} v_s + (the r most negative v_x, x ∈
//!   R)`. λ starts from the incumbent's prices (then the parent's) and takes
//!   [`LAGRANGE_STEPS`] subgradient steps; every λ gives a valid bound.
//! - **Greedy prefix.** With reference prices `p(l)` = S's price, or the
//!   dearest price for a line S lacks, `goods(E) = Σ p − f(T)` where `f(T) =
//!   Σ_l max(0, p(l) − min_T c(·, l))` is monotone submodular; for every
//!   prefix A of the greedy sequence, `f(T) ≤ f(A) + Σ_{x ∈ T} (f(A + x) −
//!   f(A))` ≤ f(A) + the r largest marginal gains.
//!
//! Either bound plus `travel(route bound)` ≥ the incumbent's total prunes
//! the node with its subtree.
//!
//! # Work budget and the stated gap
//! Each entered node counts one store set per store of its rest (the
//! children it bounds, one pass over the lines each) against the budget;
//! its node bounds cost at most [`LAGRANGE_STEPS`] + k + 2 further passes
//! per store, not counted. When it is spent, no further node is entered; every child not
//! entered is either pruned (proven no better than the final incumbent) or
//! *open*, and an open child's bound is a lower bound on every set in its
//! subtree. So `min(incumbent, open bounds)` is a proven lower bound on the
//! optimum of `cheapest`, provided no open child could cover more lines than
//! the incumbent (else none is claimed).

use super::super::prep::INF;
use super::reduce::Ctx;
use super::search::{next_permutation, Found};
use super::MAX_K;

/// Which label one search optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Objective {
    Cheapest,
    Closest,
}

/// A set's value for an objective: (uncovered lines, primary, secondary),
/// smaller is better.
type Key = (usize, i64, i64);

impl Objective {
    fn key(self, uncovered: usize, route: i64, total: i64) -> Key {
        match self {
            Self::Cheapest => (uncovered, total, 0),
            Self::Closest => (uncovered, route, total),
        }
    }
}

/// The result of one branch and bound.
pub(super) struct Outcome {
    pub best: Option<Found>,
    /// The whole tree was searched or pruned.
    pub exact: bool,
    /// `cheapest`: a proven lower bound on the optimal total when not exact
    /// (`None` when coverage could not be proven).
    pub lower_bound: Option<i64>,
}

/// Bits of a line key holding the store's position (ties go to the smaller).
const RANK_BITS: u32 = 24;
/// Most candidates the keys can tell apart.
pub(super) const MAX_CANDIDATES: usize = 1 << RANK_BITS;
/// "Not covered" in a line key.
const NONE: i64 = i64::MAX;

/// The shortest visiting order of `len` stores, given their distance matrix
/// `mat` ((len + 1)², 0 = origin): (route metres, indices in route order).
fn shortest(len: usize, mat: &[i64], round_trip: bool) -> (i64, [usize; MAX_K]) {
    let dim = len + 1;
    let mut perm = [0usize; MAX_K];
    for (i, p) in perm[..len].iter_mut().enumerate() {
        *p = i;
    }
    let mut best = (i64::MAX, perm);
    loop {
        let mut at = 0usize;
        let mut total = 0i64;
        for &p in &perm[..len] {
            total += mat[at * dim + p + 1];
            at = p + 1;
        }
        if round_trip {
            total += mat[at * dim];
        }
        if total < best.0 {
            best = (total, perm);
        }
        if !next_permutation(&mut perm[..len]) {
            break;
        }
    }
    best
}

/// A set of ctx positions evaluated for `obj`: its key and plan, or `None`
/// when some store supplies nothing or the route breaks the limit.
fn evaluate(ctx: &Ctx<'_>, obj: Objective, set: &[usize]) -> Option<(Key, Found)> {
    let len = set.len();
    if len == 0 || len > MAX_K {
        return None;
    }
    let l = ctx.l;
    let mut wins = [false; MAX_K];
    let (mut coverage, mut goods) = (0usize, 0i64);
    for line in 0..l {
        let mut pick: Option<usize> = None;
        for (j, &s) in set.iter().enumerate() {
            let c = ctx.cost[s * l + line];
            if c < INF && pick.is_none_or(|p| (c, s) < (ctx.cost[set[p] * l + line], set[p])) {
                pick = Some(j);
            }
        }
        if let Some(p) = pick {
            wins[p] = true;
            coverage += 1;
            goods += ctx.cost[set[p] * l + line];
        }
    }
    if !wins[..len].iter().all(|w| *w) {
        return None;
    }
    let dim = len + 1;
    let mut mat = [0i64; (MAX_K + 1) * (MAX_K + 1)];
    let point = |i: usize| if i == 0 { 0 } else { set[i - 1] + 1 };
    for a in 0..dim {
        for b in (a + 1)..dim {
            let d = ctx.geo.d(point(a), point(b));
            mat[a * dim + b] = d;
            mat[b * dim + a] = d;
        }
    }
    let (route, perm) = shortest(len, &mat, ctx.round_trip);
    if ctx.max_route_m.is_some_and(|max| route > max) {
        return None;
    }
    let total = goods + ctx.tariff.cost(route, len);
    let mut order = [0usize; MAX_K];
    for (o, p) in order.iter_mut().zip(&perm[..len]) {
        *o = set[*p];
    }
    let found = Found {
        order,
        len,
        coverage,
        route_m: route,
        total,
    };
    Some((obj.key(l - coverage, route, total), found))
}

/// Sorted positions of a plan: the tie-break between equal keys.
fn sorted(f: &Found) -> [usize; MAX_K] {
    let mut s = [usize::MAX; MAX_K];
    s[..f.len].copy_from_slice(&f.order[..f.len]);
    s[..f.len].sort_unstable();
    s
}

fn better(a: &(Key, Found), b: &(Key, Found)) -> bool {
    (a.0, sorted(&a.1)) < (b.0, sorted(&b.1))
}

/// The greedy start improved by local search (see the module docs), over
/// every candidate of `ctx`. `None` when no single set was found feasible.
pub(super) fn greedy(ctx: &Ctx<'_>, obj: Objective) -> Option<Found> {
    let (n, k) = (ctx.n, ctx.k.min(ctx.n));
    let mut cur: Vec<usize> = Vec::with_capacity(k);
    let mut best: Option<(Key, Found)> = None;
    let mut best_set: Vec<usize> = Vec::new();
    for _ in 0..k {
        let mut step: Option<((Key, Found), usize)> = None;
        let mut set = cur.clone();
        set.push(0);
        for s in 0..n {
            if cur.contains(&s) {
                continue;
            }
            let last = set.len() - 1;
            set[last] = s;
            if let Some(e) = evaluate(ctx, obj, &set) {
                if step.as_ref().is_none_or(|(b, _)| better(&e, b)) {
                    step = Some((e, s));
                }
            }
        }
        let Some((e, s)) = step else { break };
        cur.push(s);
        if best.as_ref().is_none_or(|b| better(&e, b)) {
            best = Some(e);
            best_set.clone_from(&cur);
        }
    }
    let mut best = best?;
    // Local search: the first improving swap, drop or add, a few rounds.
    for _ in 0..4 {
        let mut improved = false;
        let mut cur = best_set.clone();
        let try_set = |set: &[usize], best: &mut (Key, Found), best_set: &mut Vec<usize>| {
            if let Some(e) = evaluate(ctx, obj, set) {
                if better(&e, best) {
                    *best = e;
                    best_set.clear();
                    best_set.extend_from_slice(set);
                    return true;
                }
            }
            false
        };
        'moves: for j in 0..cur.len() {
            if cur.len() > 1 {
                let mut drop = cur.clone();
                drop.remove(j);
                if try_set(&drop, &mut best, &mut best_set) {
                    improved = true;
                    break 'moves;
                }
            }
            for s in 0..n {
                if cur.contains(&s) {
                    continue;
                }
                let old = cur[j];
                cur[j] = s;
                if try_set(&cur, &mut best, &mut best_set) {
                    improved = true;
                    break 'moves;
                }
                cur[j] = old;
            }
        }
        if !improved && cur.len() < k {
            let mut add = cur.clone();
            add.push(0);
            for s in 0..n {
                if cur.contains(&s) {
                    continue;
                }
                let last = add.len() - 1;
                add[last] = s;
                if try_set(&add, &mut best, &mut best_set) {
                    improved = true;
                    break;
                }
            }
        }
        if !improved {
            break;
        }
    }
    Some(best.1)
}

/// Whether a store with line keys `krow` takes a line from the node
/// (`mins`, `owner` bits), and the owner bits of the lines it leaves.
#[inline]
fn compat(krow: &[i64], mins: &[i64], owner: &[u32]) -> (bool, u32) {
    let (mut took, mut kept) = (false, 0u32);
    for ((k, c), o) in krow.iter().zip(mins).zip(owner) {
        let lt = k < c;
        took |= lt;
        kept |= if lt { 0 } else { *o };
    }
    (took, kept)
}

/// A node of the tree: the chosen set's per-line state.
struct Node {
    /// Per line: `(cost << RANK_BITS) | position` of its supplier, [`NONE`].
    mins: Vec<i64>,
    /// Per line: the one-hot bit of its supplier's depth in `chosen` (0:
    /// none).
    owner: Vec<u32>,
    goods: i64,
    covered: usize,
    route: i64,
}

/// A child S + t with its bound.
struct Child {
    i: usize,
    /// Slots left after t.
    after: usize,
    lb: Key,
    goods: i64,
    covered: usize,
}

struct Bnb<'a> {
    obj: Objective,
    m: usize,
    l: usize,
    k: usize,
    /// Local index (enumeration order) → ctx position.
    pos: Vec<usize>,
    cost: Vec<i64>,
    key: Vec<i64>,
    /// Over 0 = origin, 1 + i = local store i.
    dist: Vec<i64>,
    dim: usize,
    /// Per line: the dearest cost among the stores searched (0 if none).
    dearest: Vec<i64>,
    ctx: &'a Ctx<'a>,
    slack: i64,
    best: Option<(Key, Found)>,
    chosen: [usize; MAX_K],
    work: u64,
    budget: u64,
    exhausted: bool,
    open: usize,
    open_lb: i64,
    unproven: bool,
    /// Lagrangian prices per depth (warm starts for the children).
    lambda: Vec<Vec<i64>>,
}

/// Subgradient steps of the Lagrangian bound per node.
const LAGRANGE_STEPS: usize = 25;

/// The exact (or budgeted) search for `obj` over the candidates `sel` (ctx
/// positions), starting from the incumbent `start` (a plan of `ctx`).
pub(super) fn search(
    ctx: &Ctx<'_>,
    sel: &[usize],
    obj: Objective,
    start: Option<Found>,
    budget: u64,
) -> Outcome {
    let (l, k) = (ctx.l, ctx.k.min(sel.len()));
    let mut best = start.and_then(|f| evaluate(ctx, obj, &f.order[..f.len]));
    if sel.is_empty() || k == 0 {
        return Outcome {
            best: best.map(|b| b.1),
            exact: true,
            lower_bound: None,
        };
    }
    // Enumeration order: good stores first (a heuristic; never a proof).
    let dearest: Vec<i64> = (0..l)
        .map(|i| {
            sel.iter()
                .map(|s| ctx.cost[s * l + i])
                .filter(|c| *c < INF)
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut pos: Vec<(i64, usize)> = sel
        .iter()
        .map(|&s| {
            let goods: i64 = (0..l)
                .map(|i| {
                    let c = ctx.cost[s * l + i];
                    if c < INF {
                        c
                    } else {
                        dearest[i]
                    }
                })
                .sum();
            let f = if ctx.round_trip { 2 } else { 1 };
            (goods + ctx.tariff.cost(f * ctx.origin_m[s], 1), s)
        })
        .collect();
    pos.sort_unstable();
    let pos: Vec<usize> = pos.into_iter().map(|(_, s)| s).collect();
    let m = pos.len();
    let mut cost = Vec::with_capacity(m * l);
    let mut key = Vec::with_capacity(m * l);
    for &s in &pos {
        for i in 0..l {
            let c = ctx.cost[s * l + i];
            cost.push(c);
            // Position < 2^RANK_BITS (checked by the caller), cost < 2^37.
            key.push(if c < INF {
                (c << RANK_BITS) | s as i64
            } else {
                NONE
            });
        }
    }
    let dim = m + 1;
    let mut dist = vec![0i64; dim * dim];
    let point = |i: usize| if i == 0 { 0 } else { pos[i - 1] + 1 };
    for a in 0..dim {
        for b in (a + 1)..dim {
            let d = ctx.geo.d(point(a), point(b));
            dist[a * dim + b] = d;
            dist[b * dim + a] = d;
        }
    }
    // An incumbent outside `sel` is still a valid plan of the problem; it
    // bounds the search all the same.
    if best.as_ref().is_some_and(|b| b.1.len > k) {
        best = None;
    }
    let mut b = Bnb {
        obj,
        m,
        l,
        k,
        pos,
        cost,
        key,
        dist,
        dim,
        dearest,
        ctx,
        slack: k as i64 + 2,
        best,
        chosen: [0; MAX_K],
        work: 0,
        budget: budget.max(1),
        exhausted: false,
        open: 0,
        open_lb: i64::MAX,
        unproven: false,
        lambda: Vec::new(),
    };
    // Start prices: the incumbent's price of each line.
    let start_prices: Vec<i64> = (0..l)
        .map(|line| {
            b.best
                .as_ref()
                .and_then(|(_, f)| {
                    f.order[..f.len]
                        .iter()
                        .map(|s| ctx.cost[s * l + line])
                        .filter(|c| *c < INF)
                        .min()
                })
                .unwrap_or(0)
        })
        .collect();
    b.lambda = vec![start_prices; k + 1];
    let root = Node {
        mins: vec![NONE; l],
        owner: vec![0; l],
        goods: 0,
        covered: 0,
        route: 0,
    };
    b.expand(0, 0, &root);
    let exact = b.open == 0;
    let lower_bound = match &b.best {
        Some((_, f)) if !exact && !b.unproven => Some(f.total.min(b.open_lb)),
        _ => None,
    };
    Outcome {
        best: b.best.map(|x| x.1),
        exact,
        lower_bound,
    }
}

impl Bnb<'_> {
    fn d(&self, a: usize, b: usize) -> i64 {
        self.dist[a * self.dim + b]
    }

    /// The travel (and time) cost of a route of `m` metres through at least
    /// `stops` stores.
    fn travel(&self, m: i64, stops: usize) -> i64 {
        self.ctx.tariff.cost(m, stops)
    }

    /// `ins(i)`: a lower bound on the route of `chosen[..d] + i` (exact
    /// reasoning, see the module docs).
    fn insertion(&self, d: usize, route: i64, i: usize) -> i64 {
        let t = i + 1;
        if d == 0 {
            let f = if self.ctx.round_trip { 2 } else { 1 };
            return f * self.d(0, t);
        }
        let mut pts = [0usize; MAX_K + 1];
        for (p, c) in pts[1..=d].iter_mut().zip(&self.chosen[..d]) {
            *p = c + 1;
        }
        let pts = &pts[..=d];
        let mut best = i64::MAX;
        for (x, &a) in pts.iter().enumerate() {
            if !self.ctx.round_trip {
                best = best.min(self.d(a, t));
            }
            for &b in &pts[x + 1..] {
                best = best.min(self.d(a, t) + self.d(t, b) - self.d(a, b));
            }
        }
        route + best
    }

    /// Whether a bound key cannot beat the incumbent.
    fn pruned(&self, lb: Key) -> bool {
        self.best.as_ref().is_some_and(|(k, _)| lb >= *k)
    }

    fn record_open(&mut self, ch: &Child) {
        self.open += 1;
        match &self.best {
            Some((k, _)) if ch.lb.0 == k.0 => {
                let total_lb = match self.obj {
                    Objective::Cheapest => ch.lb.1,
                    Objective::Closest => ch.lb.2,
                };
                self.open_lb = self.open_lb.min(total_lb);
            }
            Some((k, _)) if ch.lb.0 > k.0 => {}
            _ => self.unproven = true,
        }
    }

    /// The node bound (see the module docs): whether no set of the subtree
    /// of `chosen[..d]` can beat the incumbent, by the greedy-prefix bound on
    /// the savings of the r = k − d stores still to add.
    fn node_pruned(&mut self, d: usize, from: usize, node: &Node) -> bool {
        let (m, l) = (self.m, self.l);
        let r = self.k - d;
        // With one slot left the children's bounds are already exact on
        // goods: nothing to gain here.
        if self.best.is_none() || r < 2 {
            return false;
        }
        let all_kept: u32 = (1u32 << d) - 1;
        let mut xs: Vec<usize> = Vec::with_capacity(m - from);
        let mut reach = vec![i64::MAX; l];
        for i in from..m {
            let krow = &self.key[i * l..(i + 1) * l];
            let (took, kept) = compat(krow, &node.mins, &node.owner);
            if !took || kept != all_kept {
                continue;
            }
            xs.push(i);
            let ins = self.insertion(d, node.route, i);
            for (line, c) in self.cost[i * l..(i + 1) * l].iter().enumerate() {
                if *c < INF {
                    reach[line] = reach[line].min(ins);
                }
            }
        }
        // Reference prices: S's price, or the dearest for a line still to buy.
        let mut cur = vec![0i64; l];
        let (mut base, mut u_lb, mut need) = (0i64, 0usize, node.route);
        for line in 0..l {
            if node.mins[line] != NONE {
                cur[line] = node.mins[line] >> RANK_BITS;
                base += cur[line];
            } else if reach[line] < i64::MAX {
                cur[line] = self.dearest[line];
                base += cur[line];
                need = need.max(reach[line]);
            } else {
                u_lb += 1;
            }
        }
        let route_lb = (need - self.slack).max(0);
        let travel_lb = self.travel(route_lb, d.max(1));
        if self.obj == Objective::Cheapest
            && self.lagrange_pruned(d, node, &xs, &cur, u_lb, travel_lb)
        {
            return true;
        }
        let mut marg = vec![0i64; xs.len()];
        let (mut f, mut ub) = (0i64, i64::MAX);
        for step in 0..=r {
            for (g, &x) in marg.iter_mut().zip(&xs) {
                *g = self.cost[x * l..(x + 1) * l]
                    .iter()
                    .zip(&cur)
                    .map(|(c, r)| (r - c).max(0))
                    .sum();
            }
            let mut top = [0i64; MAX_K];
            let mut pick: Option<usize> = None;
            for (j, &g) in marg.iter().enumerate() {
                let mut v = g;
                for t in top[..r].iter_mut() {
                    if v > *t {
                        std::mem::swap(t, &mut v);
                    }
                }
                if g > 0 && pick.is_none_or(|p| g > marg[p]) {
                    pick = Some(j);
                }
            }
            ub = ub.min(f + top[..r].iter().sum::<i64>());
            let lb = self.obj.key(u_lb, route_lb, base - ub + travel_lb);
            if self.pruned(lb) {
                return true;
            }
            let Some(j) = pick else { break };
            if step == r {
                break;
            }
            f += marg[j];
            let x = xs[j];
            for (r, c) in cur.iter_mut().zip(&self.cost[x * l..(x + 1) * l]) {
                *r = (*r).min(*c);
            }
        }
        false
    }

    /// The Lagrangian bound (see the module docs): for any prices λ,
    /// `goods(E) ≥ Σ λ + Σ_{s∈S} v_s + the r most negative v_x of the rest`,
    /// `v_x = Σ_l min(0, c(x, l) − λ_l)`; λ is improved by subgradient steps
    /// from the parent's. `cur[l]` is 0 for lines no set can buy (skipped).
    fn lagrange_pruned(
        &mut self,
        d: usize,
        node: &Node,
        xs: &[usize],
        cur: &[i64],
        u_lb: usize,
        travel_lb: i64,
    ) -> bool {
        let Some((best_key, _)) = self.best else {
            return false;
        };
        if u_lb != best_key.0 {
            return u_lb > best_key.0;
        }
        let l = self.l;
        let r = self.k - d;
        let target = best_key.1 - travel_lb;
        let live: Vec<bool> = (0..l)
            .map(|line| node.mins[line] != NONE || cur[line] > 0)
            .collect();
        let mut lambda = self.lambda[d.saturating_sub(1)].clone();
        let mut v = vec![0i64; xs.len()];
        let mut theta = 1.0f64;
        let mut best_l = i64::MIN;
        let mut stall = 0;
        for _ in 0..LAGRANGE_STEPS {
            // Lines no set can buy get λ = −∞ (they add nothing).
            for (lam, on) in lambda.iter_mut().zip(&live) {
                if !on {
                    *lam = -INF;
                }
            }
            let row_value = |x: usize, lambda: &[i64]| -> i64 {
                self.cost[x * l..(x + 1) * l]
                    .iter()
                    .zip(lambda)
                    .map(|(c, lam)| (c - lam).min(0))
                    .sum()
            };
            let mut bound: i64 = (0..l).filter(|i| live[*i]).map(|i| lambda[i]).sum();
            for &s in &self.chosen[..d] {
                bound += row_value(s, &lambda);
            }
            for (vx, &x) in v.iter_mut().zip(xs) {
                *vx = row_value(x, &lambda);
            }
            // The r most negative values of the rest.
            let mut top = [(0i64, usize::MAX); MAX_K];
            for (j, &vx) in v.iter().enumerate() {
                let mut e = (vx, j);
                for t in top[..r].iter_mut() {
                    if e.0 < t.0 {
                        std::mem::swap(t, &mut e);
                    }
                }
            }
            bound += top[..r].iter().map(|t| t.0).sum::<i64>();
            if bound >= target {
                self.lambda[d] = lambda;
                return true;
            }
            if bound > best_l {
                best_l = bound;
                stall = 0;
            } else {
                stall += 1;
                if stall >= 3 {
                    theta /= 2.0;
                    stall = 0;
                }
            }
            // Subgradient: 1 − (chosen stores below λ) per live line.
            let mut g = vec![0i64; l];
            let mut norm = 0i64;
            for line in 0..l {
                if !live[line] {
                    continue;
                }
                let below = |x: usize| i64::from(self.cost[x * l + line] < lambda[line]);
                let mut n = 0;
                for &s in &self.chosen[..d] {
                    n += below(s);
                }
                for t in &top[..r] {
                    if t.1 != usize::MAX && t.0 < 0 {
                        n += below(xs[t.1]);
                    }
                }
                g[line] = 1 - n;
                norm += g[line] * g[line];
            }
            if norm == 0 {
                break;
            }
            #[allow(clippy::cast_precision_loss)]
            let step = theta * (target - bound) as f64 / norm as f64;
            for line in 0..l {
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let delta = (step * g[line] as f64).round() as i64;
                lambda[line] += delta;
            }
        }
        self.lambda[d] = lambda;
        false
    }

    fn expand(&mut self, d: usize, from: usize, node: &Node) {
        let (m, l) = (self.m, self.l);
        let after = self.k - d - 1;
        if self.node_pruned(d, from, node) {
            return;
        }
        self.work = self.work.saturating_add((m - from) as u64);
        let all_kept: u32 = (1u32 << d) - 1;
        // State of the compatible stores after the current one.
        let mut runmin = vec![INF; l];
        let mut reach = vec![i64::MAX; l];
        let mut top = [0i64; MAX_K];
        let mut children: Vec<Child> = Vec::new();
        for i in (from..m).rev() {
            let crow = &self.cost[i * l..(i + 1) * l];
            let krow = &self.key[i * l..(i + 1) * l];
            let (mut took, mut kept) = (false, 0u32);
            let (mut sav, mut add, mut newcov) = (0i64, 0i64, 0usize);
            for line in 0..l {
                let cur = node.mins[line];
                if krow[line] < cur {
                    took = true;
                    if cur == NONE {
                        add += crow[line];
                        newcov += 1;
                    } else {
                        sav += (cur >> RANK_BITS) - crow[line];
                    }
                } else {
                    kept |= node.owner[line];
                }
            }
            if !took || kept != all_kept {
                continue;
            }
            let ins = self.insertion(d, node.route, i);
            let (mut u_lb, mut must, mut need) = (0usize, 0i64, i64::MIN);
            let (mut cap_a, mut cap_b) = (0i64, 0i64);
            for line in 0..l {
                let cur = node.mins[line];
                let cur_c = if cur == NONE { INF } else { cur >> RANK_BITS };
                let mc = cur_c.min(crow[line]);
                if mc >= INF {
                    if after > 0 && runmin[line] < INF {
                        must += runmin[line];
                        need = need.max(reach[line]);
                    } else {
                        u_lb += 1;
                    }
                } else if after > 0 {
                    let s = (mc - runmin[line]).max(0);
                    if cur == NONE {
                        cap_b += s;
                    } else {
                        cap_a += s;
                    }
                }
            }
            let goods = node.goods - sav + add;
            // `route_any` bounds every set of the subtree; `route_lb` only
            // those that buy every line they can (the `need` term), which is
            // all the key bound needs — but a set that leaves a far line
            // unbought may still keep the route limit, so the limit is
            // checked against `route_any`.
            let (goods_lb, route_lb, route_any) = if after > 0 {
                let top_r: i64 = top[..after].iter().sum();
                (
                    goods - cap_a.min(top_r) - cap_b + must,
                    (ins.max(node.route).max(need) - self.slack).max(0),
                    (ins.max(node.route) - self.slack).max(0),
                )
            } else {
                (goods, ins.max(0), ins.max(0))
            };
            // The state now includes store i (for the children before it).
            for line in 0..l {
                let c = crow[line];
                if c < INF {
                    runmin[line] = runmin[line].min(c);
                    reach[line] = reach[line].min(ins);
                }
            }
            let mut v = sav;
            for t in top[..self.k - d - 1].iter_mut() {
                if v > *t {
                    std::mem::swap(t, &mut v);
                }
            }
            if self.ctx.max_route_m.is_some_and(|max| route_any > max) {
                continue;
            }
            let total_lb = goods_lb + self.travel(route_lb, d + 1);
            children.push(Child {
                i,
                after,
                lb: self.obj.key(u_lb, route_lb, total_lb),
                goods,
                covered: node.covered + newcov,
            });
        }
        children.sort_unstable_by_key(|c| (c.lb, c.i));
        for ch in &children {
            if self.pruned(ch.lb) {
                continue;
            }
            if self.exhausted {
                self.record_open(ch);
                continue;
            }
            self.visit(d, node, ch);
        }
    }

    fn visit(&mut self, d: usize, node: &Node, ch: &Child) {
        let (l, i) = (self.l, ch.i);
        self.chosen[d] = i;
        let len = d + 1;
        let mut mins = node.mins.clone();
        let mut owner = node.owner.clone();
        let krow = &self.key[i * l..(i + 1) * l];
        for line in 0..l {
            if krow[line] < mins[line] {
                mins[line] = krow[line];
                owner[line] = 1 << d;
            }
        }
        let dim = len + 1;
        let mut mat = [0i64; (MAX_K + 1) * (MAX_K + 1)];
        let point = |x: usize| if x == 0 { 0 } else { self.chosen[x - 1] + 1 };
        for a in 0..dim {
            for b in (a + 1)..dim {
                let v = self.d(point(a), point(b));
                mat[a * dim + b] = v;
                mat[b * dim + a] = v;
            }
        }
        let (route, perm) = shortest(len, &mat, self.ctx.round_trip);
        if self.ctx.max_route_m.is_none_or(|max| route <= max) {
            let total = ch.goods + self.travel(route, len);
            let mut order = [0usize; MAX_K];
            for (o, p) in order.iter_mut().zip(&perm[..len]) {
                *o = self.pos[self.chosen[*p]];
            }
            let e = (
                self.obj.key(l - ch.covered, route, total),
                Found {
                    order,
                    len,
                    coverage: ch.covered,
                    route_m: route,
                    total,
                },
            );
            if self.best.as_ref().is_none_or(|b| better(&e, b)) {
                self.best = Some(e);
            }
        }
        if ch.after == 0
            || self
                .ctx
                .max_route_m
                .is_some_and(|max| route - self.slack > max)
        {
            return;
        }
        if self.work >= self.budget {
            self.exhausted = true;
            if !self.pruned(ch.lb) {
                self.record_open(ch);
            }
            return;
        }
        let child = Node {
            mins,
            owner,
            goods: ch.goods,
            covered: ch.covered,
            route,
        };
        self.expand(len, i + 1, &child);
    }
}
