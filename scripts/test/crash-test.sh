#!/usr/bin/env bash
# Crash safety: loops order and basket writes against the real binary on a
# fresh SQLite file while SIGKILLing it at random moments (every 0.5–3 s) and
# restarting it on the same file; then checks that every write answered 2xx is
# stored exactly once, nothing is stored twice, and PRAGMA integrity_check is ok.
#
#   scripts/test/crash-test.sh                                  build with cargo, then test
#   TTOKJANG_BIN=/path/to/ttokjang scripts/test/crash-test.sh   test a prebuilt binary
#   CRASH_DURATION_S=60 (default 45) CRASH_SEED=n          length / reproducible kill times
#
# Loopback only. The server log goes to test-artifacts/crash-server.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -n "${TTOKJANG_BIN:-}" ]; then
  [ -x "$TTOKJANG_BIN" ] || { echo "crash-test: TTOKJANG_BIN=$TTOKJANG_BIN is not executable" >&2; exit 2; }
else
  cargo build --locked -p ttokjang
  TTOKJANG_BIN="${CARGO_TARGET_DIR:-target}/debug/ttokjang"
fi
export TTOKJANG_BIN="$(realpath "$TTOKJANG_BIN")"
work="$(mktemp -d)"
mkdir -p test-artifacts
export CRASH_LOG="$PWD/test-artifacts/crash-server.log"
: >"$CRASH_LOG"
export CRASH_WORK="$work"
export CRASH_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# Random, and never containing "demo".
export CRASH_PASSWORD="ck-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export CRASH_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
export CRASH_DURATION_S="${CRASH_DURATION_S:-45}"

python3 scripts/test/crash_test.py &
driver=$!
# Watchdog: whatever happens, the driver (which kills its server on exit) and
# any server it left behind die within duration + 3 minutes.
( sleep $((CRASH_DURATION_S + 180)) >/dev/null 2>&1 </dev/null; echo "crash-test: watchdog fired" >&2; kill -9 "$driver" 2>/dev/null
  kill -9 "$(cat "$work/server.pid" 2>/dev/null)" 2>/dev/null || true ) &
watchdog=$!
# The watchdog's sleep holds none of our output, so an orphaned one cannot keep a pipe open.
cleanup() { kill "$watchdog" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
rc=0
wait "$driver" || rc=$?
[ "$rc" = 0 ] || echo "crash-test: failed; server log: $CRASH_LOG" >&2
exit "$rc"
