#!/usr/bin/env bash
# Plans at national scale (issue 16): a generated 참가격-shaped catalog of
# 10,000 stores × 1,000 products (≈ 6.2 M current offers) plus two older
# survey days (≈ 18.5 M offer rows), a 30-line basket, 20 concurrent clients
# (wrk, 2 threads, --latency), release build, SQLite (the default backend):
#
#   k3_3km   k = 3 within 3 km of 강남역      (target p99 ≤ 50 ms)
#   k3_30km  k = 3 within 30 km, by car       (target p99 ≤ 150 ms)
#   k5_3km   k = 5 within 3 km                (target p99 ≤ 150 ms)
#
# then how one plan's time grows with the stores in reach (one client; k = 3
# up to 3 km, k = 1 — almost no engine work — up to 30 km), and the server's
# resident memory (target ≤ 300 MB).
# Every shopper travels by car with a 120-minute budget (a 60 km route
# limit), so the limit never binds inside the radius (the hardest case).
#
#   scripts/bench/bench-scale.sh                      # 20 s per scenario
#   DURATION=30s CONNECTIONS=20 SCENARIOS="k3_3km k5_3km" scripts/bench/bench-scale.sh
#   STORES=2000 PRODUCTS=300 scripts/bench/bench-scale.sh   # a smaller catalog
#
# The catalog is generated once by scripts/bench/gen-catalog.py (a few
# minutes) into target/bench-catalog/ (never tracked) and copied for each run.
# CPU-heavy for its duration: run it on a quiet machine. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/loopback.sh

DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-20}"
THREADS="${THREADS:-2}"
WORKERS="${HTTP_WORKERS:-2}"
STORES="${STORES:-10000}"
PRODUCTS="${PRODUCTS:-1000}"
DAYS="${DAYS:-3}"
LINES="${LINES:-30}"
SCENARIOS="${SCENARIOS:-k3_3km k3_30km k5_3km}"
# k:radius pairs of the growth table (one client, sequential requests).
GROWTH="${GROWTH:-3:1000 3:2000 3:3000 1:3000 1:10000 1:20000 1:30000}"
REPS="${REPS:-5}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${BIN:-$TARGET/release/ttokjang}"
CACHE_DIR="${CATALOG_CACHE_DIR:-$TARGET/bench-catalog}"
CATALOG="$CACHE_DIR/catalog-${STORES}x${PRODUCTS}x${DAYS}.db"

need_load_tools
release_binary

if [ ! -s "$CATALOG" ]; then
  mkdir -p "$CACHE_DIR"
  rm -f "$CATALOG.tmp"
  echo "generating $CATALOG (once)…" >&2
  DATABASE_URL="sqlite://$CATALOG.tmp" DATA_DIR="$CACHE_DIR" RUST_LOG=warn "$BIN" migrate >&2
  python3 scripts/bench/gen-catalog.py sqlite "$CATALOG.tmp" \
    --stores "$STORES" --products "$PRODUCTS" --days "$DAYS"
  mv "$CATALOG.tmp" "$CATALOG"
fi

loopback_setup
cp "$CATALOG" "$WORK/bench.db"
DB_URL="sqlite://$WORK/bench.db"

start_server 300 env DATA_DIR="$WORK" BIND_ADDR="127.0.0.1:$PORT" WEB_DIST=/nonexistent \
  DATABASE_URL="$DB_URL" SAMPLE_DATA=false DEMO_ACCOUNT=false INVITES_REQUIRED=false \
  REGISTER_MAX_PER_ADDRESS=100000 REGISTER_MAX_GLOBAL=100000 ACCESS_TOKEN_TTL_S=3600 \
  HTTP_WORKERS="$WORKERS" RUST_LOG=warn "$BIN" serve

password="bench correct horse $RANDOM$RANDOM"
email="scale$RANDOM@example.com"
curl -fsS -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\",\"display_name\":\"bench\"}" \
  "$BASE/api/v1/auth/register" >/dev/null
