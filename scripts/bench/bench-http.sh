#!/usr/bin/env bash
# HTTP load benchmark on loopback, one endpoint after the other in one run,
# each with wrk (50 connections, 2 threads, --latency) against a release build
# over a fresh database (SQLite unless DATABASE_URL says otherwise) holding the
# sample catalog:
#   - `GET /healthz`: the framework's floor;
#   - `GET /api/v1/auth/me`: the floor of a signed-in request (token and
#     session check);
#   - `POST /api/v1/offline/plans/generate` with 30 sample products and the
#     default preferences (a shopper on foot near 강남역);
#   - the same route on issue #3's instance: 30 lines, exactly 40 candidate
#     stores, k = 3, no binding route limit (car, 60 min), from a generated
#     참가격-shaped file loaded with `ttokjang import prices`;
#   - `POST /api/v1/online/plans/generate` with the sample basket.
# Prints p50/p99 latency and requests/s of each, and the ratios.
# Issue #3's targets: the 40-store plan at p99 ≤ 50 ms, ≥ 25 % of /healthz.
#
#   scripts/bench/bench-http.sh              # 15 s per endpoint
#   DURATION=30s CONNECTIONS=100 THREADS=2 HTTP_WORKERS=2 scripts/bench/bench-http.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttokjang_bench scripts/bench/bench-http.sh
#
# CPU-heavy for its duration: run it on a quiet machine. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/loopback.sh

DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-50}"
THREADS="${THREADS:-2}"
WORKERS="${HTTP_WORKERS:-2}"
LINES="${LINES:-30}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${BIN:-$TARGET/release/ttokjang}"

need_load_tools
release_binary

loopback_setup

# Issue #3's instance: 40 stores (8 LM, 24 SM, 4 TM, 4 DP) scattered within
# 2.8 km of 잠실역 — about 6 km from the sample shops, so no sample shop is a
# candidate there — and 40 products, each carried with a probability by store
# type and priced ±25 % around a base price. Fixed seed: the same file every run.
python3 - "$WORK/bench40.csv" <<'PY'
import math, random, sys
rng = random.Random(20261124)
lat0, lng0 = 37.5133, 127.1001
types = ["LM"] * 8 + ["SM"] * 24 + ["TM"] * 4 + ["DP"] * 4
carry = {"LM": 0.95, "SM": 0.7, "TM": 0.5, "DP": 0.6}
units = [("EA", 1), ("G", 500), ("ML", 1000)]
products = [(f"B{p:04d}", f"벤치 상품 {p}", *units[p % 3], rng.randint(10, 150) * 100)
            for p in range(1, 41)]
rows = ["store_id,store_name,store_type,address,lat,lng,product_id,product_name,unit,size,inspection_day,price,discount"]
for i, kind in enumerate(types, 1):
    r, a = 2800 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
    lat = lat0 + r * math.cos(a) / 111_320
    lng = lng0 + r * math.sin(a) / (111_320 * math.cos(math.radians(lat0)))
    for pid, name, unit, size, base in products:
        if rng.random() < carry[kind]:
            price = max(10, round(base * (0.75 + 0.5 * rng.random()) / 10) * 10)
            rows.append(f"{kind}{i:04d},벤치 {kind} {i}호점,{kind},서울 송파구 벤치로 {i},"
                        f"{lat:.6f},{lng:.6f},{pid},{name},{unit},{size},2026-11-20,{price},N")
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
PY

# Request logs at info would measure the terminal; warn keeps errors visible.
start_server 100 env DATA_DIR="$WORK" BIND_ADDR="127.0.0.1:$PORT" WEB_DIST=/nonexistent \
  DATABASE_URL="${DATABASE_URL:-sqlite://$WORK/bench.db}" \
  SAMPLE_DATA=true DEMO_ACCOUNT=false INVITES_REQUIRED=false \
  ACCESS_TOKEN_TTL_S=3600 HTTP_WORKERS="$WORKERS" RUST_LOG=warn \
  "$BIN" serve
