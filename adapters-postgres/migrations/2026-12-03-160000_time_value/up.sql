-- Issue 16: the shopper's time in the objective (`best_value` plans).
-- 원 per hour of the shopper's time, and minutes spent at each stop
-- (check-out, parking); existing rows get the documented defaults.
ALTER TABLE preferences ADD COLUMN value_of_time_krw_per_hour INTEGER NOT NULL DEFAULT 10000;
ALTER TABLE preferences ADD COLUMN minutes_per_stop INTEGER NOT NULL DEFAULT 5;
