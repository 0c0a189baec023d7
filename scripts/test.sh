#!/usr/bin/env bash
# Runs every test: format and lint gates, Rust unit tests, the port contract
# suite on SQLite and PostgreSQL, black-box HTTP tests, the web app's unit tests
# and build, the end-to-end test in headless Chromium against the real binary,
# schemathesis fuzzing of the running binary against its OpenAPI document, the
# crash-safety test (SIGKILL during writes) and two instances on one PostgreSQL.
#
# With CI=true nothing that needs PostgreSQL, the browser or the web build is
# skipped: a missing piece fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
step() { printf '\n==> %s\n' "$*"; }

step "bootstrap"
scripts/dev/bootstrap.sh

step "PostgreSQL"
scripts/dev/ensure-postgres.sh
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

step "cargo fmt --check"
cargo fmt --all -- --check

step "storage twins: identical lines across the two adapters (at most 700)"
python3 scripts/dev/twin-lines.py --max 700

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (unit, contract on sqlite+postgres, HTTP)"
cargo test --workspace --locked

step "ops: dashboard, alert rules, runbook anchors"
scripts/test/check-ops-docs.sh

step "backups and the SQLite -> PostgreSQL move, end to end"
scripts/test/test-sqlite-to-postgres.sh

step "web: unit tests and build"
scripts/dev/build-web.sh
(cd web && npm test --silent)

step "end-to-end in headless Chromium"
scripts/test/e2e.sh

step "API fuzzing: schemathesis against the OpenAPI document"
scripts/test/fuzz-api.sh

step "crash safety: SIGKILL during writes on SQLite"
scripts/test/crash-test.sh

step "two instances on one PostgreSQL"
scripts/test/two-instances-test.sh

step "all tests passed"
