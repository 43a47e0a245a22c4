package store

import (
	"context"
	"time"
)

// SessionRow is a server-side session.
type SessionRow struct {
	UserID     *int64
	Data       map[string]string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// SessionByHash returns the live session with idHash: not expired, and seen
// within idle. Returns apperr.ErrNotFound otherwise.
func SessionByHash(ctx context.Context, db DB, idHash []byte, idle time.Duration) (*SessionRow, error) {
	var s SessionRow
	err := db.QueryRow(ctx, `SELECT user_id, data, created_at, last_seen_at, expires_at FROM sessions
		WHERE id_hash = $1 AND expires_at > now() AND last_seen_at > now() - $2::interval`, idHash, idle).
		Scan(&s.UserID, &s.Data, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
	if err != nil {
		return nil, notFound(err)
	}
	return &s, nil
}

// SaveSession inserts or updates the session with idHash.
func SaveSession(ctx context.Context, db DB, idHash []byte, userID *int64, data map[string]string, expires time.Time) error {
	if data == nil {
		data = map[string]string{}
	}
	_, err := db.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, data, expires_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (id_hash) DO UPDATE SET user_id = $2, data = $3, last_seen_at = now()`, idHash, userID, data, expires)
	return err
}

// TouchSession moves last_seen_at forward (idle expiry) at most once a minute.
func TouchSession(ctx context.Context, db DB, idHash []byte) error {
	_, err := db.Exec(ctx, `UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1 AND last_seen_at < now() - interval '1 minute'`, idHash)
	return err
}

// DeleteSession removes one session (sign-out).
func DeleteSession(ctx context.Context, db DB, idHash []byte) error {
	_, err := db.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return err
}

// PruneSessions deletes expired sessions.
func PruneSessions(ctx context.Context, db DB) error {
	_, err := db.Exec(ctx, `DELETE FROM sessions WHERE expires_at < now()`)
	return err
}
