#!/usr/bin/env bash
# Checks docs/ops/: the Grafana dashboard is valid JSON of the right shape, the
# Prometheus rule file is valid YAML of the right shape, every metric they name
# is one the app exports (app/src/metrics.rs, the metrics adapter), PromQL brackets
# balance, and every alert's runbook anchor exists in docs/RUNBOOK.md.
# Runs `promtool check rules` as well when promtool is installed.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! python3 -c 'import yaml' 2>/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq python3-yaml >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq python3-yaml >/dev/null; }
  fi
fi

python3 - <<'PY'
import json, re, sys, yaml

errors = []
def fail(msg):
    errors.append(msg)

src = open("app/src/metrics.rs", encoding="utf-8").read()
# The names are constants: const NAME: &str = "ttokjang_…";
consts = dict(re.findall(r'const ([A-Z_]+): &str = "(ttokjang_[a-z0-9_]+)";', src))
known = set(consts.values())
# HISTOGRAMS lists (NAME, BUCKETS) pairs.
hist_block = re.search(r'const HISTOGRAMS: [^=]*= &\[(.*?)\];', src, re.S)
histograms = {consts[n] for n in re.findall(r'\(([A-Z_]+),', hist_block.group(1))} if hist_block else set()
if len(histograms) < 3:
    fail(f"found only {len(histograms)} histograms in app/src/metrics.rs")
for h in histograms:
    known |= {h + "_bucket", h + "_sum", h + "_count"}
if len(known) < 15:
    fail(f"found only {len(known)} metric names in app/src/metrics.rs")

def check_expr(where, expr):
    for name in re.findall(r'\bttokjang_[a-z0-9_]+', expr):
        if name not in known:
            fail(f"{where}: unknown metric {name}")
    # Label names inside selectors, e.g. {route=...}, are not metrics.
    depth = {"(": 0, "{": 0, "[": 0}
    pairs = {")": "(", "}": "{", "]": "["}
    in_str = False
    for i, c in enumerate(expr):
        if c == '"' and (i == 0 or expr[i - 1] != "\\"):
            in_str = not in_str
        if in_str:
            continue
        if c in depth:
            depth[c] += 1
        elif c in pairs:
            depth[pairs[c]] -= 1
            if depth[pairs[c]] < 0:
                fail(f"{where}: unbalanced {c}")
    if any(depth.values()) or in_str:
        fail(f"{where}: unbalanced brackets or quotes")

# --- dashboard --------------------------------------------------------------
with open("docs/ops/grafana-dashboard.json", encoding="utf-8") as f:
    dash = json.load(f)
for key in ("title", "uid", "panels", "schemaVersion", "templating"):
    if key not in dash:
        fail(f"dashboard: missing {key}")
ids = set()
exprs = 0
for p in dash.get("panels", []):
    if p.get("id") in ids:
        fail(f"dashboard: duplicate panel id {p.get('id')}")
    ids.add(p.get("id"))
    gp = p.get("gridPos", {})
    if not all(k in gp for k in "hwxy") or gp["x"] + gp["w"] > 24:
        fail(f"dashboard: panel {p.get('title')} has a bad gridPos {gp}")
    if p.get("type") == "row":
        continue
    if not p.get("targets"):
        fail(f"dashboard: panel {p.get('title')} has no query")
    for t in p.get("targets", []):
        exprs += 1
        check_expr(f"dashboard panel {p.get('title')!r}", t.get("expr", ""))
wanted = ["request rate", "error rate", "latency p50", "latency p95", "latency p99",
          "plan generation latency", "degraded", "price source", "login failures",
          "scheduler lag", "db pool", "price sync age", "price sync calls"]
titles = " | ".join(p.get("title", "").lower() for p in dash.get("panels", []))
for w in wanted:
    if w not in titles:
        fail(f"dashboard: no panel about {w!r}")

# --- alert rules ------------------------------------------------------------
with open("docs/ops/prometheus-alerts.yml", encoding="utf-8") as f:
    rules = yaml.safe_load(f)
runbook = open("docs/RUNBOOK.md", encoding="utf-8").read()
anchors = {re.sub(r"[^a-z0-9 _-]", "", h.strip().lower()).replace(" ", "-")
           for h in re.findall(r"^#+ (.+)$", runbook, re.M)}
duration = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")
names = []
for g in rules.get("groups", []):
    if not g.get("name") or not g.get("rules"):
        fail(f"rules: group without name or rules: {g}")
    for r in g.get("rules", []):
        name = r.get("alert")
        if not name:
            fail(f"rules: a rule without alert in {g.get('name')}")
            continue
        names.append(name)
        extra = set(r) - {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
        if extra:
            fail(f"{name}: unknown keys {extra}")
        if not isinstance(r.get("expr"), str) or not r["expr"].strip():
            fail(f"{name}: no expr")
        else:
            check_expr(name, r["expr"])
        if "for" in r and not duration.match(str(r["for"])):
            fail(f"{name}: bad for {r['for']!r}")
        if r.get("labels", {}).get("severity") not in ("page", "warn", "info"):
            fail(f"{name}: severity must be page, warn or info")
        ann = r.get("annotations", {})
        if not ann.get("summary"):
            fail(f"{name}: no summary")
        anchor = ann.get("runbook", "").partition("#")[2]
        if anchor not in anchors:
            fail(f"{name}: runbook anchor #{anchor} not in docs/RUNBOOK.md")
if len(names) != len(set(names)):
    fail("rules: duplicate alert names")
for required in ["TtokjangHighErrorRate", "TtokjangPlanLatencyHigh", "TtokjangSchedulerLagging",
                 "TtokjangSchedulerHeartbeatStale", "TtokjangLoginFailureSpike",
                 "TtokjangNotReady", "TtokjangTargetDown", "TtokjangPriceSourceTimeouts",
                 "TtokjangPriceSyncStale"]:
    if required not in names:
        fail(f"rules: missing {required}")

if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print(f"ops docs ok: {len(ids)} panels, {exprs} queries, {len(names)} alerts, {len(known)} metric names")
PY

if command -v promtool >/dev/null; then
  promtool check rules docs/ops/prometheus-alerts.yml
fi
