DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE invites;
DROP TABLE users;
