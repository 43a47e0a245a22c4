-- +goose Up

-- A post's pinned comment: one comment a moderator shows above the
-- post's thread, on its first page, as Disqus pins one. The thread's
-- kept counts are read with it, so a post without one costs nothing more.
-- No foreign key: every deletion of a comment would have to look here;
-- the page reads the comment by id, on this post and approved, and shows
-- nothing when it is gone or not public.
ALTER TABLE posts ADD COLUMN pinned_comment_id bigint;

-- +goose Down
ALTER TABLE posts DROP COLUMN pinned_comment_id;