TOKEN="$(curl -fsS -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$BASE/api/v1/auth/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
curl -fsS -X PUT -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"max_stores":3,"max_distance_m":3000,"travel_cost_krw_per_km":500,"preferred_chains":[],"excluded_chains":[],"default_mode":"offline","travel_mode":"car","max_travel_minutes":120}' \
  "$BASE/api/v1/preferences" >/dev/null

# One body per scenario: the same 30 products (a fixed draw) around 강남역.
python3 - "$WORK" "$LINES" "$PRODUCTS" <<'PY'
import json, random, sys
work, lines, products = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(16)
chosen = rng.sample(range(1, products + 1), lines)
basket = [{"id": f"l{i}", "product_id": f"kca-P{p:04d}", "name": f"벤치 상품 {p}",
           "quantity": 1 + i % 3} for i, p in enumerate(chosen, 1)]
def body(k, radius):
    return json.dumps({"basket": basket, "location": {"lat": 37.4979, "lng": 127.0276},
                       "max_stores": k, "max_distance_m": radius}, ensure_ascii=False)
for name, k, radius in [("k3_3km", 3, 3000), ("k3_30km", 3, 30000), ("k5_3km", 5, 3000)]:
    open(f"{work}/{name}.json", "w").write(body(k, radius))
for k in (1, 2, 3, 4, 5):
    for radius in range(1000, 30001, 1000):
        open(f"{work}/growth-{k}-{radius}.json", "w").write(body(k, radius))
PY

rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER_PID/status"; }
peak_mb() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER_PID/status"; }

plan() { # body file → the answer, checked to be 200; its time in $WORK/time.txt
  local status
  status="$(curl -s -o "$WORK/answer.json" -w '%{http_code}' -H "authorization: Bearer $TOKEN" \
    -H 'content-type: application/json' --data-binary "@$1" "$BASE/api/v1/offline/plans/generate")"
  if [ "$status" != 200 ]; then
    echo "plan generation answered $status:" >&2; head -c 600 "$WORK/answer.json" >&2; exit 1
  fi
}

echo "server RSS after start: $(rss_mb) MB" >&2
: >"$WORK/summary.txt"
for name in $SCENARIOS; do
  # One request by hand first (also warms the caches), summarised; then one
  # more, timed alone (the figure when the load run cannot finish requests).
  plan "$WORK/$name.json"
  alone="$(curl -s -o /dev/null -w '%{time_total}' -H "authorization: Bearer $TOKEN" \
    -H 'content-type: application/json' --data-binary "@$WORK/$name.json" "$BASE/api/v1/offline/plans/generate")"
  echo "$name alone: ${alone}s" >&2
  python3 - "$name" "$WORK/answer.json" <<'PY' >&2
import json, sys
name, a = sys.argv[1], json.load(open(sys.argv[2]))
print(f"{name}: " + "; ".join(
    f"{p['label']}: {len(p['stops'])} stops, {p['distance_m']} m, {p['total_krw']}원, "
    f"{len(p['missing_items'])} missing" for p in a["plans"]) + f"; meta {json.dumps(a.get('meta', {}), ensure_ascii=False)[:300]}")
PY
  printf 'wrk.method = "POST"\nwrk.body = [==[%s]==]\n' "$(cat "$WORK/$name.json")" >"$WORK/$name.lua"
  printf 'wrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\n' \
    "$TOKEN" >>"$WORK/$name.lua"
  echo "== $name: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency" >&2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 30s --latency -s "$WORK/$name.lua" \
    "$BASE/api/v1/offline/plans/generate" | tee "$WORK/$name.txt" >&2
  echo "$name $(rss_mb) $(peak_mb) $alone" >>"$WORK/summary.txt"
  # Let the server finish what wrk left queued before the next phase.
  for _ in $(seq 1 120); do curl -fsS -m 1 "$BASE/healthz" >/dev/null 2>&1 && break; sleep 1; done
  sleep "${DRAIN_S:-5}"
done

