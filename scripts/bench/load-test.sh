#!/usr/bin/env bash
# Load test on loopback: login, GET /auth/me, the basket (GET and whole-basket
# PUT of $LINES lines, half and half) and
# offline plan generation, each driven by wrk with 100 connections for a
# bounded time against a release build on a fresh SQLite database with the
# sample catalog. Every connection works as one of $USERS shoppers (tokens
# rotate per request), so basket writes are real concurrent writes to SQLite.
#
# Fails when any answer is 5xx or the server log mentions "database is locked";
# prints per scenario: requests/s, p50/p99 latency and the count of each status.
#
#   scripts/bench/load-test.sh                          # 10 s per scenario, 100 connections
#   DURATION=30s CONNECTIONS=200 scripts/bench/load-test.sh
#   SKIP_BUILD=1 BIN=target/release/ttokjang scripts/bench/load-test.sh
#
# CPU-heavy for its duration: run it on a quiet machine. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/loopback.sh

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-100}"
THREADS="${THREADS:-2}"
USERS="${USERS:-100}"
LINES="${LINES:-10}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${BIN:-$TARGET/release/ttokjang}"

need_load_tools
release_binary

loopback_setup

start_server 150 env -i PATH="$PATH" HOME="$HOME" DATA_DIR="$WORK" BIND_ADDR="127.0.0.1:$PORT" WEB_DIST="$WORK/no-web" \
  DATABASE_URL="sqlite://$WORK/load.db" \
  JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
  SAMPLE_DATA=true DEMO_ACCOUNT=false INVITES_REQUIRED=false SCHEDULER_ENABLED=false \
  ACCESS_TOKEN_TTL_S=3600 RUST_LOG=warn \
  "$BIN" serve

# $USERS shoppers, each with a token and a basket of $LINES sample products.
python3 - "$BASE" "$USERS" "$LINES" "$WORK" <<'PY'
import json, sys, urllib.request, urllib.parse
base, users, lines, work = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"content-type": "application/json", **({"authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")
creds, tokens = [], []
for u in range(users):
    email, password = f"load{u}@example.com", f"load-test horse {u} battery"
    call("POST", "/api/v1/auth/register", {"email": email, "password": password, "display_name": f"load {u}"})
    tokens.append(call("POST", "/api/v1/auth/login", {"email": email, "password": password})["access_token"])
    creds.append((email, password))
products = []
for word in ["우유", "계란", "두부", "라면", "쌀", "사과", "김치", "바나나", "양파", "대파", "감자", "커피"]:
    q = urllib.parse.quote(word)
    for p in call("GET", f"/api/v1/catalog/products?q={q}&limit=3", token=tokens[0])["items"]:
        if p["id"] not in [x["id"] for x in products]:
            products.append(p)
basket = [{"product_id": p["id"], "name": p["name"], "quantity": 1 + i % 3} for i, p in enumerate(products[:lines])]
for t in tokens:
    call("PUT", "/api/v1/basket", {"items": basket}, token=t)
def lua_list(name, values):
    return f"{name} = {{" + ",".join(json.dumps(v, ensure_ascii=False) for v in values) + "}\n"
with open(f"{work}/data.lua", "w") as f:
    f.write(lua_list("tokens", tokens))
    f.write(lua_list("logins", [json.dumps({"email": e, "password": p}) for e, p in creds]))
    f.write("basket = " + json.dumps(json.dumps({"items": basket}, ensure_ascii=False), ensure_ascii=False) + "\n")
PY

# One wrk script: the scenario picks the request; statuses are counted per
# thread and summed in done().
cat >"$WORK/load.lua" <<LUA
dofile("$WORK/data.lua")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  scenario = args[1]
  n = math.random(1, 1000)
  statuses = {}
end
local json = {["Content-Type"] = "application/json"}
local function auth(t) return {["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json"} end
function request()
  n = n + 1
  local t = tokens[(n % #tokens) + 1]
  if scenario == "login" then
    return wrk.format("POST", "/api/v1/auth/login", json, logins[(n % #logins) + 1])
  elseif scenario == "me" then
    return wrk.format("GET", "/api/v1/auth/me", auth(t))
  elseif scenario == "basket" then
    if n % 2 == 0 then
      return wrk.format("GET", "/api/v1/basket", auth(t))
    end
    return wrk.format("PUT", "/api/v1/basket", auth(t), basket)
  else
    return wrk.format("POST", "/api/v1/offline/plans/generate", auth(t), "")
  end
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, th in ipairs(threads) do
    for k, v in pairs(th:get("statuses")) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, k .. "=" .. v) end
  table.sort(parts)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f statuses=%s socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, table.concat(parts, ","),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

fail=0
printf '%-8s %10s %10s %10s  %s\n' scenario req/s p50_ms p99_ms statuses
for scenario in login me basket plan; do
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s "$WORK/load.lua" "$BASE" -- "$scenario")"
  line="$(grep '^RESULT' <<<"$out")"
  rps="$(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$line")"
  p50="$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")"
  p99="$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")"
  statuses="$(sed -E 's/.*statuses=([^ ]*).*/\1/' <<<"$line")"
  errors="$(sed -E 's/.*socket_errors=([0-9]+).*/\1/' <<<"$line")"
  printf '%-8s %10s %10s %10s  %s socket_errors=%s\n' "$scenario" "$rps" "$p50" "$p99" "$statuses" "$errors"
  if grep -qE '(^|,)5[0-9][0-9]=' <<<"$statuses"; then
    echo "FAIL: $scenario answered 5xx" >&2
    fail=1
  fi
done
if grep -qi "database is locked" "$WORK/server.log"; then
  echo "FAIL: the server log mentions \"database is locked\"" >&2
  grep -i "database is locked" "$WORK/server.log" | head -5 >&2
  fail=1
fi
if grep -qE " (ERROR|error) " "$WORK/server.log"; then
  echo "server errors logged:" >&2
  grep -E " (ERROR|error) " "$WORK/server.log" | head -5 >&2
fi
[ "$fail" = 0 ] && echo "load: no 5xx, no \"database is locked\" ($CONNECTIONS connections, $DURATION per scenario)"
exit "$fail"
