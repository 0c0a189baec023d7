-- Price sync (docs/CATALOG.md, "Real prices"): one row per API call of a
-- source, the calls claimed per day (the budget), each source's last
-- success/error, and the price history with provenance. Times are BIGINT
-- microseconds since the epoch (UTC), bound from the application; days are
-- YYYYMMDD text.

CREATE TABLE sync_calls (
    source TEXT NOT NULL,
    call_key TEXT NOT NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    holder TEXT,
    lease_until BIGINT,
    outcome TEXT,
    rows_read BIGINT NOT NULL DEFAULT 0,
    bad_rows BIGINT NOT NULL DEFAULT 0,
    enqueued_at BIGINT NOT NULL,
    finished_at BIGINT,
    PRIMARY KEY (source, call_key)
);
CREATE INDEX sync_calls_pending_idx ON sync_calls (source, done, call_key);

CREATE TABLE sync_budget (
    source TEXT NOT NULL,
    day TEXT NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (source, day)
);

CREATE TABLE sync_sources (
    source TEXT PRIMARY KEY,
    last_success_at BIGINT,
    last_survey_day TEXT,
    last_error_at BIGINT,
    last_error_call TEXT,
    last_error_kind TEXT,
    last_error_message TEXT
);

CREATE TABLE price_history (
    source TEXT NOT NULL,
    place TEXT NOT NULL,
    product_id TEXT NOT NULL,
    survey_day TEXT NOT NULL,
    store_id TEXT,
    price_krw BIGINT NOT NULL CHECK (price_krw > 0),
    fetched_at BIGINT NOT NULL,
    discounted BOOLEAN NOT NULL,
    discount_start TEXT,
    discount_end TEXT,
    plus_one BOOLEAN NOT NULL,
    PRIMARY KEY (source, place, product_id, survey_day)
);
CREATE INDEX price_history_product_idx ON price_history (product_id, survey_day);
