//! The exact search over store sets (see the parent module for the rules and
//! why it is exact).
//!
//! Sets are enumerated depth-first in increasing position order. Each level
//! keeps, per basket line, the cheapest cost over the stores chosen so far and
//! which of them supplies it, so a set costs one branch-free pass over the
//! lines. The pass runs on [`Lane`] integers with "cannot supply" encoded as a
//! power of two above any goods sum, so one addition yields both the goods and
//! the number of uncovered lines; on the usual baskets it runs on `i32`, which
//! the compiler vectorises. The owner of a line is kept as a one-hot bit of the
//! chosen position, so "every chosen store still supplies a line" is an OR.
//!
//! Pruning (all exact):
//! - a set where some store supplies no line is skipped with all its
//!   supersets (adding stores only takes lines away from earlier ones);
//! - with a route limit, a set whose route must exceed it — from its farthest
//!   store, or from its own shortest route, less the rounding of the legs — is
//!   skipped with all its supersets (a route through more stores is no
//!   shorter: triangle inequality);
//! - a set whose lower bounds cannot beat the best of any label is not routed.

use std::ops::{Add, BitAnd, BitOr, Not, Sub};

use super::super::prep::INF;
use super::{Tariff, MAX_K};

/// Basket lines per vector step: the pass works on whole blocks, padded with
/// lines that cost nothing and belong to no store.
const BLOCK: usize = 8;

/// The integer type of the line pass.
pub(super) trait Lane:
    Copy
    + Ord
    + Add<Output = Self>
    + Sub<Output = Self>
    + BitAnd<Output = Self>
    + BitOr<Output = Self>
    + Not<Output = Self>
{
    const ZERO: Self;
    /// Bits usable by non-negative values.
    const VALUE_BITS: u32;
    /// `v` must fit (the caller checked [`Self::VALUE_BITS`]).
    fn from_i64(v: i64) -> Self;
    fn to_i64(self) -> i64;
    /// All ones when `b`, else zero.
    fn mask(b: bool) -> Self;
}

impl Lane for i32 {
    const ZERO: Self = 0;
    const VALUE_BITS: u32 = 31;
    #[allow(clippy::cast_possible_truncation)]
    fn from_i64(v: i64) -> Self {
        v as i32
    }
    fn to_i64(self) -> i64 {
        i64::from(self)
    }
    fn mask(b: bool) -> Self {
        -i32::from(b)
    }
}

impl Lane for i64 {
    const ZERO: Self = 0;
    const VALUE_BITS: u32 = 63;
    fn from_i64(v: i64) -> Self {
        v
    }
    fn to_i64(self) -> i64 {
        self
    }
    fn mask(b: bool) -> Self {
        -i64::from(b)
    }
}

/// The search's input: candidates and coverable lines already chosen.
pub(super) struct Problem<'a> {
    /// Candidates (positions 0..n, in id order).
    pub n: usize,
    /// Coverable basket lines.
    pub l: usize,
    /// At most this many stops (≤ n).
    pub k: usize,
    /// `cost[s * l + line]`, [`INF`] when store s cannot supply the line.
    pub cost: &'a [i64],
    /// `dist[a * dim + b]` over 0 = origin, 1 + s = candidate s.
    pub dist: &'a [i64],
    pub dim: usize,
    pub round_trip: bool,
    pub tariff: Tariff,
    pub max_route_m: Option<i64>,
}

impl Problem<'_> {
    /// Slack, in metres, that covers the rounding of every leg to whole
    /// metres when one route bounds another (≤ k + 1 legs each side, ½ m each).
    fn slack(&self) -> i64 {
        self.k as i64 + 2
    }

    /// Whether every route whose length is at least `lower_bound_m` less the
    /// rounding slack breaks the route limit.
    pub(super) fn beyond_limit(&self, lower_bound_m: i64) -> bool {
        self.max_route_m
            .is_some_and(|max| lower_bound_m - self.slack() > max)
    }
}

/// The best store set found for one label.
#[derive(Debug, Clone, Copy)]
pub(super) struct Found {
    /// Candidate positions in route order.
    pub order: [usize; MAX_K],
    pub len: usize,
    pub coverage: usize,
    pub route_m: i64,
    pub total: i64,
}

impl Found {
    /// The label's key; smaller is better.
    fn key(&self, label: usize) -> (usize, i64, i64) {
        let uncovered = usize::MAX - self.coverage;
        match label {
            0 => (uncovered, self.total, 0),
            1 => (uncovered, self.len as i64, self.total),
            _ => (uncovered, self.route_m, self.total),
        }
    }
}

