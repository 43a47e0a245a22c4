-- +goose Up

-- Page-sized reads of a post's thread (issue 16).
--
-- A post page shows one page of top-level threads. A "shown root" is an
-- approved comment that comment.BuildThread puts at top level: it has no
-- parent, or its parent is not approved (an orphan). In path order the
-- approved comments of a post fall into consecutive blocks, one per shown
-- root, so a page of roots is one range of comments_thread_idx between
-- two root paths. shown_root is kept on the row so the roots of a post are
-- one narrow partial index (comments_roots_idx).
--
-- posts.comment_count (approved comments and linkbacks) and
-- posts.root_count (shown roots: the page count) are kept by triggers, not
-- by the handlers, because a comment's status changes in many places (the
-- moderation queue, guest edits and deletes, linkback verification, the
-- importer, a parent deleted with ON DELETE SET NULL) and because a parent's
-- change of status changes its replies' shown_root: a trigger cannot be
-- forgotten by a future code path, and it runs in the same transaction as
-- the change, so the counts are never stale.
ALTER TABLE comments ADD COLUMN shown_root boolean NOT NULL DEFAULT true;
ALTER TABLE posts ADD COLUMN comment_count int NOT NULL DEFAULT 0,
                  ADD COLUMN root_count int NOT NULL DEFAULT 0;
-- Every approved comment now updates its post's row. With room left on
-- each page those updates are HOT (no indexed column changes), so the
-- seven indexes of posts do not grow with the comments.
ALTER TABLE posts SET (fillfactor = 90);

UPDATE comments c SET shown_root = c.parent_id IS NULL
    OR NOT EXISTS (SELECT 1 FROM comments p WHERE p.id = c.parent_id AND p.status = 'approved');
UPDATE posts p SET comment_count = n.all, root_count = n.roots
    FROM (SELECT post_id, count(*) AS all, count(*) FILTER (WHERE shown_root) AS roots
          FROM comments WHERE status = 'approved' GROUP BY post_id) n
    WHERE n.post_id = p.id;

CREATE INDEX comments_roots_idx ON comments (post_id, path) WHERE status = 'approved' AND shown_root;
-- A post's comment feed, newest first, without walking the site's.
CREATE INDEX comments_post_recent_idx ON comments (post_id, created_at DESC, id DESC) WHERE status = 'approved';

-- +goose StatementBegin
CREATE FUNCTION comments_shown_root() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.shown_root := NEW.parent_id IS NULL
        OR NOT EXISTS (SELECT 1 FROM comments p WHERE p.id = NEW.parent_id AND p.status = 'approved');
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER comments_shown_root BEFORE INSERT OR UPDATE OF parent_id, status ON comments
    FOR EACH ROW EXECUTE FUNCTION comments_shown_root();

-- The counts move once per statement and post, from the statement's
-- transition tables: a row-level trigger would update the post's row once
-- per comment, and many updates of one row in one transaction (an import,
-- a bulk approval) walk an ever longer chain of its versions.
-- +goose StatementBegin
CREATE FUNCTION comments_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- plpgsql plans each statement when first run, so each branch may
    -- name only the transition tables its trigger declares.
    IF TG_OP = 'INSERT' THEN
        UPDATE posts p SET comment_count = p.comment_count + d.n, root_count = p.root_count + d.r
        FROM (SELECT post_id, count(*) AS n, count(*) FILTER (WHERE shown_root) AS r
              FROM new_rows WHERE status = 'approved' GROUP BY post_id) d
        WHERE p.id = d.post_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE posts p SET comment_count = p.comment_count - d.n, root_count = p.root_count - d.r
        FROM (SELECT post_id, count(*) AS n, count(*) FILTER (WHERE shown_root) AS r
              FROM old_rows WHERE status = 'approved' GROUP BY post_id) d
        WHERE p.id = d.post_id;
    ELSE
        UPDATE posts p SET comment_count = p.comment_count + d.n, root_count = p.root_count + d.r
        FROM (SELECT post_id, sum(n) AS n, sum(r) AS r FROM (
                  SELECT post_id, -1 AS n, -(shown_root::int) AS r FROM old_rows WHERE status = 'approved'
                  UNION ALL
                  SELECT post_id, 1, shown_root::int FROM new_rows WHERE status = 'approved') x
              GROUP BY post_id HAVING sum(n) <> 0 OR sum(r) <> 0) d
        WHERE p.id = d.post_id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER comments_counts_insert AFTER INSERT ON comments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION comments_counts();
