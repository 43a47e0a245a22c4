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

// LastLoginFailure returns when key last failed (zero if never since since).
func LastLoginFailure(ctx context.Context, db DB, key string, since time.Time) (time.Time, error) {
	var last *time.Time
	err := db.QueryRow(ctx, `SELECT max(at) FROM login_failures WHERE key = $1 AND at > $2`, key, since).Scan(&last)
	if last == nil {
		return time.Time{}, err
	}
	return *last, err
}

// RememberLogin notes that user signed in from ip.
func RememberLogin(ctx context.Context, db DB, userID int64, ip string) error {
	_, err := db.Exec(ctx, `INSERT INTO known_logins (user_id, ip) VALUES ($1, $2)
		ON CONFLICT (user_id, ip) DO UPDATE SET last_at = now()`, userID, ip)
	return err
}

// KnownLogin reports whether user signed in from ip since since.
func KnownLogin(ctx context.Context, db DB, userID int64, ip string, since time.Time) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM known_logins WHERE user_id = $1 AND ip = $2 AND last_at > $3)`,
		userID, ip, since).Scan(&ok)
	return ok, err
}

// PruneKnownLogins forgets addresses not used since before.
func PruneKnownLogins(ctx context.Context, db DB, before time.Time) error {
	_, err := db.Exec(ctx, `DELETE FROM known_logins WHERE last_at < $1`, before)
	return err
}
