#!/usr/bin/env bash
# Generates each storage crate's `src/schema.rs` from its migrations with
# `diesel print-schema`: the migrations run on a scratch SQLite file and on a
# scratch PostgreSQL database (on the server of TEST_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/postgres), which are removed afterwards.
#
#   scripts/dev/schema.sh          rewrite adapters-*/src/schema.rs
#   scripts/dev/schema.sh --check  fail when a committed schema.rs differs
#
# diesel_cli is installed once into ~/.cache/ttokjang/diesel-cli when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

DIESEL_ROOT="${DIESEL_CLI_ROOT:-$HOME/.cache/ttokjang/diesel-cli}"
DIESEL="$DIESEL_ROOT/bin/diesel"
if [[ ! -x "$DIESEL" ]]; then
  echo "installing diesel_cli into $DIESEL_ROOT (once)" >&2
  CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" cargo install diesel_cli --version '^2' --locked \
    --no-default-features --features sqlite-bundled,postgres --root "$DIESEL_ROOT"
fi

admin_url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
scratch_db="ttokjang_schema_$$"
pg_url="${admin_url%/*}/$scratch_db"
work="$(mktemp -d)"
cleanup() {
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $scratch_db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# $1 crate folder, $2 database URL
generate() {
  local crate="$1" url="$2"
  # A copy: `diesel database setup` adds its own 00000000000000_diesel_initial_setup
  # migration to a PostgreSQL migration folder, which the product must not ship.
  local migrations="$work/$(basename "$crate")-migrations"
  cp -r "$crate/migrations" "$migrations"
  "$DIESEL" database setup --database-url "$url" --migration-dir "$migrations" \
    --config-file "$crate/diesel.toml" >/dev/null
  "$DIESEL" print-schema --database-url "$url" --config-file "$crate/diesel.toml" \
    >"$work/$(basename "$crate").rs"
}

generate adapters-sqlite "$work/scratch.db"
generate adapters-postgres "$pg_url"

status=0
for crate in adapters-sqlite adapters-postgres; do
  generated="$work/$crate.rs"
  committed="$crate/src/schema.rs"
  if $check; then
    if ! diff -u "$committed" "$generated"; then
      echo "schema drift: $committed differs from what its migrations give;" \
        "run scripts/dev/schema.sh" >&2
      status=1
    fi
  else
    cp "$generated" "$committed"
    echo "wrote $committed"
  fi
done
exit $status
