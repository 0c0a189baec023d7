-- Issue 18: order checklists, reservation results linked to their plan,
-- an inbox with read/unread.

-- A line ticked off the shopping checklist ("장보기 모드").
ALTER TABLE order_lines ADD COLUMN checked BOOLEAN NOT NULL DEFAULT 0 CHECK (checked IN (0, 1));

-- The plan request a successful (or degraded) run produced.
ALTER TABLE reservation_runs ADD COLUMN plan_request_id TEXT;

-- When the shopper read the notification (NULL: unread), and the plan it links to.
ALTER TABLE notifications ADD COLUMN read_at BIGINT;
ALTER TABLE notifications ADD COLUMN plan_request_id TEXT;
CREATE INDEX notifications_user_unread ON notifications (user_id) WHERE read_at IS NULL;
