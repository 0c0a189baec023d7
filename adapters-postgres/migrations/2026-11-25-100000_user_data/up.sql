-- The shopper's own data: basket, preferences, profile, orders. Same
-- conventions as the auth tables (UUID, TIMESTAMPTZ bound from the clock).

-- One row per user who ever stored a basket; `version` is the optimistic
-- concurrency counter (compare-and-set on every write).
CREATE TABLE baskets (
    user_id UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    version BIGINT NOT NULL CHECK (version > 0),
    updated_at TIMESTAMPTZ NOT NULL
);

-- Line ids are unique per basket, not globally: a client may send any UUID.
CREATE TABLE basket_items (
    user_id UUID NOT NULL REFERENCES baskets (user_id) ON DELETE CASCADE,
    id UUID NOT NULL,
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
    user_id UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    max_stores INTEGER NOT NULL,
    max_distance_m INTEGER NOT NULL,
    travel_cost_krw_per_km INTEGER NOT NULL,
    preferred_chains TEXT NOT NULL,
    excluded_chains TEXT NOT NULL,
    default_mode TEXT NOT NULL,
    travel_mode TEXT NOT NULL,
    max_travel_minutes INTEGER NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE profiles (
    user_id UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    phone TEXT,
    address TEXT,
    lat DOUBLE PRECISION,
    lng DOUBLE PRECISION,
    updated_at TIMESTAMPTZ NOT NULL
);

-- NULL plan_request_id (manual orders) never conflicts; a plan request makes
-- at most one order per user (the idempotent "select").
CREATE TABLE orders (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    plan_request_id TEXT,
    plan_id TEXT,
    status TEXT NOT NULL,
    goods_krw BIGINT NOT NULL CHECK (goods_krw >= 0),
    fees_krw BIGINT NOT NULL CHECK (fees_krw >= 0),
    total_krw BIGINT NOT NULL CHECK (total_krw >= 0),
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT orders_plan_request_key UNIQUE (user_id, plan_request_id)
);
CREATE INDEX orders_user_newest_idx ON orders (user_id, created_at DESC, id DESC);

CREATE TABLE order_lines (
    order_id UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
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
