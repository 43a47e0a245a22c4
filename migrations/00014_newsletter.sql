-- +goose Up

-- Readers who follow the blog by e-mail (docs/NEWSLETTER.md). The address
-- is kept lower-cased; email_hash (sha256 of it) is what an unsubscribed
-- or removed row keeps, so the address is forgotten but a re-import cannot
-- quietly subscribe it again and its unsubscribe link keeps working.
CREATE TABLE subscribers (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           text CHECK (length(email) BETWEEN 3 AND 254),
    email_hash      bytea NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending','confirmed','unsubscribed','failing')),
    mode            text NOT NULL DEFAULT 'each' CHECK (mode IN ('each','weekly')),
    source          text NOT NULL DEFAULT 'form' CHECK (source IN ('form','member','import','admin')),
    user_id         bigint REFERENCES users (id) ON DELETE SET NULL,
    failures        integer NOT NULL DEFAULT 0, -- hard SMTP failures in a row
    last_error      text NOT NULL DEFAULT '' CHECK (length(last_error) <= 500),
    confirm_sent_at timestamptz,
    confirmed_at    timestamptz,
    unsubscribed_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (status = 'unsubscribed' OR email IS NOT NULL)
);
CREATE UNIQUE INDEX subscribers_email_hash_key ON subscribers (email_hash);
-- Who gets an issue: the confirmed subscribers of a mode, in id order.
CREATE INDEX subscribers_confirmed_idx ON subscribers (mode, id) WHERE status = 'confirmed';
CREATE INDEX subscribers_user_idx ON subscribers (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX subscribers_status_idx ON subscribers (status, id);

-- Sign-up attempts, counted for the per-IP and per-address limits; keys are
-- "ip:…" and "email:<hash>". Pruned after a day.
CREATE TABLE newsletter_signups (
    key text NOT NULL,
    at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX newsletter_signups_key_idx ON newsletter_signups (key, at);

-- "Don't e-mail this one", set in the editor.
ALTER TABLE posts ADD COLUMN newsletter_off boolean NOT NULL DEFAULT false;

-- An issue is one mailing: a post that went public, or a week's digest.
-- Inserting the row is the claim that makes it go out once across nodes
-- (the primary key and the unique columns refuse a second).
CREATE TABLE newsletter_issues (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('post','digest')),
    post_id    bigint UNIQUE REFERENCES posts (id) ON DELETE CASCADE,
    week       date UNIQUE, -- the Monday the digest's week starts (UTC)
    state      text NOT NULL DEFAULT 'sending' CHECK (state IN ('skipped','sending','done')),
    created_at timestamptz NOT NULL DEFAULT now(),
    done_at    timestamptz,
    CHECK ((kind = 'post') = (post_id IS NOT NULL)),
    CHECK ((kind = 'digest') = (week IS NOT NULL))
);
CREATE INDEX newsletter_issues_sending_idx ON newsletter_issues (id) WHERE state = 'sending';
-- Posts public before the newsletter existed are never mailed.
INSERT INTO newsletter_issues (kind, post_id, state, done_at)
    SELECT 'post', id, 'skipped', now() FROM posts
    WHERE kind = 'post' AND status IN ('published','scheduled') AND published_at <= now();

-- One row per subscriber and issue, written before anything is sent: a row
-- is claimed ('sending', committed) before its mail goes out and marked
-- after, so a crash can leave a row 'sending' (later 'interrupted') but
-- never sends the same issue to the same address twice.
CREATE TABLE newsletter_deliveries (
    issue_id      bigint NOT NULL REFERENCES newsletter_issues (id) ON DELETE CASCADE,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending','sending','sent','failed','interrupted')),
    attempts      integer NOT NULL DEFAULT 0,
    error         text NOT NULL DEFAULT '' CHECK (length(error) <= 500),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issue_id, subscriber_id)
);
CREATE INDEX newsletter_deliveries_pending_idx ON newsletter_deliveries (issue_id, subscriber_id) WHERE status = 'pending';
CREATE INDEX newsletter_deliveries_sending_idx ON newsletter_deliveries (updated_at) WHERE status = 'sending';
CREATE INDEX newsletter_deliveries_subscriber_idx ON newsletter_deliveries (subscriber_id);

-- +goose Down
DROP TABLE newsletter_deliveries;
DROP TABLE newsletter_issues;
ALTER TABLE posts DROP COLUMN newsletter_off;
DROP TABLE newsletter_signups;
DROP TABLE subscribers;
