#!/usr/bin/env bash
# Two `ttokjang serve` instances on one fresh PostgreSQL database (different
# ports, one JWT_SECRET, both running the scheduler every second), clients
# alternating between them: sessions (login/refresh/reuse/logout across
# instances), payment Idempotency-Key races, and run-now runs carried out
# exactly once. The database is dropped at the end.
#
#   scripts/test/two-instances-test.sh                                  build with cargo, then test
#   TTOKJANG_BIN=/path/to/ttokjang scripts/test/two-instances-test.sh   test a prebuilt binary
#   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres  the server to use (default)
#
# Without PostgreSQL the test is skipped, except with CI=true, where it fails.
# Server logs go to test-artifacts/two-instances-{a,b}.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

admin_url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
psql_bin="$(command -v psql || ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$psql_bin" ] || ! "$psql_bin" -X -qAt "$admin_url" -c 'SELECT 1' >/dev/null 2>&1; then
  if [ "${CI:-}" = true ]; then
    echo "two-instances: PostgreSQL does not answer at $admin_url (or psql is missing); CI=true: failing" >&2
    exit 1
  fi
  echo "two-instances: SKIPPED: PostgreSQL does not answer at $admin_url (run scripts/dev/ensure-postgres.sh)" >&2
  exit 0
fi

if [ -n "${TTOKJANG_BIN:-}" ]; then
  [ -x "$TTOKJANG_BIN" ] || { echo "two-instances: TTOKJANG_BIN=$TTOKJANG_BIN is not executable" >&2; exit 2; }
else
  cargo build --locked -p ttokjang
  TTOKJANG_BIN="${CARGO_TARGET_DIR:-target}/debug/ttokjang"
fi
export TTOKJANG_BIN="$(realpath "$TTOKJANG_BIN")"

db="ttokjang_two_$(date +%s)_$$"
base="${admin_url%/*}"
export TI_ADMIN_URL="$admin_url" TI_PSQL="$psql_bin" TI_DATABASE_URL="$base/$db"
work="$(mktemp -d)"
export TI_WORK="$work"
mkdir -p test-artifacts
export TI_LOGDIR="$PWD/test-artifacts"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export TI_PORTS="$(free_port),$(free_port)"
export TI_PASSWORD="ti-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export TI_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"

"$psql_bin" -X -q "$admin_url" -c "CREATE DATABASE \"$db\"" >/dev/null

python3 scripts/test/two_instances_test.py &
driver=$!
# Watchdog: the driver and both servers die within 4 minutes whatever happens.
( sleep 240 >/dev/null 2>&1 </dev/null; echo "two-instances: watchdog fired" >&2; kill -9 "$driver" 2>/dev/null
  for f in "$work"/server*.pid; do kill -9 "$(cat "$f" 2>/dev/null)" 2>/dev/null || true; done ) &
watchdog=$!
cleanup() {
  kill "$watchdog" 2>/dev/null || true
  for f in "$work"/server*.pid; do kill -9 "$(cat "$f" 2>/dev/null)" 2>/dev/null || true; done
  "$psql_bin" -X -q "$admin_url" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 \
    || echo "two-instances: could not drop database $db" >&2
  rm -rf "$work"
}
trap cleanup EXIT
rc=0
wait "$driver" || rc=$?
[ "$rc" = 0 ] || echo "two-instances: failed; server logs: $TI_LOGDIR/two-instances-{a,b}.log" >&2
exit "$rc"