/// The best set of each label: cheapest, fewest stops, closest (`None` when
/// no set is within the route limit).
pub(super) fn search(p: &Problem<'_>) -> [Option<Found>; 3] {
    if p.n == 0 || p.k == 0 {
        return [None; 3];
    }
    // The largest goods sum any set can reach: the code for "cannot supply"
    // is the next power of two, so sums never carry into the line count.
    let max_goods: i64 = (0..p.l)
        .map(|i| {
            (0..p.n)
                .map(|s| p.cost[s * p.l + i])
                .filter(|c| *c < INF)
                .max()
                .unwrap_or(0)
        })
        .sum();
    let shift = 64 - max_goods.leading_zeros();
    // (l + 1) codes must fit: l uncovered lines plus the goods below them.
    let needed = 64 - (p.l as i64 + 1).leading_zeros() + shift;
    if needed <= i32::VALUE_BITS {
        Search::<i32>::new(p, shift).run()
    } else {
        Search::<i64>::new(p, shift).run()
    }
}

struct Search<'a, T> {
    p: &'a Problem<'a>,
    /// Lines padded to whole blocks.
    lp: usize,
    shift: u32,
    /// `cost[s * lp + line]` in lane code.
    cost: Vec<T>,
    /// Level d (0..=k): per-line minimum cost over the first d chosen stores.
    mins: Vec<T>,
    /// Level d: the one-hot bit of the chosen position supplying each line
    /// (0 when none does).
    owners: Vec<T>,
    /// `savings[a * n + c]`: an upper bound on what adding store c saves on
    /// the goods of any set that contains store a (see [`Self::new`]).
    savings: Vec<i64>,
    chosen: [usize; MAX_K],
    best: [Option<Found>; 3],
}

/// What a level hands down to its children.
#[derive(Clone, Copy)]
struct Parent {
    /// Distance from the origin to the farthest chosen store.
    radius: i64,
    /// Goods of the chosen set (all its lines at their cheapest chosen store).
    goods: i64,
    /// The chosen set's shortest route, when known (else 0).
    route_m: i64,
}

impl<'a, T: Lane> Search<'a, T> {
    fn new(p: &'a Problem<'a>, shift: u32) -> Self {
        let lp = p.l.div_ceil(BLOCK) * BLOCK;
        let inf = T::from_i64(1 << shift);
        let mut cost = vec![inf; p.n * lp];
        for s in 0..p.n {
            for i in 0..p.l {
                let c = p.cost[s * p.l + i];
                if c < INF {
                    cost[s * lp + i] = T::from_i64(c);
                }
            }
        }
        // Level 0: nothing chosen, every real line uncovered; padding costs
        // nothing, so no store ever takes it.
        let mut mins = vec![T::ZERO; (p.k + 1) * lp];
        for m in &mut mins[..p.l] {
            *m = inf;
        }
        let savings = if p.k > 1 {
            savings(&cost, p.n, lp, inf)
        } else {
            Vec::new()
        };
        Self {
            p,
            lp,
            shift,
            cost,
            mins,
            owners: vec![T::ZERO; (p.k + 1) * lp],
            savings,
            chosen: [0; MAX_K],
            best: [None; 3],
        }
    }

    fn run(mut self) -> [Option<Found>; 3] {
        let root = Parent {
            radius: 0,
            goods: 0,
            route_m: 0,
        };
        self.dfs(0, 0, root);
        self.best
    }

