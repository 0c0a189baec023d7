CREATE TABLE plan_requests (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mode TEXT NOT NULL CHECK (mode IN ('offline', 'online')),
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX plan_requests_user ON plan_requests(user_id);
CREATE INDEX plan_requests_expires ON plan_requests(expires_at);
