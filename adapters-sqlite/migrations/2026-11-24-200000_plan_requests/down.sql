DROP TABLE plan_requests;
