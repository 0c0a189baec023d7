DROP TABLE sync_jobs;
