DROP TABLE password_resets;
DROP TABLE throttle_windows;
