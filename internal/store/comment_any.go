package store

import "context"

// HasComments reports whether post postID has any response at all,
// whatever its kind or status.
func HasComments(ctx context.Context, db DB, postID int64) (bool, error) {
	var has bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM comments WHERE post_id = $1)`, postID).Scan(&has)
	return has, err
}
