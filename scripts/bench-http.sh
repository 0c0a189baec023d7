#!/usr/bin/env bash
# HTTP load benchmark on loopback: `GET /healthz` (the framework's floor),
# `GET /api/v1/auth/me` (the floor of any signed-in request: token and
# session check) and `POST /api/v1/offline/plans/generate` with a 30-line
# basket of sample products, each with wrk (50 connections, 2 threads, --latency), against a
# release build over a fresh SQLite database with the sample catalog.
# Prints p50/p99 latency and requests/s of each, and the ratios.
#
#   scripts/bench-http.sh              # 15 s per endpoint
#   DURATION=30s CONNECTIONS=100 THREADS=2 HTTP_WORKERS=2 scripts/bench-http.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttokjang_bench scripts/bench-http.sh
#
# CPU-heavy for its duration: run it on a quiet machine. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-50}"
THREADS="${THREADS:-2}"
WORKERS="${HTTP_WORKERS:-2}"
LINES="${LINES:-30}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${BIN:-$TARGET/release/ttokjang}"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)…"
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
  else
    sudo apt-get install -y -qq wrk
  fi
fi
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release --locked -p ttokjang
fi
[ -x "$BIN" ] || { echo "no release binary at $BIN" >&2; exit 1; }

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Request logs at info would measure the terminal; warn keeps errors visible.
env DATA_DIR="$WORK" BIND_ADDR="127.0.0.1:$PORT" WEB_DIST=/nonexistent \
  DATABASE_URL="${DATABASE_URL:-sqlite://$WORK/bench.db}" \
  SAMPLE_DATA=true DEMO_ACCOUNT=false INVITES_REQUIRED=false \
  ACCESS_TOKEN_TTL_S=3600 HTTP_WORKERS="$WORKERS" RUST_LOG=warn \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$BASE/readyz" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

EMAIL="wrk$RANDOM@example.com"
PASSWORD="loadtest correct horse $RANDOM$RANDOM"
curl -fsS -H 'content-type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"display_name\":\"bench\"}" \
  "$BASE/api/v1/auth/register" >/dev/null
TOKEN="$(curl -fsS -H 'content-type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

# A basket of $LINES sample products: ids from the catalog API (searched by
# everyday words, since the product list wants a query).
python3 - "$BASE" "$LINES" "$TOKEN" "$WORK/plan.lua" "$WORK/body.json" <<'PY'
import json, sys, urllib.parse, urllib.request
base, lines, token, lua, body_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
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
open(lua, "w").write(f"""
wrk.method = "POST"
wrk.body = [==[{body}]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
""")
PY

# One request by hand first: the plan endpoint must answer 200 (not 4xx/5xx).
STATUS="$(curl -s -o "$WORK/first.json" -w '%{http_code}' -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' --data-binary "@$WORK/body.json" "$BASE/api/v1/offline/plans/generate")"
if [ "$STATUS" != 200 ]; then
  echo "plan generation answered $STATUS:" >&2; head -c 600 "$WORK/first.json" >&2; exit 1
fi

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

python3 - "$WORK/healthz.txt" "$WORK/me.txt" "$WORK/plan.txt" "$LINES" "$CONNECTIONS" "$THREADS" "$DURATION" "$WORKERS" <<'PY'
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
h, m, p = read(sys.argv[1]), read(sys.argv[2]), read(sys.argv[3])
lines, c, t, d, w = sys.argv[4:9]
print(f"\nHTTP benchmark: {c} connections, {t} wrk threads, {d} each, {w} server workers, loopback")
print(f"{'endpoint':<44} {'p50 ms':>9} {'p99 ms':>9} {'req/s':>10} {'non-2xx':>8}")
rows = [("GET /healthz", h), ("GET /auth/me (token + session check)", m),
        (f"POST /offline/plans/generate ({lines} lines)", p)]
for name, (pct, rps, bad, errs) in rows:
    print(f"{name:<44} {pct['50']:>9.2f} {pct['99']:>9.2f} {rps:>10.0f} {bad:>8}")
print(f"throughput as a share of /healthz: /auth/me {100 * m[1] / h[1]:.1f} %, plan {100 * p[1] / h[1]:.1f} %")
print(f"plan against /healthz: p50 {p[0]['50'] / h[0]['50']:.1f}x, p99 {p[0]['99'] / h[0]['99']:.1f}x")
if h[2] or m[2] or p[2]:
    sys.exit("some answers were not 2xx: see above")
PY
