package store

import (
	"context"
	"time"
)

// RecordLoginFailure notes a failed sign-in under each key (e.g. "user:ann",
// "ip:203.0.113.9").
func RecordLoginFailure(ctx context.Context, db DB, keys ...string) error {
	for _, k := range keys {
		if _, err := db.Exec(ctx, `INSERT INTO login_failures (key) VALUES ($1)`, k); err != nil {
			return err
		}
	}
	return nil
}

// LoginFailures returns how many failures key had since since, and when the
// oldest of them happened (to tell the user when to try again).
func LoginFailures(ctx context.Context, db DB, key string, since time.Time) (int, time.Time, error) {
	var n int
	var oldest *time.Time
	err := db.QueryRow(ctx, `SELECT count(*), min(at) FROM login_failures WHERE key = $1 AND at > $2`, key, since).Scan(&n, &oldest)
	if oldest == nil {
		return n, time.Time{}, err
	}
	return n, *oldest, err
}

// ClearLoginFailures forgets key's failures after a successful sign-in.
func ClearLoginFailures(ctx context.Context, db DB, key string) error {
	_, err := db.Exec(ctx, `DELETE FROM login_failures WHERE key = $1`, key)
	return err
}

// PruneLoginFailures deletes failures older than before.
func PruneLoginFailures(ctx context.Context, db DB, before time.Time) error {
	_, err := db.Exec(ctx, `DELETE FROM login_failures WHERE at < $1`, before)
	return err
}
