-- Issue 16: a store's closing days (`none`, or rules like `2sun,4sun`:
-- the 2nd and 4th Sunday, a large mart's statutory default). NULL: unknown
-- (large marts then close on the default, other stores on none).
ALTER TABLE stores ADD COLUMN closing_days TEXT;
