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
