-- +goose Up

-- Pinned posts ("sticky" in WordPress, whose export's is_sticky now comes
-- in): shown first on the front page's first page, newest pinned first,
-- and in their place in every list as well. Editors and admins pin. The
-- front page reads them through their own small partial index, with the
-- predicate of posts_public_idx.
ALTER TABLE posts ADD COLUMN pinned boolean NOT NULL DEFAULT false;
CREATE INDEX posts_pinned_idx ON posts (published_at DESC, id DESC)
    WHERE pinned AND kind = 'post' AND status IN ('published','scheduled');
-- Posts that were sticky on WordPress were imported with the flag kept
-- for the export only; they are pinned now, as their readers saw them,
-- and the export reads posts.pinned.
UPDATE posts p SET pinned = true FROM import_posts i
    WHERE i.post_id = p.id AND i.sticky AND p.kind = 'post';

-- +goose Down
DROP INDEX posts_pinned_idx;
ALTER TABLE posts DROP COLUMN pinned;
