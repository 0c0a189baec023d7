ALTER TABLE plan_requests DROP COLUMN payload_deflate;
