-- +goose Up

-- Posts and (later) pages. A post is public when
--   status IN ('published','scheduled') AND published_at <= now()
-- so a scheduled post appears on its own at its time, with no cron. Every
-- public list query carries exactly the predicate of the partial indexes
-- below (kind = 'post' AND status IN ('published','scheduled')) and reads
-- them in (published_at DESC, id DESC) order with keyset pagination.
CREATE TABLE posts (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id      bigint NOT NULL REFERENCES users (id),
    editor_id      bigint REFERENCES users (id) ON DELETE SET NULL, -- who saved this version
    kind           text NOT NULL DEFAULT 'post' CHECK (kind IN ('post','page')),
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    slug           text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    body_format    text NOT NULL DEFAULT 'markdown' CHECK (body_format IN ('markdown','html')),
    body_source    text NOT NULL DEFAULT '',
    body_html      text NOT NULL DEFAULT '',
    body_text      text NOT NULL DEFAULT '', -- plain text of body_html, for search and snippets
    excerpt_source text NOT NULL DEFAULT '',
    excerpt_html   text NOT NULL DEFAULT '',
    status         text NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft','pending','scheduled','published','trashed')),
    published_at   timestamptz,
    comment_policy text NOT NULL DEFAULT 'open' CHECK (comment_policy IN ('open','members','closed')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    search         tsvector GENERATED ALWAYS AS (
                       setweight(to_tsvector('english', title), 'A') ||
                       setweight(to_tsvector('english', body_text), 'B')) STORED,
    CHECK (status NOT IN ('published','scheduled') OR published_at IS NOT NULL)
);
CREATE UNIQUE INDEX posts_kind_slug_key ON posts (kind, slug);
-- Front page, month archive, feeds, sitemap, prev/next. slug and updated_at
-- ride along so the sitemap and the month list are index-only scans.
CREATE INDEX posts_public_idx ON posts (published_at DESC, id DESC) INCLUDE (slug, updated_at)
    WHERE kind = 'post' AND status IN ('published','scheduled');
-- Author pages and author feeds.
CREATE INDEX posts_public_author_idx ON posts (author_id, published_at DESC, id DESC)
    WHERE kind = 'post' AND status IN ('published','scheduled');
-- The editors' lists: by author, by status, newest first.
CREATE INDEX posts_author_idx ON posts (author_id, id DESC);
CREATE INDEX posts_status_idx ON posts (status, id DESC);
CREATE INDEX posts_search_idx ON posts USING gin (search);

-- Slugs a post had before, so old URLs answer 301 to the current one.
CREATE TABLE post_old_slugs (
    kind       text NOT NULL DEFAULT 'post',
    slug       text NOT NULL,
    post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, slug)
);
CREATE INDEX post_old_slugs_post_idx ON post_old_slugs (post_id);

CREATE TABLE terms (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('tag','category')),
    slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    UNIQUE (kind, slug)
);

-- post_terms copies the post's published_at and public-listing flag so a tag
-- or category page is one index range scan in (published_at DESC) order,
-- not a sort of every post carrying the term. Triggers keep the copy exact
-- whoever writes the posts (the editor, the API, the WXR importer).
CREATE TABLE post_terms (
    post_id      bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    term_id      bigint NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    listed       boolean NOT NULL DEFAULT false,
    published_at timestamptz,
    PRIMARY KEY (post_id, term_id)
);
CREATE INDEX post_terms_public_idx ON post_terms (term_id, published_at DESC, post_id DESC) WHERE listed;

-- +goose StatementBegin
CREATE FUNCTION post_terms_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT p.kind = 'post' AND p.status IN ('published','scheduled'), p.published_at
      INTO NEW.listed, NEW.published_at
      FROM posts p WHERE p.id = NEW.post_id;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER post_terms_fill BEFORE INSERT ON post_terms
    FOR EACH ROW EXECUTE FUNCTION post_terms_fill();

-- +goose StatementBegin
CREATE FUNCTION posts_sync_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE post_terms
       SET listed = NEW.kind = 'post' AND NEW.status IN ('published','scheduled'),
           published_at = NEW.published_at
     WHERE post_id = NEW.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER posts_sync_terms AFTER UPDATE OF kind, status, published_at ON posts
    FOR EACH ROW
    WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.published_at IS DISTINCT FROM NEW.published_at)
    EXECUTE FUNCTION posts_sync_terms();

-- Every save of a published post keeps the version it replaces.
CREATE TABLE revisions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id        bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    editor_id      bigint REFERENCES users (id) ON DELETE SET NULL,
    title          text NOT NULL,
    slug           text NOT NULL,
    body_format    text NOT NULL,
    body_source    text NOT NULL,
    excerpt_source text NOT NULL,
    created_at     timestamptz NOT NULL -- when this version was saved
);
CREATE INDEX revisions_post_idx ON revisions (post_id, id DESC);

-- Comments close on their own this many days after publication (0: never).
INSERT INTO settings (key, value) VALUES ('comments_close_after_days', '0')
    ON CONFLICT (key) DO NOTHING;

-- +goose Down
DELETE FROM settings WHERE key = 'comments_close_after_days';
DROP TABLE revisions, post_terms, terms, post_old_slugs, posts;
DROP FUNCTION posts_sync_terms, post_terms_fill;
