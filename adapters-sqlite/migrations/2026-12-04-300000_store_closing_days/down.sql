ALTER TABLE stores DROP COLUMN closing_days;
