//! A small Prometheus registry: counters, gauges and fixed-bucket histograms
//! with labels, rendered in the text exposition format 0.0.4.
//!
//! Each family keeps its series in a map behind one mutex; an update is a map
//! lookup and an add, far cheaper than the request it measures. No global
//! state: every server (tests start many per process) owns its registry.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, PoisonError};

/// Name, help text and label names of one metric family.
#[derive(Debug, Clone)]
struct Desc {
    name: &'static str,
    help: &'static str,
    labels: &'static [&'static str],
}

impl Desc {
    /// The series key for these label values: exactly one value per label
    /// name (missing values are empty, extra ones are dropped).
    fn key(&self, values: &[&str]) -> Vec<String> {
        debug_assert_eq!(values.len(), self.labels.len(), "labels of {}", self.name);
        (0..self.labels.len())
            .map(|i| values.get(i).copied().unwrap_or_default().to_owned())
            .collect()
    }

    fn header(&self, out: &mut String, kind: &str) {
        let _ = writeln!(out, "# HELP {} {}", self.name, escape_help(self.help));
        let _ = writeln!(out, "# TYPE {} {kind}", self.name);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `\` and newline escaped, as HELP lines require.
pub fn escape_help(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n")
}

/// `\`, `"` and newline escaped, as label values require.
pub fn escape_label_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A sample value as Prometheus reads it (`+Inf`, `-Inf`, `NaN`, decimals).
pub fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v == f64::INFINITY {
        "+Inf".to_owned()
    } else if v == f64::NEG_INFINITY {
        "-Inf".to_owned()
    } else {
        format!("{v}")
    }
}

/// `{a="x",b="y"}` (with `extra` appended, e.g. `le`), or nothing when empty.
fn label_set(names: &[&str], values: &[String], extra: Option<(&str, &str)>) -> String {
    let mut pairs: Vec<String> = names
        .iter()
        .zip(values)
        .map(|(n, v)| format!("{n}=\"{}\"", escape_label_value(v)))
        .collect();
    if let Some((n, v)) = extra {
        pairs.push(format!("{n}=\"{}\"", escape_label_value(v)));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", pairs.join(","))
    }
}

/// A monotonically increasing count per label set.
#[derive(Debug)]
pub struct Counter {
    desc: Desc,
    series: Mutex<BTreeMap<Vec<String>, u64>>,
}

impl Counter {
    pub fn new(name: &'static str, help: &'static str, labels: &'static [&'static str]) -> Self {
        let series = if labels.is_empty() {
            // A label-less counter is shown (as 0) from the start.
            BTreeMap::from([(Vec::new(), 0)])
        } else {
            BTreeMap::new()
        };
        Self {
            desc: Desc { name, help, labels },
            series: Mutex::new(series),
        }
    }

    pub fn inc(&self, values: &[&str]) {
        self.inc_by(values, 1);
    }

    pub fn inc_by(&self, values: &[&str], n: u64) {
        let key = self.desc.key(values);
        let mut series = lock(&self.series);
        let v = series.entry(key).or_insert(0);
        *v = v.saturating_add(n);
    }

    /// The current count (0 for a label set never incremented).
    pub fn get(&self, values: &[&str]) -> u64 {
        lock(&self.series)
            .get(&self.desc.key(values))
            .copied()
            .unwrap_or(0)
    }

    fn render(&self, out: &mut String) {
        self.desc.header(out, "counter");
        for (values, v) in lock(&self.series).iter() {
            let _ = writeln!(
                out,
                "{}{} {v}",
                self.desc.name,
                label_set(self.desc.labels, values, None)
            );
        }
    }
}

/// A value that goes up and down per label set.
#[derive(Debug)]
pub struct Gauge {
    desc: Desc,
    series: Mutex<BTreeMap<Vec<String>, f64>>,
}

