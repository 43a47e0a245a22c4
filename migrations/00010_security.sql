-- +goose Up
-- Sign-ups wait here, not in users, until their address is confirmed: an
-- unconfirmed sign-up holds no username or address that a real owner
-- needs, a second sign-up for the same address replaces it, and it expires.
CREATE TABLE pending_signups (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$'),
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name  text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX pending_signups_email_key ON pending_signups (lower(email));
CREATE INDEX pending_signups_expires_idx ON pending_signups (expires_at);

-- Addresses an account has signed in from: during a guessing attack on an
-- account, sign-ins from these still go through (see docs/SECURITY.md).
CREATE TABLE known_logins (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ip      text NOT NULL,
    last_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, ip)
);
CREATE INDEX known_logins_last_idx ON known_logins (last_at);

-- +goose Down
DROP TABLE known_logins, pending_signups;
