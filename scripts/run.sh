#!/usr/bin/env bash
# Runs Ttokjang locally: SQLite under ./data, sample data, a demo account
# (printed once on first start), and the web app at http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/dev/bootstrap.sh
scripts/dev/build-web.sh
cargo build --release --locked -p ttokjang

export DATA_DIR="${DATA_DIR:-./data}"
export BIND_ADDR="${BIND_ADDR:-127.0.0.1:8080}"
export WEB_DIST="${WEB_DIST:-./web/dist}"
mkdir -p "$DATA_DIR"
echo "똑장 is starting on http://${BIND_ADDR}/ (Ctrl-C to stop)"
exec ./target/release/ttokjang serve
