#!/usr/bin/env python3
"""A generated 참가격-shaped catalog at national scale, written straight into a
migrated SQLite database (``ttokjang migrate`` first) or as CSV files for
PostgreSQL's COPY.

    gen-catalog.py sqlite PATH.db [--stores 10000] [--products 1000] [--days 3]
    gen-catalog.py csv DIR        [same options]   # stores.csv products.csv offers.csv

For PostgreSQL (a migrated database), load the CSV files with psql:
    \copy stores (id, chain, name, kind, format, lat, lng, address) FROM 'DIR/stores.csv' CSV
    \copy products (id, name, aliases, category, unit, size) FROM 'DIR/products.csv' WITH (FORMAT csv, FORCE_NOT_NULL (aliases))
    \copy offers (store_id, product_id, observed_at, price_krw, in_stock, discounted, flagged_outlier) FROM 'DIR/offers.csv' CSV

Shape (fixed seed, the same catalog every run):
  - stores spread like real shops: most of them in the capital region (a dense
    core around central Seoul and a wider metropolitan spread), the rest around
    the other large cities; formats as 참가격 surveys them (LM large marts, SM
    supermarkets, TM traditional markets, DP department stores), chains by
    format, ids ``kca-S00001…``;
  - products ``kca-P0001…`` in the import's category (참가격), units G/ML/EA;
  - every store carries a product with a probability by format (LM 90 %,
    SM 60 %, TM 45 %, DP 55 %: ≈ 6.2 M pairs at 10,000 × 1,000), priced ±25 %
    around the product's base price, rounded to 10 원, 3 % discounted;
  - ``--days`` survey days a week apart, every pair observed on each (the
    newest is the current price; older days differ by up to ±8 %).

Fast by construction: one transaction, rows in primary-key order, the
secondary offer index dropped before and rebuilt after the bulk insert
(10,000 × 1,000 × 3 days ≈ 18.5 M rows in a few minutes on the 2-core box).
"""
import argparse
import csv
import datetime
import math
import os
import random
import sqlite3
import sys
import time

SEED = 20261204
# 2026-11-30 00:00 Asia/Seoul in microseconds since the epoch (the newest day).
NEWEST_DAY_US = 1_795_964_400 * 1_000_000
DAY_US = 86_400 * 1_000_000

FORMATS = [  # (survey code, stored format, share of stores, carry probability)
    ("LM", "large_mart", 0.15, 0.90),
    ("SM", "supermarket", 0.55, 0.60),
    ("TM", "traditional_market", 0.15, 0.45),
    ("DP", "department", 0.15, 0.55),
]
CHAINS = {
    "LM": ["이마트", "홈플러스", "롯데마트", "코스트코"],
    "SM": ["GS더프레시", "롯데슈퍼", "홈플러스익스프레스", "이마트에브리데이", "하나로마트"],
    "TM": ["전통시장"],
    "DP": ["현대백화점", "롯데백화점", "신세계백화점"],
}
# (name, lat, lng, share of stores, spread in km): the capital region gets a
# dense core and a wider ring, the other cities one cluster each.
CENTRES = [
    ("서울 도심", 37.5400, 127.0000, 0.19, 7.5),
    ("수도권", 37.4800, 126.9800, 0.31, 22.0),
    ("부산", 35.1600, 129.0600, 0.10, 12.0),
    ("대구", 35.8700, 128.6000, 0.07, 10.0),
    ("인천", 37.4600, 126.7000, 0.06, 9.0),
    ("광주", 35.1600, 126.8500, 0.05, 8.0),
    ("대전", 36.3500, 127.3800, 0.05, 8.0),
    ("울산", 35.5400, 129.3100, 0.04, 8.0),
    ("청주", 36.6400, 127.4900, 0.04, 7.0),
    ("전주", 35.8200, 127.1500, 0.04, 7.0),
    ("창원", 35.2300, 128.6800, 0.03, 8.0),
]
UNITS = [("EA", 1), ("G", 500), ("ML", 1000), ("G", 1000), ("EA", 10)]


def stores(rng, n):
    weights = [c[3] for c in CENTRES]
    fweights = [f[2] for f in FORMATS]
    for i in range(1, n + 1):
        name, lat0, lng0, _, km = rng.choices(CENTRES, weights)[0]
        code, fmt, _, carry = rng.choices(FORMATS, fweights)[0]
        r = abs(rng.gauss(0.0, km)) * 1000
        a = rng.random() * 2 * math.pi
        lat = lat0 + r * math.cos(a) / 111_320
        lng = lng0 + r * math.sin(a) / (111_320 * math.cos(math.radians(lat0)))
        chain = rng.choice(CHAINS[code])
        yield (f"kca-S{i:05d}", chain, f"{chain} 벤치{i}호점", fmt, round(lat, 6), round(lng, 6),
               f"{name} 벤치로 {i}", code, carry)


