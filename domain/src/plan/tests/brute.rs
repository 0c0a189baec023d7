//! Brute-force optima, written independently of the engines: every store
//! subset × every visiting order; every assignment of lines to malls.

use super::*;

/// The brute-force best of one offline label:
/// (coverage, total, stops, route_m) and the stores in route order.
///
/// Ties go to the store set whose id-sorted sequence comes first
/// (lexicographically, a prefix before its extensions), then to the first
/// visiting order in lexicographic order: the engine's documented rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineBest {
    pub coverage: usize,
    pub total: i64,
    pub stops: usize,
    pub route_m: i64,
    pub route: Vec<StoreId>,
}

fn permutations(items: &[usize]) -> Vec<Vec<usize>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut p in permutations(&rest) {
            p.insert(0, first);
            out.push(p);
        }
    }
    out
}

/// Every non-empty subset of 0..n with at most `k` elements.
fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut stack: Vec<Vec<usize>> = vec![Vec::new()];
    while let Some(set) = stack.pop() {
        if !set.is_empty() {
            out.push(set.clone());
        }
        if set.len() == k {
            continue;
        }
        let from = set.last().map_or(0, |l| l + 1);
        for i in from..n {
            let mut next = set.clone();
            next.push(i);
            stack.push(next);
        }
    }
    out
}

/// Best for [cheapest, fewest_stops, closest], or `None` when no store set is
/// feasible.
pub fn offline(input: &OfflineInput) -> Option<[OfflineBest; 3]> {
    let origin = input.origin;
    let mut cands: Vec<&StoreCandidate> = input
        .stores
        .iter()
        .filter(|s| {
            input
                .max_distance_m
                .is_none_or(|max| origin.distance_m(s.location) <= max)
        })
        .collect();
    // Preferred stores first, then by id: the engine's documented order.
    cands.sort_by(|a, b| (!a.preferred, &a.id).cmp(&(!b.preferred, &b.id)));
    let n = cands.len();
    let mut best: [Option<(OfflineBest, Vec<usize>)>; 3] = [None, None, None];
    for set in combinations(n, usize::from(input.max_stores)) {
        // Cheapest in-stock store of the set per line, ties to the smaller id.
        let mut wins = vec![0usize; set.len()];
        let mut goods = 0i64;
        let mut coverage = 0usize;
        for l in &input.lines {
            let mut pick: Option<(usize, i64)> = None;
            for (pos, &s) in set.iter().enumerate() {
                if let Some(p) = cands[s].prices.get(&l.product).filter(|p| p.in_stock) {
                    let c = p.price_krw * i64::from(l.quantity);
                    if pick.is_none_or(|(_, b)| c < b) {
                        pick = Some((pos, c));
                    }
                }
            }
            if let Some((pos, c)) = pick {
                wins[pos] += 1;
                goods += c;
                coverage += 1;
            }
        }
        if wins.contains(&0) {
            continue;
        }
        // A set is visited in its shortest order (the first one in
        // lexicographic order among equally short ones): no other order is
        // better for any label.
        let mut shortest: Option<(i64, Vec<usize>)> = None;
        for order in permutations(&set) {
            let mut at = origin;
            let mut route = 0;
            for &s in &order {
                route += at.distance_m(cands[s].location);
                at = cands[s].location;
            }
            if input.round_trip {
                route += at.distance_m(origin);
            }
            if shortest.as_ref().is_none_or(|(r, _)| route < *r) {
                shortest = Some((route, order));
            }
        }
        if let Some((route, order)) = shortest {
            if input.max_route_m.is_some_and(|max| route > max) {
                continue;
            }
            let cand = OfflineBest {
                coverage,
                total: goods + travel_cost_krw(route, input.travel_cost_krw_per_km),
                stops: set.len(),
                route_m: route,
                route: order.iter().map(|s| cands[*s].id.clone()).collect(),
            };
            let keys = |b: &OfflineBest| {
                let u = usize::MAX - b.coverage;
                [
                    (u, b.total, 0i64),
                    (u, b.stops as i64, b.total),
                    (u, b.route_m, b.total),
                ]
            };
            for (label, slot) in best.iter_mut().enumerate() {
                let better = slot
                    .as_ref()
                    .is_none_or(|(b, b_set)| (keys(&cand)[label], &set) < (keys(b)[label], b_set));
                if better {
                    *slot = Some((cand.clone(), set.clone()));
                }
            }
        }
    }
    match best {
        [Some(a), Some(b), Some(c)] => Some([a.0, b.0, c.0]),
        _ => None,
    }
}

