-- +goose Up

-- The moderation rules probe a new comment's e-mail address: is it
-- known (an approved comment from it), how many comments came from it
-- lately, does it repeat itself. A batch of comments reads them with one
-- statement over arrays, so the planner does not see the addresses and
-- estimates one as matching a 1/ndistinct share of the table. On a blog
-- whose comments mostly have no address (imported without them,
-- pingbacks and webmentions, guests where the address is optional) that
-- share was nearly every row, and it scanned the table for each comment.
-- Comments without an address are left out of the two indexes: what is
-- left is what the probes can match, and the planner then sizes an
-- address's share by it. The indexes also stop growing with linkbacks.
DROP INDEX comments_known_idx;
CREATE INDEX comments_known_idx ON comments (lower(author_email)) WHERE status = 'approved' AND author_email <> '';
DROP INDEX comments_email_idx;
CREATE INDEX comments_email_idx ON comments (lower(author_email), created_at) WHERE author_email <> '';

-- +goose Down
DROP INDEX comments_email_idx;
CREATE INDEX comments_email_idx ON comments (lower(author_email), created_at);
DROP INDEX comments_known_idx;
CREATE INDEX comments_known_idx ON comments (lower(author_email)) WHERE status = 'approved';
