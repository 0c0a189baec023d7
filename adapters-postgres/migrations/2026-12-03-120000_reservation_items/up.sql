-- Issue 18: a reservation's own item list (`planned_items`). No rows: the
-- run plans the shopper's live basket. A side table, since `reservations`
-- is at diesel's 16-column limit.
CREATE TABLE reservation_items (
    reservation_id UUID NOT NULL REFERENCES reservations (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    product_id TEXT,
    name TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    PRIMARY KEY (reservation_id, position)
);
