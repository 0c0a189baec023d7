DROP INDEX notifications_user_unread;
ALTER TABLE notifications DROP COLUMN plan_request_id;
ALTER TABLE notifications DROP COLUMN read_at;
ALTER TABLE reservation_runs DROP COLUMN plan_request_id;
ALTER TABLE order_lines DROP COLUMN checked;
