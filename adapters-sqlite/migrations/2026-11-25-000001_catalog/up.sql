-- The catalog: stores (shops and online malls), products and observed prices.
-- Ids are short ASCII text; observed_at is BIGINT microseconds since the epoch
-- (UTC), bound from the application.

CREATE TABLE stores (
    id TEXT PRIMARY KEY NOT NULL,
    chain TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('offline', 'online')),
    format TEXT NOT NULL,
    lat DOUBLE,
    lng DOUBLE,
    address TEXT,
    -- "24h" or "HH:MM-HH:MM", local time (Asia/Seoul).
    hours TEXT,
    delivery_fee_krw BIGINT,
    free_delivery_threshold_krw BIGINT,
    min_order_krw BIGINT,
    checkout_url TEXT,
    CHECK (
        (kind = 'offline' AND lat IS NOT NULL AND lng IS NOT NULL AND address IS NOT NULL)
        OR (kind = 'online' AND delivery_fee_krw IS NOT NULL AND min_order_krw IS NOT NULL
            AND checkout_url IS NOT NULL)
    )
);
CREATE INDEX stores_kind_lat_idx ON stores (kind, lat);

-- aliases: newline-separated (aliases never contain control characters).
CREATE TABLE products (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    aliases TEXT NOT NULL,
    category TEXT NOT NULL,
    unit TEXT NOT NULL CHECK (unit IN ('G', 'ML', 'EA')),
    size BIGINT NOT NULL CHECK (size > 0),
    barcode TEXT
);

CREATE TABLE offers (
    store_id TEXT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    observed_at BIGINT NOT NULL,
    price_krw BIGINT NOT NULL CHECK (price_krw > 0),
    in_stock BOOLEAN NOT NULL,
    discounted BOOLEAN NOT NULL,
    flagged_outlier BOOLEAN NOT NULL,
    PRIMARY KEY (store_id, product_id, observed_at)
);
CREATE INDEX offers_product_idx ON offers (product_id, store_id);
