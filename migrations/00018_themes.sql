-- +goose Up

-- Themes uploaded as a zip by an admin (docs/THEMES.md), kept here so every
-- node has them. The active one is the setting "theme" (its name, or "" for
-- the built-in theme); changing it fires settings_invalidate (00016), so
-- every node rebuilds its templates when the change commits.
CREATE TABLE themes (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    files       integer NOT NULL,
    bytes       bigint NOT NULL,
    uploaded_by bigint REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now()
);

-- One row per file: a path under templates/ or static/, its bytes and their
-- sha256 (hex), checked when read back.
CREATE TABLE theme_files (
    theme  text NOT NULL REFERENCES themes (name) ON DELETE CASCADE,
    path   text NOT NULL CHECK (length(path) BETWEEN 1 AND 200),
    body   bytea NOT NULL,
    sha256 text NOT NULL CHECK (length(sha256) = 64),
    PRIMARY KEY (theme, path)
);

-- +goose Down
DROP TABLE theme_files;
DROP TABLE themes;
