//! Offline plans: the Traveling Purchaser Problem for up to k stores, solved
//! exactly by enumerating store subsets.
//!
//! # Problem
//! Choose a set S of at most k candidate stores and a visiting order from the
//! origin (and back, on a round trip). Every basket line is bought at the
//! cheapest store of S that has it in stock (ties: the smaller store id). Every
//! store of S must supply at least one line: a store that supplies nothing is
//! not a stop. A plan is *feasible* when its route is within `max_route_m`.
//!
//! # Objectives (lexicographic)
//! Every label first maximises **coverage** (the number of basket lines
//! bought): a plan that buys more of the basket always beats a cheaper plan
//! that buys less, because a missing line is not free, just unpriced. Then:
//! - `cheapest`: minimal total = goods + travel_cost(route length);
//! - `fewest_stops`: fewest stores, then minimal total;
//! - `closest`: shortest route, then minimal total.
//!
//! Remaining ties go to the store set that comes first when sets are listed as
//! increasing sequences of (id-sorted) store positions, so results are stable.
//!
//! # Why the search is exact
//! For a fixed set S, goods are fixed (cheapest per line) and the travel cost
//! grows with the route length, so the best order is the shortest one: we try
//! all |S|! orders (≤ 6 for k = 3). The sets are enumerated depth-first in
//! increasing position order, carrying per-line "best cost so far" arrays, so
//! each set costs one pass over the lines. The only pruning is exact: if some
//! store of S supplies no line in S, it supplies none in any superset of S
//! either (adding stores only lowers the per-line minimum, and ties stay with
//! the earlier store), so the whole subtree is infeasible and skipped. Every
//! other set of size ≤ k is evaluated, hence the optimum of every label is
//! found. Property tests compare it with a brute force over all subsets and
//! all permutations.

use super::geo::travel_cost_krw;
use super::model::{
    limits, BasketLine, OfflineInput, Plan, PlanError, PlanLabel, Stop, StoreCandidate,
};
use super::prep::{self, INF};

const MAX_K: usize = limits::MAX_STORES_PER_PLAN as usize;

/// Labelled, deduplicated offline plans: `cheapest` first, then
/// `fewest_stops`, then `closest` (each only when it differs from an earlier
/// one; otherwise its label is added to that plan's `other_labels`).
///
/// Errors: invalid input ([`PlanError`]'s input variants) or
/// [`PlanError::NoPlanPossible`] when no candidate supplies any line (every
/// line is then listed with its reason).
pub fn plan_offline(input: &OfflineInput) -> Result<Vec<Plan>, PlanError> {
    let lines = prep::sorted_lines(&input.lines)?;
    validate(input)?;
    let stores = prep::sorted_by_id(&input.stores, |s| &s.id)?;
    for s in &stores {
        prep::check_prices(&s.id, &s.prices, &lines)?;
    }

    // Candidates: within the radius.
    let origin = input.origin;
    let in_range: Vec<(&StoreCandidate, i64)> = stores
        .iter()
        .map(|s| (*s, origin.distance_m(s.location)))
        .filter(|(_, d)| input.max_distance_m.is_none_or(|max| *d <= max))
        .collect();

    // Lines some candidate has in stock take part; the others are missing.
    let mut coverable: Vec<&BasketLine> = Vec::new();
    let mut missing = Vec::new();
    for line in &lines {
        let available = in_range
            .iter()
            .any(|(s, _)| prep::line_cost(&s.prices, line) < INF);
        if available {
            coverable.push(line);
        } else {
            let listed = stores.iter().any(|s| s.prices.contains_key(&line.product));
            let elsewhere = stores
                .iter()
                .any(|s| prep::line_cost(&s.prices, line) < INF);
            missing.push(prep::missing(
                line,
                prep::unavailable_reason(listed, elsewhere),
            ));
        }
    }
    if coverable.is_empty() {
        return Err(PlanError::NoPlanPossible { missing });
    }

    // Useful candidates: those that supply at least one coverable line.
    let l = coverable.len();
    let mut cands: Vec<(&StoreCandidate, i64)> = Vec::new();
    let mut cost: Vec<i64> = Vec::new();
    for (s, d) in &in_range {
        let row: Vec<i64> = coverable
            .iter()
            .map(|line| prep::line_cost(&s.prices, line))
            .collect();
        if row.iter().any(|c| *c < INF) {
            cands.push((*s, *d));
            cost.extend(row);
        }
    }
    let n = cands.len();
    let k = usize::from(input.max_stores).min(n);
    let subsets: u64 = (1..=k).map(|j| binomial(n as u64, j as u64)).sum();
    if subsets > limits::MAX_OFFLINE_SUBSETS {
        return Err(PlanError::TooLarge(format!(
            "{n} candidate stores with up to {k} stops ({subsets} store sets; at most {})",
            limits::MAX_OFFLINE_SUBSETS
        )));
    }

    // Distance matrix over [origin, candidates...].
    let points: Vec<_> = std::iter::once(origin)
        .chain(cands.iter().map(|(s, _)| s.location))
        .collect();
    let dim = n + 1;
    let mut dist = vec![0i64; dim * dim];
    for i in 0..dim {
        for j in (i + 1)..dim {
            let d = points[i].distance_m(points[j]);
            dist[i * dim + j] = d;
            dist[j * dim + i] = d;
        }
    }

    let mut search = Search {
        n,
        l,
        k,
        cost: &cost,
        dist: &dist,
        dim,
        round_trip: input.round_trip,
        krw_per_km: input.travel_cost_krw_per_km,
        max_route_m: input.max_route_m,
        mins: vec![INF; (k + 1) * l],
        owner: vec![0u8; (k + 1) * l],
        chosen: [0; MAX_K],
        best: [None; 3],
    };
    search.dfs(0, 0);

    let labels = [
        PlanLabel::Cheapest,
        PlanLabel::FewestStops,
        PlanLabel::Closest,
    ];
    let mut found = Vec::new();
    for (label, best) in labels.iter().zip(search.best.iter()) {
        if let Some(f) = best {
            let plan = build_plan(
                *label, f, &cands, &coverable, &cost, &dist, dim, input, &missing,
            );
            let mut key: Vec<usize> = f.order[..f.len].to_vec();
            key.sort_unstable();
            found.push((*label, key, plan));
        }
    }
    if found.is_empty() {
        // Every store set breaks the route limit: nothing can be bought.
        let all = lines
            .iter()
            .map(|line| {
                missing
                    .iter()
                    .find(|m| m.line_id == line.id)
                    .cloned()
                    .unwrap_or_else(|| {
                        prep::missing(line, super::model::MissingReason::NotCoveredByPlan)
                    })
            })
            .collect();
        return Err(PlanError::NoPlanPossible { missing: all });
    }
    Ok(prep::dedup(found))
}

