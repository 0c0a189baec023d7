//! The exact search of one online plan: every mall set S and free-delivery
//! aim P, each solved by branch and bound over the lines (see the module
//! above for why it is exact).

use crate::plan::model::MallCandidate;
use crate::plan::prep::INF;

use super::{M, NONE};

#[derive(Debug, Clone)]
pub(super) struct Sol {
    pub(super) value: i64,
    pub(super) uncovered: usize,
    pub(super) assign: Vec<u8>,
}

pub(super) struct Solver<'a> {
    m: usize,
    l: usize,
    /// `cost[j * l + i]`.
    cost: &'a [i64],
    fee: [i64; M],
    threshold: [Option<i64>; M],
    min_order: [i64; M],
    /// Charged once per used mall, never waived.
    surcharge: [i64; M],
    big: i64,
    /// Best solution by number of malls used (index 0 unused).
    pub(super) best: Vec<Option<Sol>>,
}

impl<'a> Solver<'a> {
    pub(super) fn new(malls: &[&MallCandidate], l: usize, cost: &'a [i64]) -> Self {
        let m = malls.len();
        let mut fee = [0; M];
        let mut threshold = [None; M];
        let mut min_order = [0; M];
        let mut surcharge = [0; M];
        for (j, mall) in malls.iter().enumerate() {
            surcharge[j] = mall.surcharge_krw;
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
        let big = dearest + fee[..m].iter().sum::<i64>() + surcharge[..m].iter().sum::<i64>() + 1;
        Self {
            m,
            l,
            cost,
            fee,
            threshold,
            min_order,
            surcharge,
            big,
            best: vec![None; m + 1],
        }
    }

    pub(super) fn value_of(&self, size: usize) -> i64 {
        self.best[size].as_ref().map_or(i64::MAX, |s| s.value)
    }

    pub(super) fn uncovered_of(&self, size: usize) -> usize {
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
            value += gj + self.surcharge[j];
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

    pub(super) fn solve(&mut self) {
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
            fixed += self.surcharge[j];
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