/// The best (coverage, goods + travel + time value) over every store set
/// and visiting order (`best_value`), or `None` when no set is feasible.
pub fn offline_best_value(input: &OfflineInput, time: &TimeValue) -> Option<(usize, i64)> {
    let origin = input.origin;
    let cands: Vec<&StoreCandidate> = input
        .stores
        .iter()
        .filter(|s| {
            input
                .max_distance_m
                .is_none_or(|max| origin.distance_m(s.location) <= max)
        })
        .collect();
    let mut sorted = cands.clone();
    sorted.sort_by(|a, b| (!a.preferred, &a.id).cmp(&(!b.preferred, &b.id)));
    let mut best: Option<(usize, i64)> = None;
    for set in combinations(sorted.len(), usize::from(input.max_stores)) {
        let mut wins = vec![0usize; set.len()];
        let (mut goods, mut coverage) = (0i64, 0usize);
        for l in &input.lines {
            let mut pick: Option<(usize, i64)> = None;
            for (pos, &s) in set.iter().enumerate() {
                if let Some(p) = sorted[s].prices.get(&l.product).filter(|p| p.in_stock) {
                    let c = p.price_krw * i64::from(l.quantity);
                    if pick.is_none_or(|(_, b)| c < b) {
                        pick = Some((pos, c));
                    }
                }
            }
            if let Some((pos, c)) = pick {
                wins[pos] += 1;
                goods += c;
                coverage += 1;
            }
        }
        if wins.contains(&0) {
            continue;
        }
        for order in permutations(&set) {
            let mut at = origin;
            let mut route = 0;
            for &s in &order {
                route += at.distance_m(sorted[s].location);
                at = sorted[s].location;
            }
            if input.round_trip {
                route += at.distance_m(origin);
            }
            if input.max_route_m.is_some_and(|max| route > max) {
                continue;
            }
            let value = goods
                + travel_cost_krw(route, input.travel_cost_krw_per_km)
                + time.cost_krw(route, set.len());
            let key = (usize::MAX - coverage, value);
            if best.is_none_or(|(c, v)| key < (usize::MAX - c, v)) {
                best = Some((coverage, value));
            }
        }
    }
    best
}

/// (coverage, total, malls used) of the brute-force best for
/// [cheapest, fewest_stops], or `None` when nothing can be bought.
pub fn online(input: &OnlineInput) -> Option<[(usize, i64, usize); 2]> {
    let malls = &input.malls;
    let lines = &input.lines;
    let options: Vec<Vec<Option<usize>>> = lines
        .iter()
        .map(|l| {
            let mut o = vec![None];
            for (j, m) in malls.iter().enumerate() {
                if m.prices.get(&l.product).is_some_and(|p| p.in_stock) {
                    o.push(Some(j));
                }
            }
            o
        })
        .collect();
    let mut best: [Option<(usize, i64, usize)>; 2] = [None; 2];
    let mut choice = vec![0usize; lines.len()];
    loop {
        // Evaluate this assignment.
        let mut g = vec![0i64; malls.len()];
        let mut covered = 0;
        for (i, l) in lines.iter().enumerate() {
            if let Some(j) = options[i][choice[i]] {
                let p = malls[j].prices.get(&l.product).expect("offered");
                g[j] += p.price_krw * i64::from(l.quantity);
                covered += 1;
            }
        }
        let mut ok = true;
        let mut total = 0;
        let mut used = 0;
        for (j, m) in malls.iter().enumerate() {
            if g[j] == 0 {
                continue;
            }
            used += 1;
            if g[j] < m.min_order_krw.unwrap_or(0) {
                ok = false;
            }
            total += g[j] + m.surcharge_krw;
            if m.free_delivery_threshold_krw.is_none_or(|t| g[j] < t) {
                total += m.delivery_fee_krw;
            }
        }
        if ok && covered > 0 {
            let cand = (covered, total, used);
            let u = usize::MAX - covered;
            let k0 = |c: &(usize, i64, usize)| (usize::MAX - c.0, c.1);
            if best[0].is_none_or(|b| (u, total) < k0(&b)) {
                best[0] = Some(cand);
            }
            let k1 = |c: &(usize, i64, usize)| (usize::MAX - c.0, c.2, c.1);
            if best[1].is_none_or(|b| (u, used, total) < k1(&b)) {
                best[1] = Some(cand);
            }
        }
        // Next assignment (odometer).
        let mut i = 0;
        loop {
            if i == lines.len() {
                return match best {
                    [Some(a), Some(b)] => Some([a, b]),
                    _ => None,
                };
            }
            choice[i] += 1;
            if choice[i] < options[i].len() {
                break;
            }
            choice[i] = 0;
            i += 1;
        }
    }
}