fn validate(input: &OfflineInput) -> Result<(), PlanError> {
    if !(1..=limits::MAX_STORES_PER_PLAN).contains(&input.max_stores) {
        return Err(PlanError::param(
            "max_stores",
            format!("must be 1..={}", limits::MAX_STORES_PER_PLAN),
        ));
    }
    if !(0..=limits::MAX_TRAVEL_COST_KRW_PER_KM).contains(&input.travel_cost_krw_per_km) {
        return Err(PlanError::param(
            "travel_cost_krw_per_km",
            format!("must be 0..={}", limits::MAX_TRAVEL_COST_KRW_PER_KM),
        ));
    }
    if input.max_distance_m.is_some_and(|d| d < 0) {
        return Err(PlanError::param("max_distance_m", "must not be negative"));
    }
    if input.max_route_m.is_some_and(|d| d < 0) {
        return Err(PlanError::param("max_route_m", "must not be negative"));
    }
    Ok(())
}

fn binomial(n: u64, k: u64) -> u64 {
    if k > n {
        return 0;
    }
    let mut r: u64 = 1;
    for i in 0..k {
        r = r.saturating_mul(n - i) / (i + 1);
    }
    r
}

/// The best store set found for one label.
#[derive(Debug, Clone, Copy)]
struct Found {
    /// Candidate positions in route order.
    order: [usize; MAX_K],
    len: usize,
    coverage: usize,
    route_m: i64,
    total: i64,
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

struct Search<'a> {
    n: usize,
    l: usize,
    k: usize,
    /// `cost[s * l + line]`, [`INF`] when store s cannot supply the line.
    cost: &'a [i64],
    /// `dist[a * dim + b]` over 0 = origin, 1 + s = candidate s.
    dist: &'a [i64],
    dim: usize,
    round_trip: bool,
    krw_per_km: i64,
    max_route_m: Option<i64>,
    /// Level d (0..=k): per-line minimum cost over the first d chosen stores.
    mins: Vec<i64>,
    /// Level d: which chosen position (0..d) supplies each line.
    owner: Vec<u8>,
    chosen: [usize; MAX_K],
    best: [Option<Found>; 3],
}