# How one plan's time grows with the stores in reach: one client, k = 3.
python3 - "$BASE" "$TOKEN" "$WORK" "$GROWTH" "$REPS" <<'PY' >"$WORK/growth.txt"
import json, math, sqlite3, statistics, sys, time, urllib.request
base, token, work, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[5])
pairs = [tuple(int(x) for x in p.split(":")) for p in sys.argv[4].split()]
db = sqlite3.connect(f"file:{work}/bench.db?mode=ro", uri=True)
stores = db.execute("SELECT lat, lng FROM stores WHERE kind = 'offline'").fetchall()
def dist(lat, lng):
    p1, p2 = math.radians(37.4979), math.radians(lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng - 127.0276) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))
print(f"{'k':>2} {'radius':>8} {'stores':>7} {'p50 ms':>9} {'max ms':>9} {'catalog+engine p50 ms':>22} {'answer KB':>10}")
for k, r in pairs:
    body = open(f"{work}/growth-{k}-{r}.json", "rb").read()
    req = lambda: urllib.request.Request(f"{base}/api/v1/offline/plans/generate", data=body, headers={
        "authorization": f"Bearer {token}", "content-type": "application/json"})
    times, inner, size = [], [], 0
    for i in range(reps + 1):
        t = time.perf_counter()
        raw = urllib.request.urlopen(req(), timeout=600).read()
        if i >= 1:
            times.append((time.perf_counter() - t) * 1000)
            a = json.loads(raw)
            inner += [s["latency_ms"] for s in a["meta"]["sources"] if s.get("id") == "catalog"]
            size = len(raw)
    n = sum(1 for lat, lng in stores if dist(lat, lng) <= r)
    print(f"{k:>2} {r:>8} {n:>7} {statistics.median(times):>9.1f} {max(times):>9.1f} "
          f"{statistics.median(inner) if inner else float('nan'):>22.1f} {size / 1024:>10.1f}")
PY
cat "$WORK/growth.txt" >&2

# Stored answer size: plan requests as written by this run.
python3 - "$WORK/bench.db" <<'PY' >&2
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
n, z, raw = db.execute("SELECT COUNT(*), AVG(LENGTH(payload_deflate)), AVG(LENGTH(payload)) FROM plan_requests").fetchone()
print(f"stored plan requests: {n}, average deflated answer {z or 0:.0f} bytes (JSON column {raw or 0:.0f} bytes)")
PY

python3 - "$WORK" "$SCENARIOS" "$CONNECTIONS" "$THREADS" "$DURATION" "$WORKERS" "$(peak_mb)" <<'PY'
import re, sys
work, scenarios, c, t, d, w, peak = sys.argv[1:8]
def ms(v):
    n, unit = re.match(r"([0-9.]+)(us|ms|s|m)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
targets = {"k3_3km": 50, "k3_30km": 150, "k5_3km": 150}
rss = {l.split()[0]: l.split()[1:] for l in open(f"{work}/summary.txt")}
print(f"\nscale benchmark: {c} connections, {t} wrk threads, {d} each, {w} server workers, loopback")
print(f"{'scenario':<10} {'p50 ms':>9} {'p99 ms':>9} {'target':>8} {'plans/s':>9} {'non-2xx':>8} {'RSS MB':>7} {'alone ms':>9}")
bad = 0
for name in scenarios.split():
    text = open(f"{work}/{name}.txt").read()
    pct = {p: ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    non2xx = int(non2xx.group(1)) if non2xx else 0
    bad += non2xx
    print(f"{name:<10} {pct['50']:>9.1f} {pct['99']:>9.1f} {'≤ ' + str(targets.get(name, '-')):>8} "
          f"{rps:>9.1f} {non2xx:>8} {rss[name][0]:>7} {float(rss[name][2]) * 1000:>9.0f}")
print(f"server peak RSS (VmHWM) {peak} MB (target ≤ 300 MB)")
print(open(f"{work}/growth.txt").read())
if bad:
    sys.exit("some answers were not 2xx: see above")
PY
