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
//! increasing sequences of store positions, so results are stable. Positions
//! order the stores of the shopper's preferred chains first, then by id: that
//! is the effect of `preferred_chains` — among equally good plans (and for a
//! line two stores of a plan sell at the same price) preferred stores win;
//! it never makes a plan dearer, longer or cover fewer lines.
//!
//! # Why the search is exact
//! For a fixed set S, goods are fixed (cheapest per line) and the travel cost
//! grows with the route length, so the best order is the shortest one: we try
//! all |S|! orders (≤ 6 for k = 3). The sets are enumerated depth-first in
//! increasing position order, carrying per-line "best cost so far" arrays, so
//! each set costs one pass over the lines ([`search`]). Only provably useless
//! sets are skipped:
//! - if some store of S supplies no line in S, it supplies none in any
//!   superset of S either (adding stores only lowers the per-line minimum, and
//!   ties stay with the earlier store), so the whole subtree is infeasible;
//! - under a route limit, a store farther than the limit allows (there and
//!   back on a round trip) is no candidate, and a set whose route must exceed
//!   the limit is skipped with its supersets: by the triangle inequality a
//!   route through more stores is no shorter (less ½ m of rounding per leg,
//!   which the bounds allow for);
//! - a set whose goods plus a lower bound on its travel cannot beat the best
//!   of any label so far is not routed.
//!
//! Every other set of size ≤ k is evaluated, hence the optimum of every label
//! is found. Property tests compare it, ties included, with a brute force over
//! all subsets and all permutations.
//!
//! # Every store in reach
//! There is no cut to the nearest stores: every store within the radius and
//! the route limit that supplies a line is a candidate. When the candidates'
//! store sets exceed the work budget ([`OfflineInput::max_subsets`]), the
//! candidates are reduced by rules that provably keep every label's optimum
//! ([`reduce`]: a goods-lower-bound + round-trip bound and a dominance rule),
//! and the exact search runs on what is left. If even that exceeds the budget,
//! a branch and bound ([`bnb`]: Lagrangian, greedy-prefix and per-line bounds
//! on the goods, insertion bounds on the route, compatibility of the stores)
//! searches the kept stores; it is exact when it finishes within the budget,
//! else the answer states its proven gap ([`super::Optimality`]); it is never
//! silently worse. Then `fewest_stops` is the frontier's cheapest plan with
//! the fewest stops that buys as many lines as the best k-stop plan.
//!
//! # Legs and opening hours
//! Every distance above is a leg of [`OfflineInput::travel`]: the straight
//! line × a detour factor, or a routing table made symmetric and closed
//! under shortest paths ([`super::travel`]). Both are metrics, so each rule
//! and bound holds on them unchanged (the radius stays a straight-line
//! radius). With a [`OfflineInput::departure`], a store closed at its
//! *earliest* arrival — departure + the direct leg, which no route through
//! it can beat (triangle inequality) — is no candidate and is reported in
//! [`OfflineOutcome::skipped`]; the search then runs, exactly as above, over
//! the open stores (property-tested against brute force over the same
//! stores). A stop of a chosen route that is reached later, after it
//! closes, is flagged (`Stop::closed_on_arrival`), not re-planned: arrival
//! along a route depends on the order, and keeping the feasibility
//! route-dependent would void the set-based bounds.

mod bnb;
mod reduce;
mod search;

use super::geo::{travel_cost_krw, PreparedPoint};
use super::model::{
    limits, BasketLine, FrontierPoint, MissingReason, OfflineInput, OfflineOutcome, Optimality,
    Plan, PlanError, PlanLabel, SkippedStore, Stop, StoreCandidate, TimeValue,
};
use super::prep::{self, INF};
use super::travel::{self, seconds_at, RouteTable, Travel, UNREACHABLE};
use reduce::Labels;
use search::{Found, Problem};

const MAX_K: usize = limits::MAX_STORES_PER_PLAN as usize;

/// Labelled, deduplicated offline plans: `cheapest` first, then
/// `fewest_stops`, then `closest` (each only when it differs from an earlier
/// one; otherwise its label is added to that plan's `other_labels`).
///
/// Errors: invalid input ([`PlanError`]'s input variants) or
/// [`PlanError::NoPlanPossible`] when no candidate supplies any line (every
/// line is then listed with its reason).
pub fn plan_offline(input: &OfflineInput) -> Result<Vec<Plan>, PlanError> {
    plan_offline_outcome(input).map(|o| o.plans)
}