CREATE TRIGGER comments_counts_update AFTER UPDATE ON comments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION comments_counts();
CREATE TRIGGER comments_counts_delete AFTER DELETE ON comments REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION comments_counts();

-- A comment that became or stopped being approved makes its replies
-- orphans or attaches them again: touching parent_id makes the BEFORE
-- trigger recompute their shown_root, and that statement's own count
-- trigger counts the change.
-- +goose StatementBegin
CREATE FUNCTION comments_reattach() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE comments SET parent_id = parent_id WHERE parent_id = NEW.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER comments_reattach AFTER UPDATE ON comments
    FOR EACH ROW WHEN ((OLD.status = 'approved') IS DISTINCT FROM (NEW.status = 'approved'))
    EXECUTE FUNCTION comments_reattach();

-- The page cache (internal/pagecache) of every node hears of each change
-- to what a public page shows through the invalidation bus's channel
-- (internal/invalidate): "thread:<post id>" when a post's public thread may
-- have changed (a comment approved, edited, unapproved or removed), "post:<id>"
-- when a post changed (any column but the kept counts), "site:" when
-- users or terms changed. Triggers, so no code path can forget them, and
-- NOTIFY is sent at commit, never for a rollback.
-- +goose StatementBegin
CREATE FUNCTION comments_notify_thread() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'approved' THEN
        PERFORM pg_notify('quire_invalidate', 'thread:' || OLD.post_id);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'approved' THEN
        PERFORM pg_notify('quire_invalidate', 'thread:' || NEW.post_id);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER comments_notify_thread AFTER INSERT OR UPDATE OR DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION comments_notify_thread();

-- +goose StatementBegin
CREATE FUNCTION posts_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - 'comment_count' - 'root_count') = (to_jsonb(NEW) - 'comment_count' - 'root_count') THEN
        RETURN NULL; -- only the kept counts moved: the thread's own notice covers it
    END IF;
    PERFORM pg_notify('quire_invalidate', 'post:' || CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER posts_notify AFTER INSERT OR UPDATE OR DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_notify();

-- Per row, not per statement: a statement that touches no row (saving a
-- post's unchanged tags) must not empty every cache. NOTIFY folds the
-- identical payloads of one transaction into one.
-- +goose StatementBegin
CREATE FUNCTION site_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('quire_invalidate', 'site:' || TG_TABLE_NAME);
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER users_notify AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION site_notify();
CREATE TRIGGER terms_notify AFTER INSERT OR UPDATE OR DELETE ON terms
    FOR EACH ROW EXECUTE FUNCTION site_notify();
CREATE TRIGGER post_terms_notify AFTER INSERT OR UPDATE OR DELETE ON post_terms
    FOR EACH ROW EXECUTE FUNCTION site_notify();

-- +goose Down
DROP TRIGGER post_terms_notify ON post_terms;
DROP TRIGGER terms_notify ON terms;
DROP TRIGGER users_notify ON users;
DROP TRIGGER posts_notify ON posts;
DROP TRIGGER comments_notify_thread ON comments;
DROP FUNCTION site_notify, posts_notify, comments_notify_thread;
DROP TRIGGER comments_reattach ON comments;
DROP TRIGGER comments_counts_insert ON comments;
DROP TRIGGER comments_counts_update ON comments;
DROP TRIGGER comments_counts_delete ON comments;
DROP TRIGGER comments_shown_root ON comments;
DROP FUNCTION comments_reattach, comments_counts, comments_shown_root;
DROP INDEX comments_roots_idx, comments_post_recent_idx;
ALTER TABLE posts RESET (fillfactor);
ALTER TABLE posts DROP COLUMN comment_count, DROP COLUMN root_count;
ALTER TABLE comments DROP COLUMN shown_root;
