-- +goose Up

-- WordPress (WXR) imports. A source is one blog that files were imported
-- from, named by its base URL, so that importing the same export (or a
-- newer one of the same blog) again finds what the last run created. The
-- import_* maps say which Quire row each WXR record became; they are what
-- makes a re-import change nothing but add what is new. A map keeps its
-- row when the Quire post or comment is deleted (the id goes NULL): what
-- an admin deleted after an import stays deleted on the next one.
CREATE TABLE import_sources (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_url   text NOT NULL UNIQUE CHECK (length(site_url) <= 2000),
    title      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);

-- WXR authors by login (items name their author by login, not id).
CREATE TABLE import_users (
    source_id bigint NOT NULL REFERENCES import_sources (id) ON DELETE CASCADE,
    login     text NOT NULL,
    wxr_id    bigint NOT NULL DEFAULT 0,
    user_id   bigint REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (source_id, login)
);

-- Posts and pages by wp:post_id. sticky keeps WordPress's flag, which
-- Quire does not show, so that an export gives it back.
CREATE TABLE import_posts (
    source_id bigint NOT NULL REFERENCES import_sources (id) ON DELETE CASCADE,
    wxr_id    bigint NOT NULL,
    post_id   bigint REFERENCES posts (id) ON DELETE SET NULL,
    sticky    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (source_id, wxr_id)
);
CREATE INDEX import_posts_post_idx ON import_posts (post_id);

-- Comments by wp:comment_id. wxr_type keeps "trackback", which Quire
-- stores as a pingback-kind row, so that an export writes it back.
CREATE TABLE import_comments (
    source_id  bigint NOT NULL REFERENCES import_sources (id) ON DELETE CASCADE,
    wxr_id     bigint NOT NULL,
    comment_id bigint REFERENCES comments (id) ON DELETE SET NULL,
    wxr_type   text NOT NULL DEFAULT '',
    PRIMARY KEY (source_id, wxr_id)
);
CREATE INDEX import_comments_comment_idx ON import_comments (comment_id);

-- Old permalinks (the path of wp:link under --old-base-url, without a
-- trailing slash) answer 301 to the post's current address.
CREATE TABLE redirects (
    path       text PRIMARY KEY CHECK (length(path) BETWEEN 1 AND 2000),
    post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX redirects_post_idx ON redirects (post_id);

-- Imports started from the admin page: the uploaded file is kept in 1 MB
-- chunks (any node's worker can read it, and reading it streams), the
-- progress and the report are written by the background job.
CREATE TABLE import_jobs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    file_name   text NOT NULL DEFAULT '' CHECK (length(file_name) <= 255),
    size        bigint NOT NULL DEFAULT 0,
    options     jsonb NOT NULL DEFAULT '{}',
    state       text NOT NULL DEFAULT 'uploading'
                CHECK (state IN ('uploading','queued','running','done','failed')),
    bytes_done  bigint NOT NULL DEFAULT 0,
    report      jsonb NOT NULL DEFAULT '{}',
    error       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_jobs_created_idx ON import_jobs (id DESC);

CREATE TABLE import_chunks (
    job_id bigint NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    seq    int NOT NULL,
    data   bytea NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- +goose Down
DROP TABLE import_chunks, import_jobs, redirects, import_comments, import_posts, import_users, import_sources;
