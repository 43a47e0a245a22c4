-- +goose Up

-- Comment submission (issue 16): every check a new comment makes must be a
-- narrow range whatever the size of the post's thread. The duplicate rule
-- (the same body on the same post from the same sender within a day) was
-- answered from comments_post_status_idx, every comment of the post, so a
-- comment on a busy post cost more the busier it was. This index goes
-- straight to the post's comments with the same body (a hash, so a 100 KB
-- body is a 32-byte key), newest last; the sender is checked on those few.
CREATE INDEX comments_dup_idx ON comments (post_id, md5(body_source), created_at);

-- +goose Down
DROP INDEX comments_dup_idx;