# Imported once the server has loaded the sample catalog (it does so only
# into an empty catalog), by the operator's command, as in production.
env DATA_DIR="$WORK" DATABASE_URL="${DATABASE_URL:-sqlite://$WORK/bench.db}" RUST_LOG=warn \
  "$BIN" import prices "$WORK/bench40.csv" >"$WORK/import.log" 2>&1 || { cat "$WORK/import.log" >&2; exit 1; }

signup() { # e-mail → an access token (one hour, for the whole run)
  local password="loadtest correct horse $RANDOM$RANDOM"
  curl -fsS -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$password\",\"display_name\":\"bench\"}" \
    "$BASE/api/v1/auth/register" >/dev/null
  curl -fsS -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$password\"}" "$BASE/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
# Two shoppers: one with the default preferences, one set up for the target.
TOKEN="$(signup "wrk$RANDOM@example.com")"
TOKEN40="$(signup "wrk40-$RANDOM@example.com")"

# A basket of $LINES sample products: ids from the catalog API (searched by
# everyday words, since the product list wants a query).
python3 - "$BASE" "$LINES" "$TOKEN" "$WORK/body.json" <<'PY'
import json, sys, urllib.parse, urllib.request
base, lines, token, body_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
words = ["우유", "계란", "두부", "라면", "쌀", "사과", "김치", "바나나", "양파", "대파", "감자",
         "커피", "생수", "식빵", "치즈", "요거트", "돼지", "닭", "소고기", "참치", "햄", "고추장",
         "된장", "간장", "설탕", "밀가루", "과자", "주스", "맥주", "휴지", "세제", "샴푸"]
chosen, seen = [], set()
for w in words:
    url = f"{base}/api/v1/catalog/products?limit=5&q={urllib.parse.quote(w)}"
    req = urllib.request.Request(url, headers={"authorization": f"Bearer {token}"})
    for p in json.load(urllib.request.urlopen(req))["items"]:
        if p["id"] not in seen and len(chosen) < lines:
            seen.add(p["id"])
            chosen.append(p)
            break
if len(chosen) < lines:
    sys.exit(f"found only {len(chosen)} distinct products for a {lines}-line basket")
body = json.dumps({"basket": [
    {"id": f"l{i+1}", "product_id": p["id"], "name": p["name"], "quantity": 1 + i % 3}
    for i, p in enumerate(chosen)]}, ensure_ascii=False)
open(body_path, "w").write(body)
PY

# The target instance: car, 60 minutes (a 30 km route limit, never binding
# within 3 km), k = 3, 3 km around 잠실역, 30 lines of the imported products.
curl -fsS -X PUT -H "authorization: Bearer $TOKEN40" -H 'content-type: application/json' \
  -d '{"max_stores":3,"max_distance_m":3000,"travel_cost_krw_per_km":500,"preferred_chains":[],"excluded_chains":[],"default_mode":"offline","travel_mode":"car","max_travel_minutes":60}' \
  "$BASE/api/v1/preferences" >/dev/null
CANDIDATES="$(curl -fsS -H "authorization: Bearer $TOKEN" \
  "$BASE/api/v1/catalog/stores?kind=offline&lat=37.5133&lng=127.1001&radius_m=3000&limit=100" |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')"
[ "$CANDIDATES" = 40 ] || { echo "expected 40 candidate stores around 잠실역, found $CANDIDATES" >&2; exit 1; }
python3 - "$WORK/body40.json" <<'PY'
import json, sys
body_path = sys.argv[1]
body = json.dumps({
    "basket": [{"id": f"l{i}", "product_id": f"kca-B{i:04d}", "name": f"벤치 상품 {i}",
                "quantity": 1 + i % 3} for i in range(1, 31)],
    "location": {"lat": 37.5133, "lng": 127.1001},
    "max_stores": 3, "max_distance_m": 3000}, ensure_ascii=False)
open(body_path, "w").write(body)
PY

post_script() { # body file, token → a wrk script POSTing that body as that shopper
  printf 'wrk.method = "POST"\nwrk.body = [==[%s]==]\n' "$(cat "$1")"
  printf 'wrk.headers["Content-Type"] = "application/json"\n'
  printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$2"
}
post_script "$WORK/body.json" "$TOKEN" >"$WORK/plan.lua"
post_script "$WORK/body40.json" "$TOKEN40" >"$WORK/plan40.lua"

# One request of each by hand first: the plan endpoint must answer 200 (not
# 4xx/5xx); what it answers is summarised (the instance must not be trivial).
for case in "plan:$TOKEN:body.json:offline" "plan40:$TOKEN40:body40.json:offline" \
  "online:$TOKEN:body.json:online"; do
  IFS=: read -r name token body mode <<<"$case"
  STATUS="$(curl -s -o "$WORK/first-$name.json" -w '%{http_code}' -H "authorization: Bearer $token" \
    -H 'content-type: application/json' --data-binary "@$WORK/$body" "$BASE/api/v1/$mode/plans/generate")"
  if [ "$STATUS" != 200 ]; then
    echo "plan generation ($name) answered $STATUS:" >&2; head -c 600 "$WORK/first-$name.json" >&2; exit 1
  fi
  python3 - "$name" "$WORK/first-$name.json" <<'PY' >&2
import json, sys
name, a = sys.argv[1], json.load(open(sys.argv[2]))
print(f"{name}: {len(a['plans'])} plans; " + "; ".join(
    f"{p['label']}: {len(p['stops'])} stops, {p['distance_m']} m, {p['total_krw']}원, "
    f"{len(p['missing_items'])} missing" for p in a["plans"]))
PY
done

run() { # name, extra wrk args…
  local name="$1"; shift
  echo "== $name: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $*" >&2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency "$@" | tee "$WORK/$name.txt" >&2
}
cat >"$WORK/me.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
run healthz "$BASE/healthz"
run me -s "$WORK/me.lua" "$BASE/api/v1/auth/me"
run plan -s "$WORK/plan.lua" "$BASE/api/v1/offline/plans/generate"
run plan40 -s "$WORK/plan40.lua" "$BASE/api/v1/offline/plans/generate"
run online -s "$WORK/plan.lua" "$BASE/api/v1/online/plans/generate"

python3 - "$WORK/healthz.txt" "$WORK/me.txt" "$WORK/plan.txt" "$WORK/plan40.txt" "$WORK/online.txt" "$LINES" "$CONNECTIONS" "$THREADS" "$DURATION" "$WORKERS" <<'PY'
import re, sys
def ms(v):
    n, unit = re.match(r"([0-9.]+)(us|ms|s|m)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
def read(path):
    t = open(path).read()
    pct = {p: ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", t, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", t).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    errs = re.search(r"Socket errors: (.*)", t)
    return pct, rps, int(bad.group(1)) if bad else 0, errs.group(1) if errs else "none"
h, m, p, q, o = (read(a) for a in sys.argv[1:6])
lines, c, t, d, w = sys.argv[6:11]
print(f"\nHTTP benchmark: {c} connections, {t} wrk threads, {d} each, {w} server workers, loopback")
print(f"{'endpoint':<44} {'p50 ms':>9} {'p99 ms':>9} {'req/s':>10} {'non-2xx':>8}")
rows = [("GET /healthz", h), ("GET /auth/me (token + session check)", m),
        (f"plan: sample, {lines} lines, defaults", p),
        ("plan: 30 lines, 40 stores, k=3, car", q),
        (f"online plan: sample malls, {lines} lines", o)]
for name, (pct, rps, bad, errs) in rows:
    print(f"{name:<44} {pct['50']:>9.2f} {pct['99']:>9.2f} {rps:>10.0f} {bad:>8}")
print(f"throughput as a share of /healthz: /auth/me {100 * m[1] / h[1]:.1f} %, "
      f"sample plan {100 * p[1] / h[1]:.1f} %, 40-store plan {100 * q[1] / h[1]:.1f} %")
print(f"40-store plan against /healthz: p50 {q[0]['50'] / h[0]['50']:.1f}x, p99 {q[0]['99'] / h[0]['99']:.1f}x")
if any(r[2] for r in (h, m, p, q, o)):
    sys.exit("some answers were not 2xx: see above")
PY