/// [`plan_offline`] with the proof of how optimal the plans are.
pub fn plan_offline_outcome(input: &OfflineInput) -> Result<OfflineOutcome, PlanError> {
    let lines = prep::sorted_lines(&input.lines)?;
    validate(input)?;
    let mut stores = prep::sorted_by_id(&input.stores, |s| &s.id)?;
    // Preferred chains' stores first (stable: id order within each group).
    stores.sort_by_key(|s| !s.preferred);
    // One price look-up per store and line: checks the price rows and gives
    // every store's costs.
    let nl = lines.len();
    let mut all_costs = Vec::with_capacity(stores.len() * nl);
    for s in &stores {
        for line in &lines {
            all_costs.push(prep::checked_line_cost(&s.id, &s.prices, line)?);
        }
    }
    let costs_of = |s: usize| &all_costs[s * nl..(s + 1) * nl];

    // Candidates: within the radius (straight line), with the direct leg
    // from the origin in the travel metric; with a routing table, only the
    // stores it has.
    let origin = input.origin;
    let origin_p = origin.prepared();
    let travel = &input.travel;
    let table = travel.table.as_deref();
    let mut in_range: Vec<Reach> = Vec::new();
    for (i, s) in stores.iter().enumerate() {
        let p = s.location.prepared();
        if input
            .max_distance_m
            .is_some_and(|max| origin_p.distance_m(p) > max)
        {
            continue;
        }
        let reach = match table {
            None => {
                let (metres, seconds) = travel.estimate(origin_p, p);
                Reach {
                    store: i,
                    metres,
                    seconds,
                    point: 0,
                }
            }
            Some(t) => match t.point_of(&s.id) {
                Some(point) if t.metres(0, point) < UNREACHABLE => Reach {
                    store: i,
                    metres: t.metres(0, point),
                    seconds: t.seconds(0, point),
                    point,
                },
                _ => continue,
            },
        };
        in_range.push(reach);
    }
    // Opening hours: a store closed when the shopper could first be there
    // (departure + the direct leg; every route reaches it no earlier, the
    // legs being a metric) is no candidate.
    let mut skipped = Vec::new();
    let mut closed: Vec<usize> = Vec::new();
    if let Some(departure) = input.departure {
        in_range.retain(|r| {
            let s = stores[r.store];
            let arrive_at = departure + chrono::Duration::seconds(r.seconds);
            match s.visiting.as_ref().and_then(|v| v.closed_at(arrive_at)) {
                Some(reason) => {
                    skipped.push(SkippedStore {
                        store_id: s.id.clone(),
                        reason: reason.into(),
                        arrive_at,
                    });
                    closed.push(r.store);
                    false
                }
                None => true,
            }
        });
        skipped.sort_by(|a, b| a.store_id.cmp(&b.store_id));
    }

    // Lines some candidate has in stock take part; the others are missing.
    let mut coverable: Vec<usize> = Vec::new();
    let mut missing = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if in_range.iter().any(|r| costs_of(r.store)[i] < INF) {
            coverable.push(i);
        } else if closed.iter().any(|s| costs_of(*s)[i] < INF) {
            missing.push(prep::missing(line, MissingReason::StoreClosed));
        } else {
            let listed = stores.iter().any(|s| s.prices.contains_key(&line.product));
            let elsewhere = (0..stores.len()).any(|s| costs_of(s)[i] < INF);
            missing.push(prep::missing(
                line,
                prep::unavailable_reason(listed, elsewhere),
            ));
        }
    }
    if coverable.is_empty() {
        return Err(PlanError::NoPlanPossible { missing });
    }
    let coverable_lines: Vec<&BasketLine> = coverable.iter().map(|i| lines[*i]).collect();

    // Useful candidates: those that supply at least one coverable line and
    // that some route within the limit can reach (any route through a store
    // is at least as long as the way there, and back on a round trip, less
    // the rounding of its legs).
    let reach_factor = if input.round_trip { 2 } else { 1 };
    let reach_slack = i64::from(input.max_stores) + 2;
    let l = coverable.len();
    let mut cands: Vec<(&StoreCandidate, i64)> = Vec::new();
    let mut table_points: Vec<usize> = vec![0];
    let mut cost: Vec<i64> = Vec::new();
    for r in &in_range {
        if input
            .max_route_m
            .is_some_and(|max| reach_factor * r.metres - reach_slack > max)
        {
            continue;
        }
        let all = costs_of(r.store);
        if coverable.iter().any(|i| all[*i] < INF) {
            cands.push((stores[r.store], r.metres));
            table_points.push(r.point);
            cost.extend(coverable.iter().map(|i| all[*i]));
        }
    }
    let n = cands.len();
    let k = usize::from(input.max_stores).min(n);
    // Points: 0 = origin, 1 + s = candidate s.
    let points: Vec<PreparedPoint> = std::iter::once(origin_p)
        .chain(cands.iter().map(|(s, _)| s.location.prepared()))
        .collect();
    let geo = match table {
        None => Geo::Line {
            points: &points,
            travel,
        },
        Some(table) => Geo::Table {
            points: &table_points,
            table,
        },
    };
    let ctx = reduce::Ctx {
        n,
        l,
        k,
        cost: &cost,
        origin_m: cands.iter().map(|(_, d)| *d).collect(),
        geo,
        round_trip: input.round_trip,
        tariff: Tariff {
            krw_per_km: input.travel_cost_krw_per_km,
            time: None,
        },
        max_route_m: input.max_route_m,
    };
    let budget = input.max_subsets.max(1);
    let (mut best, mut optimality, fewest_from_frontier) = run(&ctx, budget, Labels::All);
    // The frontier: the cheapest plan with at most j stops, each solved as
    // its own problem (its optimal stores may be ones the k-stop rules
    // dropped).
    let mut per_j: Vec<Option<Found>> = Vec::with_capacity(k);
    for j in 1..k {
        let ctx_j = reduce::Ctx {
            k: j,
            ..ctx.clone()
        };
        let (best_j, proof_j, _) = run(&ctx_j, budget, Labels::Cheapest);
        optimality.exact &= proof_j.exact;
        per_j.push(best_j[0]);
    }
    per_j.push(best[0]);
    if fewest_from_frontier {
        // Fewest stops: the cheapest plan with the fewest stops that buys
        // as many lines as the best k-stop plan (a smaller set covering as
        // much would be a smaller j).
        let most = best[0].map(|c| c.coverage);
        best[1] = per_j
            .iter()
            .flatten()
            .find(|f| Some(f.coverage) == most)
            .copied();
    }
    let labels = [
        PlanLabel::Cheapest,
        PlanLabel::FewestStops,
        PlanLabel::Closest,
    ];
    let mut found = Vec::new();
    for (label, best) in labels.iter().zip(best.iter()) {
        if let Some(f) = best {
            let plan = build_plan(
                *label,
                f,
                &cands,
                &coverable_lines,
                &cost,
                &geo,
                input,
                &missing,
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
                    .unwrap_or_else(|| prep::missing(line, MissingReason::NotCoveredByPlan))
            })
            .collect();
        return Err(PlanError::NoPlanPossible { missing: all });
    }
    // Best value: `cheapest` with the time's value added to the route's
    // cost, its own problem; listed only when its stores differ.
    if let Some(time) = input.time_value {
        let ctx_v = reduce::Ctx {
            tariff: Tariff {
                krw_per_km: input.travel_cost_krw_per_km,
                time: Some(time),
            },
            ..ctx.clone()
        };
        let (best_v, proof_v, _) = run(&ctx_v, budget, Labels::Cheapest);
        optimality.exact &= proof_v.exact;
        if let Some(f) = &best_v[0] {
            let mut key: Vec<usize> = f.order[..f.len].to_vec();
            key.sort_unstable();
            if found.first().is_none_or(|(_, k, _)| *k != key) {
                let plan = build_plan(
                    PlanLabel::BestValue,
                    f,
                    &cands,
                    &coverable_lines,
                    &cost,
                    &geo,
                    input,
                    &missing,
                );
                found.push((PlanLabel::BestValue, key, plan));
            }
        }
    }
    if let Some(c) = &best[0] {
        optimality.best_total_krw = c.total;
        if optimality.exact {
            optimality.lower_bound_krw = Some(c.total);
        }
    }
    let lines_total = lines.len();
    let mut frontier = Vec::with_capacity(k);
    let mut single_store = None;
    for (j, f) in per_j.iter().enumerate() {
        let Some(f) = f else { continue };
        frontier.push(FrontierPoint {
            stops: u8::try_from(j + 1).unwrap_or(u8::MAX),
            total_krw: f.total,
            missing: lines_total - f.coverage,
            distance_m: f.route_m,
        });
        if j == 0 {
            single_store = Some(build_plan(
                PlanLabel::Cheapest,
                f,
                &cands,
                &coverable_lines,
                &cost,
                &geo,
                input,
                &missing,
            ));
        }
    }
    Ok(OfflineOutcome {
        plans: prep::dedup(found),
        optimality,
        frontier,
        single_store,
        skipped,
    })
}

