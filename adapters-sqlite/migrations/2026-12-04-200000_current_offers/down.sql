DROP TABLE current_offers;
DROP INDEX offers_product_time_idx;
ALTER TABLE offers DROP COLUMN source;
