-- +goose Up
-- When the user last signed in (NULL: never), so the first sign-in says
-- "Welcome" and later ones "Welcome back".
ALTER TABLE users ADD COLUMN signed_in_at timestamptz;

-- The editor's autosave: one unsaved copy per user and post (post_id 0 is
-- a post not yet created), offered back after a crash; a save deletes it.
CREATE TABLE autosaves (
    user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id  bigint NOT NULL CHECK (post_id >= 0),
    title    text NOT NULL DEFAULT '' CHECK (length(title) <= 300),
    body     text NOT NULL DEFAULT '' CHECK (length(body) <= 500000),
    saved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, post_id)
);

-- A post's featured image (lists, feeds and OpenGraph show it); deleting
-- the image clears it.
ALTER TABLE posts ADD COLUMN featured_media_id bigint REFERENCES media (id) ON DELETE SET NULL;
CREATE INDEX posts_featured_media_idx ON posts (featured_media_id) WHERE featured_media_id IS NOT NULL;

-- Two-factor sign-in: a TOTP secret ('' = off) and single-use recovery
-- codes, kept as SHA-256 hashes.
ALTER TABLE users ADD COLUMN totp_secret text NOT NULL DEFAULT '' CHECK (length(totp_secret) <= 128);
-- The last accepted TOTP time step: a code is accepted once (RFC 6238 5.2).
ALTER TABLE users ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;
CREATE TABLE recovery_codes (
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- +goose Down
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN totp_secret, DROP COLUMN totp_last_step;
ALTER TABLE posts DROP COLUMN featured_media_id;
DROP TABLE autosaves;
ALTER TABLE users DROP COLUMN signed_in_at;