impl Search<'_> {
    fn dfs(&mut self, depth: usize, start: usize) {
        let l = self.l;
        for s in start..self.n {
            let (lower, upper) = self.mins.split_at_mut((depth + 1) * l);
            let prev = &lower[depth * l..];
            let next = &mut upper[..l];
            let (olower, oupper) = self.owner.split_at_mut((depth + 1) * l);
            let oprev = &olower[depth * l..];
            let onext = &mut oupper[..l];
            let row = &self.cost[s * l..(s + 1) * l];
            let mut wins = [0u32; MAX_K];
            let mut goods = 0i64;
            let mut coverage = 0usize;
            let me = depth as u8;
            for ((((&c, &p), &op), m_out), o_out) in row
                .iter()
                .zip(prev)
                .zip(oprev)
                .zip(next.iter_mut())
                .zip(onext.iter_mut())
            {
                // Strictly cheaper takes the line; ties stay with the earlier store.
                let (m, o) = if c < p { (c, me) } else { (p, op) };
                *m_out = m;
                *o_out = o;
                if m < INF {
                    coverage += 1;
                    goods += m;
                    wins[usize::from(o) % MAX_K] += 1;
                }
            }
            if wins[..=depth].contains(&0) {
                // A store that supplies nothing here supplies nothing in any
                // superset: skip the whole subtree.
                continue;
            }
            self.chosen[depth] = s;
            self.evaluate(depth + 1, coverage, goods);
            if depth + 1 < self.k {
                self.dfs(depth + 1, s + 1);
            }
        }
    }

    /// Evaluates the set `chosen[..len]` with its shortest route.
    fn evaluate(&mut self, len: usize, coverage: usize, goods: i64) {
        if !self.may_improve(len, coverage, goods) {
            return;
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
        if self.max_route_m.is_some_and(|max| best_route > max) {
            return;
        }
        let found = Found {
            order: best_order,
            len,
            coverage,
            route_m: best_route,
            total: goods + travel_cost_krw(best_route, self.krw_per_km),
        };
        for (label, slot) in self.best.iter_mut().enumerate() {
            if slot.is_none_or(|b| found.key(label) < b.key(label)) {
                *slot = Some(found);
            }
        }
    }

    /// Whether the set `chosen[..len]` could beat a current best of some label,
    /// judged with a lower bound on its route, so that most sets need no
    /// route at all. Conservative: `true` whenever in doubt.
    fn may_improve(&self, len: usize, coverage: usize, goods: i64) -> bool {
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
        let radius = self.chosen[..len]
            .iter()
            .map(|s| self.dist[s + 1])
            .max()
            .unwrap_or(0);
        let factor = if self.round_trip { 2 } else { 1 };
        let route_lb = (factor * radius - (len as i64 + 2)).max(0);
        let total_lb = goods + travel_cost_krw(route_lb, self.krw_per_km);
        total_lb < cheapest.total
            || len < fewest.len
            || (len == fewest.len && total_lb < fewest.total)
            || route_lb <= closest.route_m
    }

    fn route_m(&self, order: &[usize]) -> i64 {
        let dim = self.dim;
        let mut at = 0usize;
        let mut total = 0i64;
        for s in order {
            total += self.dist[at * dim + s + 1];
            at = s + 1;
        }
        if self.round_trip {
            total += self.dist[at * dim];
        }
        total
    }
}

/// Rearranges into the next lexicographic permutation; false after the last.
fn next_permutation(a: &mut [usize]) -> bool {
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

#[allow(clippy::too_many_arguments)]
fn build_plan(
    label: PlanLabel,
    f: &Found,
    cands: &[(&StoreCandidate, i64)],
    coverable: &[&BasketLine],
    cost: &[i64],
    dist: &[i64],
    dim: usize,
    input: &OfflineInput,
    unavailable: &[super::model::Missing],
) -> Plan {
    let l = coverable.len();
    let order = &f.order[..f.len];
    // Supplier of each line: the cheapest chosen store, ties to the smaller
    // position (= smaller id), exactly as in the search.
    let mut sorted: Vec<usize> = order.to_vec();
    sorted.sort_unstable();
    let supplier: Vec<Option<usize>> = (0..l)
        .map(|i| {
            let mut best: Option<usize> = None;
            for &s in &sorted {
                let c = cost[s * l + i];
                if c < INF && best.is_none_or(|b| c < cost[b * l + i]) {
                    best = Some(s);
                }
            }
            best
        })
        .collect();

    let mut stops = Vec::with_capacity(order.len());
    let mut at = 0usize;
    for &s in order {
        let items: Vec<_> = (0..l)
            .filter(|i| supplier[*i] == Some(s))
            .map(|i| prep::assignment(coverable[i], cost[s * l + i]))
            .collect();
        let subtotal_krw = items.iter().map(|a| a.subtotal_krw).sum();
        let (store, _) = cands[s];
        stops.push(Stop {
            store_id: store.id.clone(),
            store_name: store.name.clone(),
            items,
            subtotal_krw,
            delivery_krw: 0,
            leg_distance_m: dist[at * dim + s + 1],
        });
        at = s + 1;
    }
    let mut missing: Vec<_> = unavailable.to_vec();
    for (i, line) in coverable.iter().enumerate() {
        if supplier[i].is_none() {
            missing.push(prep::missing(
                line,
                super::model::MissingReason::NotCoveredByPlan,
            ));
        }
    }
    missing.sort_by(|a, b| a.line_id.cmp(&b.line_id));
    let goods_krw: i64 = stops.iter().map(|s| s.subtotal_krw).sum();
    let travel_krw = travel_cost_krw(f.route_m, input.travel_cost_krw_per_km);
    Plan {
        label,
        other_labels: Vec::new(),
        stops,
        goods_krw,
        travel_krw,
        delivery_krw: 0,
        total_krw: goods_krw + travel_krw,
        distance_m: f.route_m,
        missing,
    }
}