/// A store within the radius and its direct leg from the origin.
struct Reach {
    /// Index into the id-sorted stores.
    store: usize,
    metres: i64,
    seconds: i64,
    /// Its point in the routing table (0 without one).
    point: usize,
}

/// One exact search over every candidate when it fits the budget, else the
/// reduced search (see [`reduce`]). The flag: `fewest_stops` must be taken
/// from the frontier.
fn run(
    ctx: &reduce::Ctx<'_>,
    budget: u64,
    labels: Labels,
) -> ([Option<Found>; 3], Optimality, bool) {
    if subsets(ctx.n, ctx.k) <= budget {
        let all: Vec<usize> = (0..ctx.n).collect();
        let proof = Optimality {
            exact: true,
            lower_bound_krw: None,
            best_total_krw: 0,
            candidates: ctx.n,
            after_rules: ctx.n,
            searched: ctx.n,
        };
        (solve(ctx, &all), proof, false)
    } else {
        reduce::reduced_search(ctx, budget, labels)
    }
}

/// What a route costs besides the goods: travel per km, and the value of
/// the shopper's time when the objective is `best_value`. Non-decreasing in
/// the route length and in the number of stops, which every bound relies on.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tariff {
    pub krw_per_km: i64,
    pub time: Option<TimeValue>,
}

