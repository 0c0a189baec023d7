#!/usr/bin/env bash
# Build the web app into web/dist (served by the Rust server at `/`).
# Idempotent: dependencies are installed only when package-lock.json is newer than
# web/node_modules (or node_modules is missing).
#
#   scripts/dev/build-web.sh            install if needed + build
#   SKIP_WEB_TESTS=0 scripts/dev/build-web.sh   also run the unit tests first
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WEB="$ROOT/web"

die() { echo "build-web: $*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "node is not installed (need Node >= 20.19)"
command -v npm  >/dev/null 2>&1 || die "npm is not installed"
[ -f "$WEB/package.json" ] || die "no $WEB/package.json"

node -e 'const [M,m]=process.versions.node.split(".").map(Number); if (M<20||(M===20&&m<19)) process.exit(1)' \
  || die "node $(node -v) is too old (need >= 20.19)"

cd "$WEB"

# node_modules/.package-lock.json is rewritten by every npm install/ci.
stamp="node_modules/.package-lock.json"
if [ -d node_modules ] && [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ]; then
  echo "build-web: node_modules is up to date, skipping npm ci"
else
  echo "build-web: installing dependencies"
  npm ci --no-audit --no-fund || npm install --no-audit --no-fund
fi

if [ "${SKIP_WEB_TESTS:-1}" = "0" ]; then
  npm test
fi

npm run build
[ -f dist/index.html ] || die "build finished but dist/index.html is missing"
echo "build-web: OK → $WEB/dist"
