package store

import (
	"context"
	"time"
)

// PendingSignup is a sign-up waiting for its address to be confirmed.
type PendingSignup struct {
	ID           int64
	Username     string
	Email        string
	DisplayName  string
	PasswordHash string
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

// PutPendingSignup stores p, replacing any earlier sign-up for the same
// address (its link dies: the token names created_at). ID and CreatedAt are
// filled in.
func PutPendingSignup(ctx context.Context, db DB, p *PendingSignup) error {
	return db.QueryRow(ctx, `INSERT INTO pending_signups (username, email, display_name, password_hash, expires_at)
		VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (lower(email)) DO UPDATE SET username = EXCLUDED.username, email = EXCLUDED.email,
			display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,
			created_at = clock_timestamp(), expires_at = EXCLUDED.expires_at
		RETURNING id, created_at`, p.Username, p.Email, p.DisplayName, p.PasswordHash, p.ExpiresAt).Scan(&p.ID, &p.CreatedAt)
}

// PendingSignupByID returns the sign-up with id, or apperr.ErrNotFound.
func PendingSignupByID(ctx context.Context, db DB, id int64) (*PendingSignup, error) {
	var p PendingSignup
	err := db.QueryRow(ctx, `SELECT id, username, email, display_name, password_hash, created_at, expires_at
		FROM pending_signups WHERE id = $1`, id).
		Scan(&p.ID, &p.Username, &p.Email, &p.DisplayName, &p.PasswordHash, &p.CreatedAt, &p.ExpiresAt)
	if err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// DeletePendingSignup removes the sign-up with id.
func DeletePendingSignup(ctx context.Context, db DB, id int64) error {
	_, err := db.Exec(ctx, `DELETE FROM pending_signups WHERE id = $1`, id)
	return err
}

// PrunePendingSignups deletes member sign-ups that expired before now.
func PrunePendingSignups(ctx context.Context, db DB, now time.Time) error {
	_, err := db.Exec(ctx, `DELETE FROM pending_signups WHERE expires_at < $1`, now)
	return err
}