impl Tariff {
    pub(super) fn cost(&self, route_m: i64, stops: usize) -> i64 {
        travel_cost_krw(route_m, self.krw_per_km)
            + self.time.map_or(0, |t| t.cost_krw(route_m, stops))
    }
}

/// Legs between the origin (0) and the candidates (1 + s) in the request's
/// metric ([`super::travel`]): the estimate is always computed in the same
/// argument order, so that every use sees the same whole metres; a routing
/// table is symmetric and closed already.
#[derive(Clone, Copy)]
enum Geo<'a> {
    Line {
        points: &'a [PreparedPoint],
        travel: &'a Travel,
    },
    Table {
        /// Candidate point → table point.
        points: &'a [usize],
        table: &'a RouteTable,
    },
}

impl Geo<'_> {
    fn d(&self, a: usize, b: usize) -> i64 {
        if a == b {
            return 0;
        }
        let (x, y) = if a < b { (a, b) } else { (b, a) };
        match self {
            Geo::Line { points, travel } => {
                points[x].scaled_distance_m(points[y], travel.detour_permille)
            }
            Geo::Table { points, table } => table.metres(points[x], points[y]),
        }
    }

    /// Seconds of the leg between two points.
    fn seconds(&self, a: usize, b: usize) -> i64 {
        match self {
            Geo::Line { travel, .. } => seconds_at(self.d(a, b), travel.speed_km_per_h),
            Geo::Table { points, table } => table.seconds(points[a], points[b]),
        }
    }
}

/// Runs the exact search on the candidates `sel` (ascending positions, so
/// ties still go by store id) and maps the found sets back to candidate
/// positions.
fn solve(ctx: &reduce::Ctx<'_>, sel: &[usize]) -> [Option<Found>; 3] {
    let m = sel.len();
    let l = ctx.l;
    let mut cost = Vec::with_capacity(m * l);
    for &s in sel {
        cost.extend_from_slice(&ctx.cost[s * l..(s + 1) * l]);
    }
    let dim = m + 1;
    let mut dist = vec![0i64; dim * dim];
    let index = |i: usize| if i == 0 { 0 } else { sel[i - 1] + 1 };
    for i in 0..dim {
        for j in (i + 1)..dim {
            let d = ctx.geo.d(index(i), index(j));
            dist[i * dim + j] = d;
            dist[j * dim + i] = d;
        }
    }
    let mut best = search::search(&Problem {
        n: m,
        l,
        k: ctx.k.min(m),
        cost: &cost,
        dist: &dist,
        dim,
        round_trip: ctx.round_trip,
        tariff: ctx.tariff,
        max_route_m: ctx.max_route_m,
    });
    for f in best.iter_mut().flatten() {
        for p in &mut f.order[..f.len] {
            *p = sel[*p];
        }
    }
    best
}

