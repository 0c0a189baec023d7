ALTER TABLE sync_sources DROP COLUMN history_rows;
DROP TABLE sync_jobs;
