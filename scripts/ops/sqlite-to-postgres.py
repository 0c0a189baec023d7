#!/usr/bin/env python3
"""Copies every row of a Ttokjang SQLite database into an empty, migrated
Ttokjang PostgreSQL database, in one transaction.

    ttokjang migrate                                   # on both, same binary
    scripts/ops/sqlite-to-postgres.py --from data/ttokjang.db \
        --to postgres://ttokjang@db.internal:5432/ttokjang

What it does (see docs/RUNBOOK.md, "Moving from SQLite to PostgreSQL"):
- refuses unless both databases have exactly the same applied migrations and
  every target table (except diesel's bookkeeping) is empty;
- copies every table, parents before children (foreign keys read from SQLite),
  converting by the target column's type: BIGINT microseconds -> timestamptz,
  0/1 -> boolean, text -> uuid; other values are passed as text;
- loads with psql's \\copy inside a single transaction (all or nothing), then
  compares row counts table by table.

Needs python3 (stdlib only) and psql. The SQLite file is opened read-only;
stop the server (or copy a `.backup`) first so nothing changes during the copy.
"""

import argparse
import datetime
import os
import sqlite3
import subprocess
import sys
import tempfile

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
BOOKKEEPING = "__diesel_schema_migrations"
# Tables the server fills with shipped defaults at start (the malls' delivery
# terms): replaced by SQLite's rows, in the same transaction as the load.
START_DEFAULTS = {"mall_terms"}


def die(msg):
    print(f"sqlite-to-postgres: {msg}", file=sys.stderr)
    sys.exit(1)


def psql(url, sql):
    """Runs one query; returns rows as lists of strings (NULL -> None)."""
    out = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t", "-F", "\x1f",
         "-P", "null=\x1e", "-c", sql],
        check=False, capture_output=True, text=True)
    if out.returncode != 0:
        die(f"psql failed: {out.stderr.strip()}")
    rows = []
    for line in out.stdout.splitlines():
        if line:
            rows.append([None if v == "\x1e" else v for v in line.split("\x1f")])
    return rows


def sqlite_path(url):
    for prefix in ("sqlite://", "sqlite:", "file:"):
        if url.startswith(prefix):
            return url[len(prefix):]
    return url


def ordered_tables(db, tables):
    """Parents before children, by the SQLite foreign keys."""
    deps = {t: set() for t in tables}
    for t in tables:
        for fk in db.execute(f'PRAGMA foreign_key_list("{t}")'):
            parent = fk[2]
            if parent != t and parent in deps:
                deps[t].add(parent)
    order, done = [], set()
    while deps:
        ready = sorted(t for t, d in deps.items() if d <= done)
        if not ready:
            die(f"foreign keys form a cycle among {sorted(deps)}")
        for t in ready:
            order.append(t)
            done.add(t)
            del deps[t]
    return order


def text_field(value):
    """PostgreSQL COPY text format."""
    if value is None:
        return "\\N"
    s = value if isinstance(value, str) else str(value)
    if "\x00" in s:
        raise ValueError("contains a NUL byte, which PostgreSQL text cannot hold")
    return (s.replace("\\", "\\\\").replace("\t", "\\t")
             .replace("\n", "\\n").replace("\r", "\\r"))


def convert(value, pg_type, where):
    if value is None:
        return None
    if pg_type == "timestamp with time zone":
        if isinstance(value, int):
            return (EPOCH + datetime.timedelta(microseconds=value)).isoformat()
        return value
    if pg_type == "boolean":
        if value in (0, 1):
            return "t" if value else "f"
        die(f"{where}: {value!r} is not a boolean")
    if pg_type == "bytea" and isinstance(value, bytes):
        return "\\x" + value.hex()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        die(f"{where}: binary value for a {pg_type} column")
    return value


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--from", dest="src", required=True, help="sqlite://PATH or PATH")
    ap.add_argument("--to", dest="dst", required=True, help="postgres://…")
    ap.add_argument("--dry-run", action="store_true", help="check and count, load nothing")
    args = ap.parse_args()

    path = sqlite_path(args.src)
    if not os.path.exists(path):
        die(f"no SQLite file at {path}")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    src_versions = {r[0] for r in db.execute(f"SELECT version FROM {BOOKKEEPING}")}
    dst_versions = {r[0] for r in psql(args.dst, f"SELECT version FROM {BOOKKEEPING}")}
    if src_versions != dst_versions:
        die("the two databases are at different migrations; run `ttokjang migrate` on both "
            f"with the same binary first (only in SQLite: {sorted(src_versions - dst_versions)}, "
            f"only in PostgreSQL: {sorted(dst_versions - src_versions)})")

    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name != ?", (BOOKKEEPING,))]
    pg_cols = {}
    for table, column, data_type in psql(
            args.dst,
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema()"):
        pg_cols.setdefault(table, {})[column] = data_type
    for t in tables:
        if t not in pg_cols:
            die(f"table {t} exists in SQLite but not in PostgreSQL")
        rows = psql(args.dst, f'SELECT count(*) FROM "{t}"')
        if rows[0][0] != "0" and t not in START_DEFAULTS:
            die(f"table {t} in PostgreSQL is not empty ({rows[0][0]} rows): "
                "load into a freshly migrated database")

    order = ordered_tables(db, tables)
    counts = {}
    with tempfile.TemporaryDirectory() as tmp:
        script = [r"\set ON_ERROR_STOP on"]
        for t in order:
            cols = [r[1] for r in db.execute(f'PRAGMA table_info("{t}")')]
            missing = [c for c in cols if c not in pg_cols[t]]
            if missing:
                die(f"{t}: columns {missing} are not in PostgreSQL")
            file = os.path.join(tmp, f"{t}.tsv")
            n = 0
            with open(file, "w", encoding="utf-8", newline="\n") as out:
                quoted = ", ".join(f'"{c}"' for c in cols)
                for row in db.execute(f'SELECT {quoted} FROM "{t}"'):
                    fields = []
                    for c, v in zip(cols, row):
                        where = f"{t}.{c} row {n + 1}"
                        try:
                            fields.append(text_field(convert(v, pg_cols[t][c], where)))
                        except ValueError as e:
                            die(f"{where}: {e}")
                    out.write("\t".join(fields) + "\n")
                    n += 1
            counts[t] = n
            col_list = ", ".join(f'"{c}"' for c in cols)
            if t in START_DEFAULTS:
                script.append(f'DELETE FROM "{t}";')
            script.append(f"\\copy \"{t}\" ({col_list}) FROM '{file}'")
        for t in order:
            print(f"  {t:<32} {counts[t]:>9} rows")
        if args.dry_run:
            print("dry run: nothing loaded")
            return
        sql_file = os.path.join(tmp, "load.sql")
        with open(sql_file, "w", encoding="utf-8") as f:
            f.write("\n".join(script) + "\n")
        load = subprocess.run(["psql", args.dst, "-X", "-q", "--single-transaction", "-f", sql_file],
                              check=False, capture_output=True, text=True)
        if load.returncode != 0:
            die(f"loading failed, nothing was written: {load.stderr.strip()}")

    for t in order:
        got = int(psql(args.dst, f'SELECT count(*) FROM "{t}"')[0][0])
        if got != counts[t]:
            die(f"{t}: {counts[t]} rows in SQLite but {got} in PostgreSQL")
    print(f"copied {sum(counts.values())} rows in {len(order)} tables; counts match")


if __name__ == "__main__":
    main()