def products(rng, n):
    for p in range(1, n + 1):
        unit, size = UNITS[p % len(UNITS)]
        yield (f"kca-P{p:04d}", f"벤치 상품 {p}", unit, size, rng.randint(10, 150) * 100)


def offers(rng, store_rows, product_rows, days):
    """(store, product, observed_at, price, discounted) in primary-key order."""
    for s in store_rows:
        sid, carry = s[0], s[8]
        for pid, _, _, _, base in product_rows:
            if rng.random() >= carry:
                continue
            price = max(10, round(base * (0.75 + 0.5 * rng.random()) / 10) * 10)
            discounted = rng.random() < 0.03
            # Oldest first: observed_at ascending within the pair.
            for d in range(days - 1, -1, -1):
                p = price if d == 0 else max(10, round(price * (0.92 + 0.16 * rng.random()) / 10) * 10)
                yield (sid, pid, NEWEST_DAY_US - d * DAY_US, p, discounted and d == 0)


def to_sqlite(path, store_rows, product_rows, days, rng):
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-400000;")
    have = db.execute("SELECT COUNT(*) FROM stores").fetchone()[0]
    if have:
        sys.exit(f"{path} already holds {have} stores: generate into a freshly migrated database")
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO stores (id, chain, name, kind, format, lat, lng, address) "
        "VALUES (?, ?, ?, 'offline', ?, ?, ?, ?)",
        (s[:7] for s in store_rows))
    db.executemany(
        "INSERT INTO products (id, name, aliases, category, unit, size) VALUES (?, ?, '', '참가격', ?, ?)",
        (p[:4] for p in product_rows))
    index = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'offers_product_idx'").fetchone()
    db.execute("DROP INDEX IF EXISTS offers_product_idx")
    n = 0
    batch = []
    for row in offers(rng, store_rows, product_rows, days):
        batch.append(row)
        if len(batch) == 200_000:
            db.executemany(
                "INSERT INTO offers (store_id, product_id, observed_at, price_krw, in_stock, discounted, "
                "flagged_outlier) VALUES (?, ?, ?, ?, 1, ?, 0)", batch)
            n += len(batch)
            batch.clear()
    db.executemany(
        "INSERT INTO offers (store_id, product_id, observed_at, price_krw, in_stock, discounted, "
        "flagged_outlier) VALUES (?, ?, ?, ?, 1, ?, 0)", batch)
    n += len(batch)
    if index:
        db.execute(index[0])
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()
    return n


def to_csv(folder, store_rows, product_rows, days, rng):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "stores.csv"), "w", newline="") as f:
        w = csv.writer(f)
        for s in store_rows:
            w.writerow([s[0], s[1], s[2], "offline", s[3], s[4], s[5], s[6]])
    with open(os.path.join(folder, "products.csv"), "w", newline="") as f:
        w = csv.writer(f)
        for p in product_rows:
            w.writerow([p[0], p[1], "", "참가격", p[2], p[3]])
    n = 0
    with open(os.path.join(folder, "offers.csv"), "w", newline="") as f:
        w = csv.writer(f)
        for sid, pid, at, price, disc in offers(rng, store_rows, product_rows, days):
            # PostgreSQL's observed_at is timestamptz: ISO 8601 in UTC.
            when = datetime.datetime.fromtimestamp(at / 1_000_000, datetime.timezone.utc)
            w.writerow([sid, pid, when.isoformat(), price, "t", "t" if disc else "f", "f"])
            n += 1
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("target", choices=["sqlite", "csv"])
    ap.add_argument("path")
    ap.add_argument("--stores", type=int, default=10_000)
    ap.add_argument("--products", type=int, default=1_000)
    ap.add_argument("--days", type=int, default=3)
    a = ap.parse_args()
    rng = random.Random(SEED)
    store_rows = list(stores(rng, a.stores))
    product_rows = list(products(rng, a.products))
    started = time.time()
    write = to_sqlite if a.target == "sqlite" else to_csv
    n = write(a.path, store_rows, product_rows, a.days, rng)
    print(f"{len(store_rows)} stores, {len(product_rows)} products, {n} offer rows "
          f"({a.days} survey days) in {time.time() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
