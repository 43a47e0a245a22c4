package store

import (
	"context"
	"time"
)

// nextScheduledSQL finds the next post to go live by its time alone: the
// first row of posts_public_idx's range after now, read backwards.
const nextScheduledSQL = `SELECT min(published_at) FROM posts
	WHERE kind = 'post' AND status IN ('published','scheduled') AND published_at > now()`

// NextScheduled returns when the next scheduled post becomes public, or
// the zero time when none is waiting. Posts go live by published_at with
// no write, so the page cache drops everything at that time.
func NextScheduled(ctx context.Context, db DB) (time.Time, error) {
	var t *time.Time
	if err := db.QueryRow(ctx, nextScheduledSQL).Scan(&t); err != nil || t == nil {
		return time.Time{}, err
	}
	return *t, nil
}
