-- The price sync's scheduled jobs (docs/RUNBOOK.md, "Price sync"): one row
-- per source. A run is leased to one instance (`holder` until `lease_until`,
-- microseconds since the epoch, UTC); `last_slot` is the scheduled instant it
-- last ran for and `retry_at` an earlier run it asked for (budget spent,
-- failures).

CREATE TABLE sync_jobs (
    source TEXT PRIMARY KEY,
    last_slot BIGINT,
    retry_at BIGINT,
    holder TEXT,
    lease_until BIGINT,
    last_run_at BIGINT,
    last_outcome TEXT
);

-- Each source's price history rows, counted as they are written, so the
-- status (GET /catalog/sources, every /metrics scrape) never counts the
-- history; filled from the rows already there.
ALTER TABLE sync_sources ADD COLUMN history_rows BIGINT NOT NULL DEFAULT 0;
UPDATE sync_sources SET history_rows =
    (SELECT COUNT(*) FROM price_history WHERE price_history.source = sync_sources.source);
