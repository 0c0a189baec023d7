#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 (trust auth, user
# postgres) for the contract and HTTP tests. Idempotent: does nothing when one
# already answers; otherwise starts a throwaway cluster in /tmp/ttokjang-pg.
# Also installs libpq-dev (diesel's postgres backend links libpq) if missing.
set -euo pipefail

HOST=127.0.0.1
PORT=${TTOKJANG_PG_PORT:-5432}
PGDATA_DIR=${TTOKJANG_PGDATA:-/tmp/ttokjang-pg}
PGLOG=${TTOKJANG_PGLOG:-/tmp/ttokjang-pg.log}
WAIT_SECONDS=30

say() { echo "ensure-postgres: $*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v pg_config >/dev/null 2>&1; then
    say "pg_config missing: installing libpq-dev"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpq-dev >/dev/null
fi

# Finds a PostgreSQL program on PATH, in /usr/local/bin or the newest
# /usr/lib/postgresql/*/bin.
find_pg_bin() {
    local name=$1 dir
    if command -v "$name" >/dev/null 2>&1; then
        command -v "$name"
        return 0
    fi
    for dir in /usr/local/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/$name" ]; then
            echo "$dir/$name"
            return 0
        fi
    done
    return 1
}

PG_ISREADY=$(find_pg_bin pg_isready || true)

ready() {
    if [ -n "$PG_ISREADY" ]; then
        "$PG_ISREADY" -q -h "$HOST" -p "$PORT" >/dev/null 2>&1
    else
        # No pg_isready: a TCP connect is the next best sign of life.
        (exec 3<>"/dev/tcp/$HOST/$PORT") >/dev/null 2>&1
    fi
}

if ready; then
    say "PostgreSQL already answers on $HOST:$PORT"
    exit 0
fi

INITDB=$(find_pg_bin initdb || true)
PG_CTL=$(find_pg_bin pg_ctl || true)
if [ -z "$INITDB" ] || [ -z "$PG_CTL" ]; then
    say "initdb/pg_ctl not found; install PostgreSQL (apt-get install postgresql)"
    exit 1
fi

# PostgreSQL refuses to run as root: run the cluster as the postgres user.
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --create-home --shell /bin/bash postgres
    fi
    run_pg() { su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; }
else
    run_pg() { "$@"; }
fi

if [ ! -s "$PGDATA_DIR/PG_VERSION" ]; then
    say "initialising a throwaway cluster in $PGDATA_DIR"
    rm -rf "$PGDATA_DIR"
    mkdir -p "$PGDATA_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$PGDATA_DIR"
    run_pg "$INITDB" -D "$PGDATA_DIR" -A trust -U postgres >/dev/null
fi

touch "$PGLOG"
[ "$(id -u)" -eq 0 ] && chown postgres "$PGLOG"

# A stale pid file from a killed server would stop pg_ctl start.
if ! run_pg "$PG_CTL" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    rm -f "$PGDATA_DIR/postmaster.pid"
    say "starting PostgreSQL on $HOST:$PORT (log: $PGLOG)"
    run_pg "$PG_CTL" -D "$PGDATA_DIR" -o "-p $PORT -k /tmp -c listen_addresses=$HOST" -l "$PGLOG" start >/dev/null || true
fi

for _ in $(seq 1 "$WAIT_SECONDS"); do
    if ready; then
        say "PostgreSQL is ready on $HOST:$PORT"
        exit 0
    fi
    sleep 1
done

say "PostgreSQL did not become ready within ${WAIT_SECONDS}s; last log lines:"
tail -n 20 "$PGLOG" >&2 || true
exit 1
