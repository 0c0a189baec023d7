#!/usr/bin/env bash
# CSV import benchmark (issue 15): generates a 참가격-shaped price file of
# ROWS rows (default 6,000,000: STORES stores × PRODUCTS products × as many
# survey days as it takes, fixed seed) and runs `ttokjang import prices` on
# it — a release build, a fresh database (SQLite unless DATABASE_URL says
# otherwise), no sample data — under `/usr/bin/time -v`. Prints rows/s and
# the peak RSS. Target: ≥ 60,000 rows/s at ≤ 256 MB peak RSS.
#
#   scripts/bench/import-csv.sh
#   ROWS=1000000 BATCH_ROWS=50000 scripts/bench/import-csv.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttokjang_import_bench scripts/bench/import-csv.sh
#   SKIP_BUILD=1 KEEP=1 scripts/bench/import-csv.sh   # reuse the binary, keep the work folder
#
# Not part of scripts/test.sh. CPU- and disk-heavy: run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROWS="${ROWS:-6000000}"
STORES="${STORES:-2000}"
PRODUCTS="${PRODUCTS:-1000}"
BATCH_ROWS="${BATCH_ROWS:-20000}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${BIN:-$TARGET/release/ttokjang}"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release --locked -p ttokjang
fi
[ -x "$BIN" ] || { echo "no release binary at $BIN" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

WORK="$(mktemp -d)"
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$WORK"' EXIT; fi
CSV="$WORK/prices.csv"

gen_start=$(date +%s)
python3 - "$CSV" "$ROWS" "$STORES" "$PRODUCTS" <<'PY'
import datetime, random, sys
path, rows, stores, products = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(20261204)
types = ["LM", "SM", "TM", "DP"]
units = [("EA", 10), ("G", 500), ("ML", 1000)]
store_rows = []
for s in range(stores):
    t = types[s % 4]
    lat = 33.2 + rng.random() * 5.0
    lng = 126.2 + rng.random() * 3.0
    store_rows.append(f"{t}{s:05d},벤치마트 {s}호점,{t},서울 벤치로 {s},{lat:.6f},{lng:.6f}")
prods = []
for p in range(products):
    unit, size = units[p % 3]
    base = rng.randint(10, 300) * 100
    prods.append((f"B{p:05d},벤치상품{p} {size}{unit.lower()},{unit},{size}", base))
day0 = datetime.date(2026, 1, 2)
with open(path, "w", buffering=1 << 20) as f:
    f.write("store_id,store_name,store_type,address,lat,lng,product_id,product_name,unit,size,inspection_day,price,discount\n")
    n, day = 0, 0
    while n < rows:
        d = (day0 + datetime.timedelta(days=7 * day)).isoformat()
        for s in store_rows:
            if n >= rows:
                break
            chunk = []
            for pcols, base in prods:
                if n >= rows:
                    break
                price = max(10, round(base * (0.8 + 0.4 * rng.random()) / 10) * 10)
                chunk.append(f"{s},{pcols},{d},{price},{'Y' if price < base * 0.85 else 'N'}\n")
                n += 1
            f.write("".join(chunk))
        day += 1
PY
gen_s=$(( $(date +%s) - gen_start ))
bytes=$(stat -c %s "$CSV")
echo "generated $ROWS rows ($(( bytes / 1024 / 1024 )) MiB) in ${gen_s}s"

DB_URL="${DATABASE_URL:-sqlite://$WORK/bench.db}"
env DATA_DIR="$WORK" DATABASE_URL="$DB_URL" SAMPLE_DATA=false DEMO_ACCOUNT=false RUST_LOG=warn \
  "$BIN" migrate >/dev/null
start=$(date +%s.%N)
env DATA_DIR="$WORK" DATABASE_URL="$DB_URL" SAMPLE_DATA=false DEMO_ACCOUNT=false RUST_LOG=warn \
  /usr/bin/time -v -o "$WORK/time.txt" \
  "$BIN" import prices --batch-rows "$BATCH_ROWS" "$CSV" >"$WORK/import.log" 2>&1 \
  || { cat "$WORK/import.log" "$WORK/time.txt" >&2; exit 1; }
end=$(date +%s.%N)
head -n 6 "$WORK/import.log"
tail -n 1 "$WORK/import.log"
grep -E "Elapsed|Maximum resident|User time|System time" "$WORK/time.txt"
python3 - "$start" "$end" "$ROWS" "$WORK/time.txt" <<'PY'
import re, sys
start, end, rows = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[4]).read()).group(1))
secs = end - start
print(f"rows/s: {rows / secs:,.0f} ({rows:,} rows in {secs:.1f} s); peak RSS: {rss_kb / 1024:.0f} MB")
print("target: >= 60,000 rows/s at <= 256 MB peak RSS")
PY
