-- +goose Up

-- Guests: people without an account who wrote a guest post, one row per
-- e-mail address (the guest author page matches by address, not by name).
-- The identity shown on published posts is copied here when an editor
-- accepts a submission, never when one merely arrives: otherwise anyone
-- could rewrite a trusted guest's bio and website by submitting with
-- their address.
CREATE TABLE guests (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    bio_source text NOT NULL DEFAULT '' CHECK (length(bio_source) <= 2000),
    bio_html   text NOT NULL DEFAULT '',
    website    text NOT NULL DEFAULT '' CHECK (length(website) <= 2000),
    trusted    boolean NOT NULL DEFAULT false, -- website links lose rel="nofollow ugc"
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX guests_email_key ON guests (lower(email));

-- A submission and its review. The status link carries a token derived
-- from the server key and token_salt; only its SHA-256 is stored, so the
-- table alone does not open anyone's status page.
CREATE TABLE guest_submissions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guest_id    bigint NOT NULL REFERENCES guests (id) ON DELETE CASCADE,
    status      text NOT NULL DEFAULT 'received'
                CHECK (status IN ('received','in_review','changes_requested','scheduled','published','declined')),
    spam        boolean NOT NULL DEFAULT false, -- the rules said spam: kept, never mailed, not in the held list
    token_hash  bytea NOT NULL UNIQUE,
    token_salt  bytea NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email       text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    bio_source  text NOT NULL DEFAULT '' CHECK (length(bio_source) <= 2000),
    bio_html    text NOT NULL DEFAULT '',
    website     text NOT NULL DEFAULT '' CHECK (length(website) <= 2000),
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 5000), -- to the editors, plain text
    reasons     jsonb NOT NULL DEFAULT '[]',
    ip          inet,
    user_agent  text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 500),
    post_id     bigint REFERENCES posts (id) ON DELETE SET NULL,
    intro_source text NOT NULL DEFAULT '' CHECK (length(intro_source) <= 5000),
    intro_html  text NOT NULL DEFAULT '', -- the editor's note on top of the published post
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX guest_submissions_queue_idx ON guest_submissions (status, id DESC) WHERE NOT spam;
CREATE INDEX guest_submissions_spam_idx ON guest_submissions (id DESC) WHERE spam;
CREATE INDEX guest_submissions_ip_idx ON guest_submissions (ip, created_at);
CREATE INDEX guest_submissions_email_idx ON guest_submissions (lower(email), created_at);
CREATE UNIQUE INDEX guest_submissions_post_key ON guest_submissions (post_id);

-- Every version of the text: the guest's first, their revisions, and each
-- editor's edit. Nothing is overwritten.
CREATE TABLE guest_versions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES guest_submissions (id) ON DELETE CASCADE,
    number        int NOT NULL CHECK (number >= 1),
    editor_id     bigint REFERENCES users (id) ON DELETE SET NULL, -- NULL: written by the guest
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    body_format   text NOT NULL CHECK (body_format IN ('markdown','html')),
    body_source   text NOT NULL CHECK (length(body_source) <= 1048576),
    body_html     text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (submission_id, number)
);

-- The conversation shown on the status page: editors' messages and the
-- guest's notes with a revision.
CREATE TABLE guest_messages (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES guest_submissions (id) ON DELETE CASCADE,
    editor_id     bigint REFERENCES users (id) ON DELETE SET NULL, -- NULL: from the guest
    event         text NOT NULL CHECK (event IN ('submitted','revised','review','edit','changes_requested','declined','accepted')),
    body          text NOT NULL DEFAULT '' CHECK (length(body) <= 10000),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX guest_messages_submission_idx ON guest_messages (submission_id, id);

-- A published guest post carries its guest byline, so every list, feed and
-- search result shows it without a join.
ALTER TABLE posts ADD COLUMN guest_id bigint REFERENCES guests (id) ON DELETE SET NULL;
ALTER TABLE posts ADD COLUMN guest_name text NOT NULL DEFAULT '' CHECK (length(guest_name) <= 100);
-- The guest author page.
CREATE INDEX posts_public_guest_idx ON posts (guest_id, published_at DESC, id DESC)
    WHERE guest_id IS NOT NULL AND kind = 'post' AND status IN ('published','scheduled');

-- +goose Down
DROP INDEX posts_public_guest_idx;
ALTER TABLE posts DROP COLUMN guest_name, DROP COLUMN guest_id;
DROP TABLE guest_messages, guest_versions, guest_submissions, guests;
