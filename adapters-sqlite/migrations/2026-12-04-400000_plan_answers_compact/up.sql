-- Issue 16: plan answers stored compactly. New rows keep `payload` empty and
-- the answer's JSON deflated (raw DEFLATE, RFC 1951) in `payload_deflate`;
-- rows written before this migration keep their JSON in `payload` (NULL here).
ALTER TABLE plan_requests ADD COLUMN payload_deflate BLOB;