/// Σ_{j ≤ k} C(n, j), saturating.
fn subsets(n: usize, k: usize) -> u64 {
    (1..=k.min(n)).fold(0u64, |acc, j| {
        acc.saturating_add(binomial(n as u64, j as u64))
    })
}

fn validate(input: &OfflineInput) -> Result<(), PlanError> {
    if input.stores.len() >= bnb::MAX_CANDIDATES {
        return Err(PlanError::TooLarge(format!(
            "{} stores (fewer than {})",
            input.stores.len(),
            bnb::MAX_CANDIDATES
        )));
    }
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
    if let Some(t) = input.time_value {
        if !(0..=limits::MAX_VALUE_OF_TIME_KRW_PER_HOUR).contains(&t.krw_per_hour) {
            return Err(PlanError::param(
                "value_of_time_krw_per_hour",
                format!("must be 0..={}", limits::MAX_VALUE_OF_TIME_KRW_PER_HOUR),
            ));
        }
        if !(0..=limits::MAX_MINUTES_PER_STOP).contains(&t.minutes_per_stop) {
            return Err(PlanError::param(
                "minutes_per_stop",
                format!("must be 0..={}", limits::MAX_MINUTES_PER_STOP),
            ));
        }
        if !(1..=limits::MAX_SPEED_KM_PER_H).contains(&t.speed_km_per_h) {
            return Err(PlanError::param(
                "speed_km_per_h",
                format!("must be 1..={}", limits::MAX_SPEED_KM_PER_H),
            ));
        }
    }
    if !(travel::STRAIGHT_LINE_PERMILLE..=5 * travel::STRAIGHT_LINE_PERMILLE)
        .contains(&input.travel.detour_permille)
    {
        return Err(PlanError::param(
            "detour_permille",
            "must be 1000..=5000 (straight line × 1 to × 5)",
        ));
    }
    if !(1..=limits::MAX_SPEED_KM_PER_H).contains(&input.travel.speed_km_per_h) {
        return Err(PlanError::param(
            "speed_km_per_h",
            format!("must be 1..={}", limits::MAX_SPEED_KM_PER_H),
        ));
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

#[allow(clippy::too_many_arguments)]
fn build_plan(
    label: PlanLabel,
    f: &Found,
    cands: &[(&StoreCandidate, i64)],
    coverable: &[&BasketLine],
    cost: &[i64],
    geo: &Geo<'_>,
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
    let mut travel_seconds = 0i64;
    let mut clock = input.departure;
    let stop_s = input.time_value.map_or(0, |t| t.minutes_per_stop * 60);
    for &s in order {
        let items: Vec<_> = (0..l)
            .filter(|i| supplier[*i] == Some(s))
            .map(|i| prep::assignment(coverable[i], cost[s * l + i]))
            .collect();
        let subtotal_krw = items.iter().map(|a| a.subtotal_krw).sum();
        let (store, _) = cands[s];
        let leg_seconds = geo.seconds(at, s + 1);
        travel_seconds += leg_seconds;
        let arrive_at = clock.map(|t| t + chrono::Duration::seconds(leg_seconds));
        let closed_on_arrival = arrive_at
            .zip(store.visiting.as_ref())
            .and_then(|(t, v)| v.closed_at(t))
            .map(Into::into);
        clock = arrive_at.map(|t| t + chrono::Duration::seconds(stop_s));
        stops.push(Stop {
            store_id: store.id.clone(),
            store_name: store.name.clone(),
            items,
            subtotal_krw,
            delivery_krw: 0,
            surcharge_krw: 0,
            leg_distance_m: geo.d(at, s + 1),
            leg_seconds,
            arrive_at,
            closed_on_arrival,
        });
        at = s + 1;
    }
    if input.round_trip {
        travel_seconds += geo.seconds(at, 0);
    }
    let mut missing: Vec<_> = unavailable.to_vec();
    for (i, line) in coverable.iter().enumerate() {
        if supplier[i].is_none() {
            missing.push(prep::missing(line, MissingReason::NotCoveredByPlan));
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
        surcharge_krw: 0,
        total_krw: goods_krw + travel_krw,
        distance_m: f.route_m,
        travel_seconds,
        missing,
    }
}