    fn dfs(&mut self, depth: usize, start: usize, parent: Parent) {
        let lp = self.lp;
        let leaf = depth + 1 == self.p.k;
        let factor = if self.p.round_trip { 2 } else { 1 };
        // Bits of the stores chosen before this level.
        let earlier = T::from_i64((1 << depth) - 1);
        let me = T::from_i64(1 << depth);
        for s in start..self.p.n {
            let radius = parent.radius.max(self.p.dist[s + 1]);
            // Any route visits the farthest store (and comes back).
            if self.p.beyond_limit(factor * radius) {
                continue;
            }
            if leaf && depth > 0 {
                // Skip the pass when even the most store s could save, with
                // the shortest route the set could have, beats no label.
                let n = self.p.n;
                let saving = self.chosen[..depth]
                    .iter()
                    .map(|a| self.savings[a * n + s])
                    .min()
                    .unwrap_or(0);
                let route_lb = (factor * radius).max(parent.route_m) - self.p.slack();
                if self.cannot_improve(depth + 1, parent.goods - saving, route_lb) {
                    continue;
                }
            }
            let row = &self.cost[s * lp..(s + 1) * lp];
            let (sum, kept, took) = if leaf {
                pass(
                    row,
                    &self.mins[depth * lp..(depth + 1) * lp],
                    &self.owners[depth * lp..(depth + 1) * lp],
                )
            } else {
                let (lower, upper) = self.mins.split_at_mut((depth + 1) * lp);
                let (olower, oupper) = self.owners.split_at_mut((depth + 1) * lp);
                pass_and_keep(
                    row,
                    &lower[depth * lp..],
                    &olower[depth * lp..],
                    me,
                    &mut upper[..lp],
                    &mut oupper[..lp],
                )
            };
            // A store that supplies nothing here supplies nothing in any
            // superset: skip the whole subtree.
            if took == T::ZERO || kept & earlier != earlier {
                continue;
            }
            let sum = sum.to_i64();
            let uncovered = usize::try_from(sum >> self.shift).unwrap_or(usize::MAX);
            let goods = sum & ((1 << self.shift) - 1);
            let coverage = self.p.l.saturating_sub(uncovered);
            self.chosen[depth] = s;
            let route = self.evaluate(depth + 1, coverage, goods, radius, !leaf);
            if !leaf {
                if route.is_some_and(|r| self.p.beyond_limit(r)) {
                    continue;
                }
                let here = Parent {
                    radius,
                    goods,
                    route_m: route.unwrap_or(0),
                };
                self.dfs(depth + 1, s + 1, here);
            }
        }
    }

    /// Evaluates the set `chosen[..len]` with its shortest route; returns that
    /// route when it was computed (always for small sets that have supersets
    /// to prune, under a route limit).
    fn evaluate(
        &mut self,
        len: usize,
        coverage: usize,
        goods: i64,
        radius: i64,
        has_supersets: bool,
    ) -> Option<i64> {
        let improves = self.may_improve(len, coverage, goods, radius);
        // Small sets with supersets are routed anyway: their route bounds
        // the supersets' (route limit, leaf bounds).
        let route_anyway = has_supersets && len <= 3;
        if !improves && !route_anyway {
            return None;
        }
        let mut perm = [0usize; MAX_K];
        perm[..len].copy_from_slice(&self.chosen[..len]);
        let mut best_route = i64::MAX;
        let mut best_order = perm;
        loop {
            let r = self.route_m(&perm[..len]);
            if r < best_route {
                best_route = r;
                best_order = perm;
            }
            if !next_permutation(&mut perm[..len]) {
                break;
            }
        }
        if !improves || self.p.max_route_m.is_some_and(|max| best_route > max) {
            return Some(best_route);
        }
        let found = Found {
            order: best_order,
            len,
            coverage,
            route_m: best_route,
            total: goods + self.p.tariff.cost(best_route, len),
        };
        for (label, slot) in self.best.iter_mut().enumerate() {
            if slot.is_none_or(|b| found.key(label) < b.key(label)) {
                *slot = Some(found);
            }
        }
        Some(best_route)
    }

    /// Whether the set `chosen[..len]` could beat a current best of some label,
    /// judged with a lower bound on its route, so that most sets need no
    /// route at all. Conservative: `true` whenever in doubt.
    fn may_improve(&self, len: usize, coverage: usize, goods: i64, radius: i64) -> bool {
        // The first set found fills all three slots at once.
        let [Some(cheapest), Some(fewest), Some(closest)] = self.best else {
            return true;
        };
        // All labels keep a set of the highest coverage found so far.
        if coverage != cheapest.coverage {
            return coverage > cheapest.coverage;
        }
        // Any route visits its farthest store: at least that far (twice on a
        // round trip), less one metre per rounded leg (and one for the radius).
        let factor = if self.p.round_trip { 2 } else { 1 };
        let route_lb = (factor * radius - (len as i64 + 2)).max(0);
        let total_lb = goods + self.p.tariff.cost(route_lb, len);
        total_lb < cheapest.total
            || len < fewest.len
            || (len == fewest.len && total_lb < fewest.total)
            || route_lb <= closest.route_m
    }

