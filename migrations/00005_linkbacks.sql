-- +goose Up

-- Incoming pingbacks and webmentions before (and after) verification. A
-- request is stored at once, verified later by a job, and only a verified
-- one becomes a row of comments (kind pingback or webmention). One row per
-- (kind, post, source): a second pingback.ping for the same pair is fault
-- 48 by this constraint; a re-sent webmention re-opens the same row.
CREATE TABLE linkbacks_in (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('pingback','webmention')),
    post_id      bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    source_url   text NOT NULL CHECK (length(source_url) <= 2000),
    target_url   text NOT NULL CHECK (length(target_url) <= 2000),
    source_host  text NOT NULL CHECK (length(source_host) <= 255),
    ip           inet,
    -- pending: waiting for the job; verifying: claimed by a job; verified:
    -- a comment exists; failed: fault/detail say why; deleted: the source
    -- went away or stopped linking, so its comment was removed.
    state        text NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending','verifying','verified','failed','deleted')),
    fault        int NOT NULL DEFAULT 0,
    detail       text NOT NULL DEFAULT '' CHECK (length(detail) <= 500),
    token        text NOT NULL UNIQUE, -- names the Webmention status page
    comment_id   bigint REFERENCES comments (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    requested_at timestamptz NOT NULL DEFAULT now(), -- the latest request, for rate limits
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX linkbacks_in_key ON linkbacks_in (kind, post_id, source_url);
CREATE INDEX linkbacks_in_ip_idx ON linkbacks_in (ip, requested_at);
CREATE INDEX linkbacks_in_host_idx ON linkbacks_in (source_host, requested_at);
CREATE INDEX linkbacks_in_pending_idx ON linkbacks_in (source_url, post_id) WHERE state IN ('pending','verifying');

-- When a source was last fetched to verify a mention of a post: at most one
-- GET per (source, target) per interval, however many requests name them,
-- so Quire cannot be made to hit a third party harder than that.
CREATE TABLE linkback_fetches (
    source_url text NOT NULL,
    post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    fetched_at timestamptz NOT NULL,
    PRIMARY KEY (source_url, post_id)
);

-- Outgoing pingbacks and webmentions, one row per (post, link target): what
-- the editor shows, and what the send job diffs the post's links against.
CREATE TABLE linkbacks_out (
    post_id            bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    target_url         text NOT NULL CHECK (length(target_url) <= 2000),
    linked             boolean NOT NULL DEFAULT true, -- the post links to it now
    content_hash       text NOT NULL DEFAULT '',      -- the version last notified
    pingback_state     text NOT NULL DEFAULT 'pending'
                       CHECK (pingback_state IN ('pending','sent','fault','no_endpoint','retrying','failed','skipped')),
    pingback_fault     int NOT NULL DEFAULT 0,
    pingback_detail    text NOT NULL DEFAULT '',
    webmention_state   text NOT NULL DEFAULT 'pending'
                       CHECK (webmention_state IN ('pending','sent','fault','no_endpoint','retrying','failed','skipped')),
    webmention_status  int NOT NULL DEFAULT 0,
    webmention_detail  text NOT NULL DEFAULT '',
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, target_url)
);

-- +goose Down
DROP TABLE linkbacks_out, linkback_fetches, linkbacks_in;
