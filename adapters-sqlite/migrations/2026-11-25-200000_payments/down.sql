DROP TABLE idempotency_keys;
DROP TABLE payment_intents;
DROP TABLE payment_methods;