    /// Whether a set of `len` stores with goods of at least `goods_lb` and a
    /// route of at least `route_lb` metres cannot beat the best of any label
    /// (nor tie it: ties go to the set found first). Only once every coverable
    /// line is covered: a set that covers more always wins.
    fn cannot_improve(&self, len: usize, goods_lb: i64, route_lb: i64) -> bool {
        let [Some(cheapest), Some(fewest), Some(closest)] = self.best else {
            return false;
        };
        if cheapest.coverage < self.p.l {
            return false;
        }
        let route_lb = route_lb.max(0);
        let total_lb = goods_lb + self.p.tariff.cost(route_lb, len);
        total_lb >= cheapest.total
            && (len > fewest.len || (len == fewest.len && total_lb >= fewest.total))
            && (route_lb > closest.route_m
                || (route_lb == closest.route_m && total_lb >= closest.total))
    }

    fn route_m(&self, order: &[usize]) -> i64 {
        let dim = self.p.dim;
        let mut at = 0usize;
        let mut total = 0i64;
        for s in order {
            total += self.p.dist[at * dim + s + 1];
            at = s + 1;
        }
        if self.p.round_trip {
            total += self.p.dist[at * dim];
        }
        total
    }
}

/// `savings[a * n + c]` = Σ over lines of max(0, A_l − c_l), where A_l is store
/// a's cost of line l, or the line's dearest cost anywhere when a lacks it,
/// and lines store c lacks count 0. For any set S containing a, with per-line
/// minima p_l ≤ A_l on the lines S covers, adding c saves
/// Σ max(0, p_l − c_l) ≤ savings[a * n + c] on them; lines S does not cover
/// only add cost.
fn savings<T: Lane>(cost: &[T], n: usize, lp: usize, inf: T) -> Vec<i64> {
    // The dearest finite cost of each line (0 for padding).
    let mut dearest = vec![T::ZERO; lp];
    for row in cost.chunks_exact(lp) {
        for (d, &c) in dearest.iter_mut().zip(row) {
            if c < inf {
                *d = (*d).max(c);
            }
        }
    }
    let mut capped = Vec::with_capacity(n * lp);
    for row in cost.chunks_exact(lp) {
        capped.extend(row.iter().zip(&dearest).map(|(&c, &d)| c.min(d)));
    }
    // Only a < c is ever asked for (earlier positions first).
    let mut out = vec![0; n * n];
    for a in 0..n {
        let from = &capped[a * lp..(a + 1) * lp];
        for c in (a + 1)..n {
            let mut sum = T::ZERO;
            // A missing line of c costs `inf`, above any A_l: it counts 0.
            for (&x, &y) in from.iter().zip(&cost[c * lp..(c + 1) * lp]) {
                sum = sum + (x - y).max(T::ZERO);
            }
            out[a * n + c] = sum.to_i64();
        }
    }
    out
}

/// One store added to a set that has no further supersets: the sum of the
/// per-line minima, the owner bits of lines the earlier stores keep, and
/// whether the new store takes any line (strictly cheaper; ties stay with the
/// earlier store).
#[inline]
fn pass<T: Lane>(row: &[T], prev: &[T], owner: &[T]) -> (T, T, T) {
    let (mut sum, mut kept, mut took) = (T::ZERO, T::ZERO, T::ZERO);
    for ((&c, &p), &o) in row.iter().zip(prev).zip(owner) {
        let cheaper = T::mask(c < p);
        sum = sum + c.min(p);
        kept = kept | (o & !cheaper);
        took = took | cheaper;
    }
    (sum, kept, took)
}

/// [`pass`] that also writes the next level's minima and owners.
#[inline]
fn pass_and_keep<T: Lane>(
    row: &[T],
    prev: &[T],
    owner: &[T],
    me: T,
    next: &mut [T],
    next_owner: &mut [T],
) -> (T, T, T) {
    let (mut sum, mut kept, mut took) = (T::ZERO, T::ZERO, T::ZERO);
    for ((((&c, &p), &o), m), no) in row
        .iter()
        .zip(prev)
        .zip(owner)
        .zip(next.iter_mut())
        .zip(next_owner.iter_mut())
    {
        let cheaper = T::mask(c < p);
        let min = c.min(p);
        *m = min;
        *no = (me & cheaper) | (o & !cheaper);
        sum = sum + min;
        kept = kept | (o & !cheaper);
        took = took | cheaper;
    }
    (sum, kept, took)
}

/// Rearranges into the next lexicographic permutation; false after the last.
pub(super) fn next_permutation(a: &mut [usize]) -> bool {
    if a.len() < 2 {
        return false;
    }
    let mut i = a.len() - 1;
    while i > 0 && a[i - 1] >= a[i] {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let mut j = a.len() - 1;
    while a[j] <= a[i - 1] {
        j -= 1;
    }
    a.swap(i - 1, j);
    a[i..].reverse();
    true
}
