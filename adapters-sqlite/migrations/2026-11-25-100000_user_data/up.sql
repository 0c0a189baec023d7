-- The shopper's own data: basket, preferences, profile, orders. Same
-- conventions as the auth tables (UUID text, BIGINT microseconds, UTC).

-- One row per user who ever stored a basket; `version` is the optimistic
-- concurrency counter (compare-and-set on every write).
CREATE TABLE baskets (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    version BIGINT NOT NULL CHECK (version > 0),
    updated_at BIGINT NOT NULL
);

-- Line ids are unique per basket, not globally: a client may send any UUID.
CREATE TABLE basket_items (
    user_id TEXT NOT NULL REFERENCES baskets (user_id) ON DELETE CASCADE,
    id TEXT NOT NULL CHECK (length(id) = 36),
    position INTEGER NOT NULL,
    product_id TEXT,
    name TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    unit TEXT,
    note TEXT,
    PRIMARY KEY (user_id, id),
    CONSTRAINT basket_items_position_key UNIQUE (user_id, position)
);

-- Chain lists are newline-separated (names cannot hold control characters).
CREATE TABLE preferences (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    max_stores INTEGER NOT NULL,
    max_distance_m INTEGER NOT NULL,
    travel_cost_krw_per_km INTEGER NOT NULL,
    preferred_chains TEXT NOT NULL,
    excluded_chains TEXT NOT NULL,
    default_mode TEXT NOT NULL,
    travel_mode TEXT NOT NULL,
    max_travel_minutes INTEGER NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE profiles (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    phone TEXT,
    address TEXT,
    lat DOUBLE,
    lng DOUBLE,
    updated_at BIGINT NOT NULL
);

-- NULL plan_request_id (manual orders) never conflicts; a plan request makes
-- at most one order per user (the idempotent "select").
CREATE TABLE orders (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    plan_request_id TEXT,
    plan_id TEXT,
    status TEXT NOT NULL,
    goods_krw BIGINT NOT NULL CHECK (goods_krw >= 0),
    fees_krw BIGINT NOT NULL CHECK (fees_krw >= 0),
    total_krw BIGINT NOT NULL CHECK (total_krw >= 0),
    created_at BIGINT NOT NULL,
    CONSTRAINT orders_plan_request_key UNIQUE (user_id, plan_request_id)
);
CREATE INDEX orders_user_newest_idx ON orders (user_id, created_at DESC, id DESC);

CREATE TABLE order_lines (
    order_id TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    product_id TEXT,
    store_id TEXT,
    store_name TEXT,
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    unit_price_krw BIGINT NOT NULL CHECK (unit_price_krw >= 0),
    subtotal_krw BIGINT NOT NULL CHECK (subtotal_krw >= 0),
    PRIMARY KEY (order_id, position)
);
