#!/usr/bin/env bash
# The price sync benchmark (docs/PERFORMANCE.md, "Price sync"): one full
# 참가격 survey day from a local fake (scripts/bench/fake_price_feed.py) —
# 630 stores × 365 products ≈ 230,000 price rows in 632 calls — synced by
# `ttokjang sync prices` on the release build, timed with /usr/bin/time -v
# (wall time and peak RSS). Then the same day again: no call, no change.
#
#   scripts/bench/sync-bench.sh                  SQLite in a temp folder
#   BENCH_DATABASE_URL=postgres://… scripts/bench/sync-bench.sh
#                                                 PostgreSQL (a fresh database
#                                                 there, dropped afterwards)
#   STORES=630 PRODUCTS=365 SKIP_BUILD=1 BIN=target/release/ttokjang …
#
# Not part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

STORES="${STORES:-630}"
PRODUCTS="${PRODUCTS:-365}"
BIN="${BIN:-target/release/ttokjang}"
DAY="${DAY:-20261120}"

[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release --locked -p ttokjang
fi
[ -x "$BIN" ] || { echo "no release binary at $BIN" >&2; exit 1; }

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
FAKE_PID=""
PG_DB=""
cleanup() {
  if [ -n "$FAKE_PID" ]; then kill "$FAKE_PID" 2>/dev/null || true; wait "$FAKE_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DB" ]; then psql "$BENCH_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 scripts/bench/fake_price_feed.py "$PORT" "$STORES" "$PRODUCTS" &
FAKE_PID=$!
for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$PORT/B551919/ProductPriceInfoService/calls" >/dev/null 2>&1 && break
  sleep 0.1
done

if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  PG_DB="ttokjang_syncbench_$$"
  psql "$BENCH_DATABASE_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
  DATABASE_URL="${BENCH_DATABASE_URL%/*}/$PG_DB"
else
  DATABASE_URL="sqlite://$WORK/bench.db"
fi

export DATABASE_URL DATA_DIR="$WORK" RUST_LOG=warn
export CHAMGAGYEOK_BASE_URL="http://127.0.0.1:$PORT/B551919/ProductPriceInfoService"
export CHAMGAGYEOK_SERVICE_KEY="bench-key-0123456789"
export PRICE_SYNC_DAILY_BUDGET=1800

echo "== sync prices: $STORES stores × $PRODUCTS products, day $DAY, ${DATABASE_URL%%:*}"
"$BIN" migrate >/dev/null 2>&1 || true
/usr/bin/time -v "$BIN" sync prices --source chamgagyeok --day "$DAY" >"$WORK/out" 2>"$WORK/time"
cat "$WORK/out"
grep -E "Elapsed \(wall clock\)|Maximum resident set size|User time|System time" "$WORK/time"
echo "fake saw $(curl -fs "http://127.0.0.1:$PORT/B551919/ProductPriceInfoService/calls") calls"

# What counting the history would cost GET /catalog/sources and every
# /metrics scrape (why the status reads sync_sources.history_rows instead),
# and that the counter agrees.
echo "== COUNT(*) over the history vs sync_sources.history_rows"
if [ -n "$PG_DB" ]; then
  psql "$DATABASE_URL" -qAt -c '\timing on' -c "SELECT COUNT(*) FROM price_history WHERE source = 'chamgagyeok'" \
    -c "SELECT history_rows FROM sync_sources WHERE source = 'chamgagyeok'"
else
  python3 - "$WORK/bench.db" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
for _ in range(2):
    t = time.perf_counter()
    n = db.execute("SELECT COUNT(*) FROM price_history WHERE source = 'chamgagyeok'").fetchone()[0]
    print(f"{n} rows counted in {(time.perf_counter() - t) * 1000:.1f} ms")
print("history_rows:", db.execute("SELECT history_rows FROM sync_sources WHERE source = 'chamgagyeok'").fetchone()[0])
PY
fi

echo "== the same day again (idempotent: no call)"
/usr/bin/time -v "$BIN" sync prices --source chamgagyeok --day "$DAY" >"$WORK/out2" 2>"$WORK/time2"
grep -E "calls made|rows stored" "$WORK/out2"
grep -E "Elapsed \(wall clock\)|Maximum resident set size" "$WORK/time2"
echo "fake saw $(curl -fs "http://127.0.0.1:$PORT/B551919/ProductPriceInfoService/calls") calls"
