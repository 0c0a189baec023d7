CREATE TABLE reservations (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('offline', 'online')),
    schedule_type TEXT NOT NULL CHECK (schedule_type IN ('once', 'daily', 'weekly', 'monthly')),
    -- once: local run_at; daily: HH:MM; weekly: HH:MM 1,6; monthly: HH:MM 31
    schedule_rule TEXT NOT NULL,
    timezone TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('in_app', 'webhook', 'email')),
    webhook_url TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'completed', 'failed', 'cancelled')),
    next_run_at BIGINT,
    last_run_at BIGINT,
    last_result_status TEXT CHECK (last_result_status IN ('success', 'degraded', 'failed')),
    retry_count INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reservations_user ON reservations(user_id, created_at, id);
CREATE INDEX reservations_due ON reservations(next_run_at) WHERE status = 'active';

CREATE TABLE reservation_runs (
    id TEXT PRIMARY KEY NOT NULL,
    reservation_id TEXT NOT NULL REFERENCES reservations(id) ON DELETE CASCADE,
    scheduled_for BIGINT NOT NULL,
    run_trigger TEXT NOT NULL CHECK (run_trigger IN ('schedule', 'manual')),
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'success', 'degraded', 'failed', 'missed')),
    summary TEXT NOT NULL DEFAULT '',
    started_at BIGINT,
    finished_at BIGINT,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    -- An occurrence runs once, whatever the number of schedulers.
    UNIQUE (reservation_id, scheduled_for)
);
-- One queued or running run per reservation at a time.
CREATE UNIQUE INDEX reservation_runs_one_open ON reservation_runs(reservation_id)
    WHERE status IN ('queued', 'running');
CREATE INDEX reservation_runs_open ON reservation_runs(status, lease_expires_at)
    WHERE status IN ('queued', 'running');

CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reservation_id TEXT REFERENCES reservations(id) ON DELETE SET NULL,
    run_id TEXT UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX notifications_user ON notifications(user_id, created_at, id);
