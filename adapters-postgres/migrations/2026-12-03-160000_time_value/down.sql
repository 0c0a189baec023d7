ALTER TABLE preferences DROP COLUMN minutes_per_stop;
ALTER TABLE preferences DROP COLUMN value_of_time_krw_per_hour;