impl Gauge {
    pub fn new(name: &'static str, help: &'static str, labels: &'static [&'static str]) -> Self {
        Self {
            desc: Desc { name, help, labels },
            series: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn set(&self, values: &[&str], v: f64) {
        lock(&self.series).insert(self.desc.key(values), v);
    }

    pub fn add(&self, values: &[&str], delta: f64) {
        *lock(&self.series)
            .entry(self.desc.key(values))
            .or_insert(0.0) += delta;
    }

    /// Forgets a series (e.g. a component that stopped reporting).
    pub fn remove(&self, values: &[&str]) {
        lock(&self.series).remove(&self.desc.key(values));
    }

    pub fn get(&self, values: &[&str]) -> Option<f64> {
        lock(&self.series).get(&self.desc.key(values)).copied()
    }

    fn render(&self, out: &mut String) {
        self.desc.header(out, "gauge");
        for (values, v) in lock(&self.series).iter() {
            let _ = writeln!(
                out,
                "{}{} {}",
                self.desc.name,
                label_set(self.desc.labels, values, None),
                format_value(*v)
            );
        }
    }
}

#[derive(Debug, Clone)]
struct HistogramSeries {
    /// Per bucket (not cumulative); the `+Inf` bucket is `count`.
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

/// Observations counted into fixed buckets per label set.
#[derive(Debug)]
pub struct Histogram {
    desc: Desc,
    /// Upper bounds, ascending, without `+Inf`.
    bounds: &'static [f64],
    series: Mutex<BTreeMap<Vec<String>, HistogramSeries>>,
}

/// Seconds, for HTTP requests: 1 ms to 10 s.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

impl Histogram {
    /// `bounds` must be ascending and finite.
    pub fn new(
        name: &'static str,
        help: &'static str,
        labels: &'static [&'static str],
        bounds: &'static [f64],
    ) -> Self {
        debug_assert!(bounds.windows(2).all(|w| w[0] < w[1]), "{name} buckets");
        Self {
            desc: Desc { name, help, labels },
            bounds,
            series: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn observe(&self, values: &[&str], v: f64) {
        let key = self.desc.key(values);
        // The first bucket whose upper bound holds v; past the last: only +Inf.
        let slot = self.bounds.iter().position(|b| v <= *b);
        let mut series = lock(&self.series);
        let s = series.entry(key).or_insert_with(|| HistogramSeries {
            buckets: vec![0; self.bounds.len()],
            sum: 0.0,
            count: 0,
        });
        if let Some(i) = slot {
            s.buckets[i] += 1;
        }
        s.sum += v;
        s.count += 1;
    }

    /// Observations so far for a label set.
    pub fn count(&self, values: &[&str]) -> u64 {
        lock(&self.series)
            .get(&self.desc.key(values))
            .map_or(0, |s| s.count)
    }

    fn render(&self, out: &mut String) {
        self.desc.header(out, "histogram");
        let name = self.desc.name;
        let labels = self.desc.labels;
        for (values, s) in lock(&self.series).iter() {
            let mut cumulative = 0;
            for (bound, n) in self.bounds.iter().zip(&s.buckets) {
                cumulative += n;
                let le = format_value(*bound);
                let _ = writeln!(
                    out,
                    "{name}_bucket{} {cumulative}",
                    label_set(labels, values, Some(("le", &le)))
                );
            }
            let _ = writeln!(
                out,
                "{name}_bucket{} {}",
                label_set(labels, values, Some(("le", "+Inf"))),
                s.count
            );
            let plain = label_set(labels, values, None);
            let _ = writeln!(out, "{name}_sum{plain} {}", format_value(s.sum));
            let _ = writeln!(out, "{name}_count{plain} {}", s.count);
        }
    }
}

/// Anything the registry can render.
pub enum Family<'a> {
    Counter(&'a Counter),
    Gauge(&'a Gauge),
    Histogram(&'a Histogram),
}

/// Renders families in order, each with its `# HELP` and `# TYPE` lines.
pub fn render(families: &[Family<'_>]) -> String {
    let mut out = String::with_capacity(8 * 1024);
    for f in families {
        match f {
            Family::Counter(c) => c.render(&mut out),
            Family::Gauge(g) => g.render(&mut out),
            Family::Histogram(h) => h.render(&mut out),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_with_inf_sum_and_count() {
        let h = Histogram::new("t_seconds", "help", &["route"], &[0.125, 0.5, 1.0]);
        for v in [0.0625, 0.125, 0.25, 0.75, 2.0, 3.0] {
            h.observe(&["/a"], v);
        }
        let out = render(&[Family::Histogram(&h)]);
        let want = "\
# HELP t_seconds help
# TYPE t_seconds histogram
t_seconds_bucket{route=\"/a\",le=\"0.125\"} 2
t_seconds_bucket{route=\"/a\",le=\"0.5\"} 3
t_seconds_bucket{route=\"/a\",le=\"1\"} 4
t_seconds_bucket{route=\"/a\",le=\"+Inf\"} 6
t_seconds_sum{route=\"/a\"} 6.1875
t_seconds_count{route=\"/a\"} 6
";
        assert_eq!(out, want);
        assert_eq!(h.count(&["/a"]), 6);
        assert_eq!(h.count(&["/b"]), 0);
    }

    #[test]
    fn label_values_and_help_are_escaped() {
        let c = Counter::new("t_total", "a \\ help\nline", &["path"]);
        c.inc(&["a\"b\\c\nd"]);
        let out = render(&[Family::Counter(&c)]);
        assert!(out.contains("# HELP t_total a \\\\ help\\nline\n"), "{out}");
        assert!(
            out.contains("t_total{path=\"a\\\"b\\\\c\\nd\"} 1\n"),
            "{out}"
        );
        // Non-ASCII passes untouched (the format is UTF-8).
        c.inc(&["장보기"]);
        assert!(render(&[Family::Counter(&c)]).contains("t_total{path=\"장보기\"} 1"));
    }

    #[test]
    fn counters_gauges_and_labels() {
        let plain = Counter::new("p_total", "h", &[]);
        assert!(render(&[Family::Counter(&plain)]).contains("\np_total 0\n"));
        plain.inc_by(&[], 3);
        assert_eq!(plain.get(&[]), 3);

        let c = Counter::new("c_total", "h", &["a", "b"]);
        c.inc(&["x", "y"]);
        c.inc(&["x", "y"]);
        c.inc(&["x", "z"]);
        assert_eq!(c.get(&["x", "y"]), 2);
        let out = render(&[Family::Counter(&c)]);
        assert!(out.contains("c_total{a=\"x\",b=\"y\"} 2\n"), "{out}");
        assert!(out.contains("c_total{a=\"x\",b=\"z\"} 1\n"), "{out}");
        assert!(out.starts_with("# HELP c_total h\n# TYPE c_total counter\n"));

        let g = Gauge::new("g", "h", &["k"]);
        g.set(&["a"], 1.5);
        g.add(&["a"], 1.0);
        g.set(&["inf"], f64::INFINITY);
        g.set(&["nan"], f64::NAN);
        assert_eq!(g.get(&["a"]), Some(2.5));
        let out = render(&[Family::Gauge(&g)]);
        assert!(out.contains("g{k=\"a\"} 2.5\n"), "{out}");
        assert!(out.contains("g{k=\"inf\"} +Inf\n"), "{out}");
        assert!(out.contains("g{k=\"nan\"} NaN\n"), "{out}");
        g.remove(&["a"]);
        assert_eq!(g.get(&["a"]), None);
    }

    #[test]
    fn values_format_like_prometheus() {
        assert_eq!(format_value(1.0), "1");
        assert_eq!(format_value(0.005), "0.005");
        assert_eq!(format_value(-2.5), "-2.5");
        assert_eq!(format_value(f64::NEG_INFINITY), "-Inf");
        assert_eq!(format_value(1_700_000_000.25), "1700000000.25");
    }

    #[test]
    fn concurrent_updates_are_all_counted() {
        let c = std::sync::Arc::new(Counter::new("x_total", "h", &["t"]));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let c = c.clone();
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        c.inc(&["a"]);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        assert_eq!(c.get(&["a"]), 4000);
    }
}
