DROP TABLE price_history;
DROP TABLE sync_sources;
DROP TABLE sync_budget;
DROP TABLE sync_calls;
