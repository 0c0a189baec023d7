-- The review list of one product identity (docs/CATALOG.md): imported
-- products kept apart because they might be a product the catalog already
-- has, and the operator's decision. Times are timestamptz, bound from the application.

CREATE TABLE product_reviews (
    product_id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- The catalog products it may be: ids, newline-separated.
    candidates TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'merged', 'distinct')),
    merged_into TEXT,
    listed_at TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ,
    CHECK ((status = 'merged') = (merged_into IS NOT NULL)),
    CHECK ((status = 'pending') = (resolved_at IS NULL))
);
CREATE INDEX product_reviews_status_idx ON product_reviews (status, listed_at);
