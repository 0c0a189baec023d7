-- Throttle counters shared by every instance on this database: one fixed
-- window per key. Keys are SHA-256 hex digests of what they count (an
-- e-mail, a client address), never the value itself. Instants in
-- microseconds, like every other table.
CREATE TABLE throttle_windows (
    key TEXT PRIMARY KEY NOT NULL CHECK (length(key) = 64),
    started_at BIGINT NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0)
);
CREATE INDEX throttle_windows_started_idx ON throttle_windows (started_at);

-- One-time password reset codes issued by the operator
-- (`ttokjang user reset-password`), stored only as SHA-256 hex digests.
CREATE TABLE password_resets (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
    expires_at BIGINT NOT NULL
);
