#!/usr/bin/env bash
# End-to-end: the real `ttokjang` binary on a fresh SQLite file serving the
# built web app, driven by headless Chromium through playwright-core.
#
#   scripts/test/e2e.sh                                   build the binary with cargo, then test
#   TTOKJANG_BIN=/path/to/ttokjang scripts/test/e2e.sh    test a prebuilt binary (no cargo)
#
# Steps: login → basket (search 우유, 계란; add) → offline plan → detail → select →
# the order in 주문 내역 → a tour of the other screens → logout; then web/e2e/plans.mjs
# (issue 18) on a phone and a desktop viewport. Screenshots and the
# server log go to test-artifacts/. A step whose endpoint the server lacks FAILS.
set -euo pipefail
cd "$(dirname "$0")/../.."

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
if [ ! -x "$CHROMIUM" ]; then
  echo "e2e: installing Debian's chromium"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
[ -x "$CHROMIUM" ] || { echo "e2e: chromium is not available" >&2; exit 1; }
# Korean glyphs for readable screenshots.
if ! fc-list 2>/dev/null | grep -qi -e nanum -e "noto sans cjk"; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-nanum >/dev/null 2>&1 \
    || echo "e2e: could not install Korean fonts; screenshots will show boxes" >&2
fi
# Always rebuild the app: a stale web/dist would test yesterday's screens.
scripts/dev/build-web.sh

if [ -n "${TTOKJANG_BIN:-}" ]; then
  bin="$TTOKJANG_BIN"
  [ -x "$bin" ] || { echo "e2e: TTOKJANG_BIN=$bin is not executable" >&2; exit 2; }
else
  cargo build --locked -p ttokjang
  bin=./target/debug/ttokjang
fi
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
password="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p test-artifacts
log="test-artifacts/e2e-server.log"

# Output goes to a file, never a pipe, so a finished test can never hang on it.
DATA_DIR="$work" DATABASE_URL="sqlite://$work/e2e.db" BIND_ADDR="127.0.0.1:$port" \
  WEB_DIST="$PWD/web/dist" DEMO_PASSWORD="$password" RUST_LOG=info HTTP_WORKERS=2 \
  SCHEDULER_ENABLED=true SCHEDULER_POLL_S=1 \
  "$bin" serve >"$log" 2>&1 &
server=$!
# Watchdog: whatever happens, the server dies within 10 minutes.
( sleep 600; kill -9 "$server" 2>/dev/null ) &
watchdog=$!
cleanup() { kill "$server" 2>/dev/null || true; kill "$watchdog" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "e2e: server exited" >&2; cat "$log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null

status=0
E2E_BASE_URL="http://127.0.0.1:$port" E2E_EMAIL="demo@ttokjang.app" E2E_PASSWORD="$password" \
  CHROMIUM="$CHROMIUM" node web/e2e/run.mjs || status=$?
# Issue 18 (phone and desktop): stable plan pages, the route map, 장보기 모드
# ticks that survive a reload, reservation results in the inbox.
E2E_BASE_URL="http://127.0.0.1:$port" E2E_EMAIL="demo@ttokjang.app" E2E_PASSWORD="$password" \
  CHROMIUM="$CHROMIUM" node web/e2e/plans.mjs || status=$?
exit "$status"
