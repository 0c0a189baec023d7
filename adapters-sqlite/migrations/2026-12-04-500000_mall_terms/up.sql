-- Issue 17: online malls' delivery terms as operator configuration (seeded
-- with the shipped defaults at start, changed with `ttokjang mall set`).
-- Amounts in 원; cut-offs `HH:MM` (Korea); `source` is default | operator.
CREATE TABLE mall_terms (
    mall_id TEXT PRIMARY KEY NOT NULL,
    delivery_fee_krw BIGINT NOT NULL,
    free_delivery_threshold_krw BIGINT,
    min_order_krw BIGINT NOT NULL,
    jeju_surcharge_krw BIGINT NOT NULL,
    island_surcharge_krw BIGINT NOT NULL,
    same_day_cutoff TEXT,
    dawn_cutoff TEXT,
    source TEXT NOT NULL,
    as_of BIGINT NOT NULL
);
