-- Current prices apart from their history (issue 15, docs/CATALOG.md
-- "Current prices and history"): `offers` keeps every observation (the
-- history, now with its source); `current_offers` holds the latest
-- observation per (store, product) with its provenance, and is what plans
-- read. Times are BIGINT microseconds since the epoch (UTC); days YYYYMMDD.

ALTER TABLE offers ADD COLUMN source TEXT NOT NULL DEFAULT 'unknown';
UPDATE offers SET source = 'import' WHERE store_id LIKE 'kca-%';
UPDATE offers SET source = 'chamgagyeok' WHERE store_id LIKE 'kca-%' AND EXISTS (
    SELECT 1 FROM price_history h
    WHERE h.source = 'chamgagyeok' AND h.store_id = offers.store_id
      AND h.product_id = offers.product_id);
UPDATE offers SET source = 'sample' WHERE source = 'unknown';
CREATE INDEX offers_product_time_idx ON offers (product_id, observed_at);

CREATE TABLE current_offers (
    store_id TEXT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    observed_at BIGINT NOT NULL,
    price_krw BIGINT NOT NULL CHECK (price_krw > 0),
    in_stock BOOLEAN NOT NULL,
    discounted BOOLEAN NOT NULL,
    flagged_outlier BOOLEAN NOT NULL,
    -- sample, import, chamgagyeok, kamis, shopping, unknown
    source TEXT NOT NULL,
    fetched_at BIGINT,
    discount_start TEXT,
    discount_end TEXT,
    plus_one BOOLEAN NOT NULL DEFAULT FALSE,
    -- The price of the observation this one replaced ("went up since the
    -- last survey").
    previous_price_krw BIGINT,
    PRIMARY KEY (store_id, product_id)
);
CREATE INDEX current_offers_product_idx ON current_offers (product_id, store_id);

INSERT INTO current_offers (store_id, product_id, observed_at, price_krw, in_stock,
    discounted, flagged_outlier, source, previous_price_krw)
SELECT o.store_id, o.product_id, o.observed_at, o.price_krw, o.in_stock, o.discounted,
    o.flagged_outlier, o.source,
    (SELECT p.price_krw FROM offers p
     WHERE p.store_id = o.store_id AND p.product_id = o.product_id
       AND p.observed_at < o.observed_at
     ORDER BY p.observed_at DESC LIMIT 1)
FROM offers o
WHERE o.observed_at = (SELECT MAX(x.observed_at) FROM offers x
                       WHERE x.store_id = o.store_id AND x.product_id = o.product_id);
