-- +goose Up
CREATE TABLE users (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            text NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$'),
    email               text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name        text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
    password_hash       text NOT NULL DEFAULT '',
    role                text NOT NULL CHECK (role IN ('admin','editor','author','contributor','moderator','member')),
    bio_source          text NOT NULL DEFAULT '' CHECK (length(bio_source) <= 5000),
    bio_html            text NOT NULL DEFAULT '',
    location            text NOT NULL DEFAULT '' CHECK (length(location) <= 100),
    website             text NOT NULL DEFAULT '' CHECK (length(website) <= 2000),
    avatar_url          text NOT NULL DEFAULT '' CHECK (length(avatar_url) <= 2000),
    disabled            boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Server-side sessions: the cookie carries a random id, the table its hash.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY,
    user_id      bigint REFERENCES users (id) ON DELETE CASCADE,
    data         jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL DEFAULT '' CHECK (length(name) <= 100),
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Failed sign-ins, counted per account and per IP for throttling.
CREATE TABLE login_failures (
    id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text NOT NULL,
    at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_at_idx ON login_failures (key, at);

-- Site settings as one JSON value per key.
CREATE TABLE settings (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every privileged action: who, what, when, before → after.
CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id  bigint REFERENCES users (id) ON DELETE SET NULL,
    action    text NOT NULL,
    item_kind text NOT NULL,
    item_id   bigint NOT NULL DEFAULT 0,
    before    text NOT NULL DEFAULT '',
    after     text NOT NULL DEFAULT '',
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);

-- +goose Down
DROP TABLE audit_log, settings, login_failures, api_tokens, sessions, users;
