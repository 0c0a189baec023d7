DROP TABLE notifications;
DROP TABLE reservation_runs;
DROP TABLE reservations;
