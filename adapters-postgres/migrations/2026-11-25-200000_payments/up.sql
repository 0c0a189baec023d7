-- Payments (sandbox): payment methods, intents and idempotency keys. Same
-- conventions as the other tables (UUID, TIMESTAMPTZ bound from the clock).

-- Only sandbox tokens are ever stored here (the domain refuses card numbers).
CREATE TABLE payment_methods (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX payment_methods_user_idx ON payment_methods (user_id, created_at);

-- payment_method_id has no foreign key: a method may be deleted after use.
CREATE TABLE payment_intents (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount_krw BIGINT NOT NULL CHECK (amount_krw > 0),
    status TEXT NOT NULL,
    token TEXT,
    payment_method_id UUID,
    decline_code TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX payment_intents_budget_idx ON payment_intents (user_id, status, updated_at);

-- One row per (user, key). Unanswered rows (response_status NULL) are claims
-- in progress; locked_at says when the current runner claimed it.
CREATE TABLE idempotency_keys (
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER,
    response_body TEXT,
    locked_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
