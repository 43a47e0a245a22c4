package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Invitation is an open invitation to create an account (migration 00025).
type Invitation struct {
	ID        int64
	Email     string
	Role      string
	InvitedBy string // the inviting admin's name; "" once their account is gone
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateInvitation stores an invitation of email in role by byID, ending
// the address's open ones (their links stop working), and returns its id.
func CreateInvitation(ctx context.Context, db DB, email, role string, byID int64, expires time.Time) (int64, error) {
	if _, err := db.Exec(ctx, `UPDATE invitations SET ended_at = clock_timestamp(), ended_how = 'replaced'
		WHERE lower(email) = lower($1) AND ended_at IS NULL`, email); err != nil {
		return 0, err
	}
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO invitations (email, role, invited_by, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		email, role, nullID(byID), expires).Scan(&id)
	return id, err
}

const invitationCols = `i.id, i.email, i.role, coalesce(nullif(u.display_name, ''), u.username, ''), i.created_at, i.expires_at
	FROM invitations i LEFT JOIN users u ON u.id = i.invited_by`

func scanInvitation(row pgx.CollectableRow) (Invitation, error) {
	var i Invitation
	err := row.Scan(&i.ID, &i.Email, &i.Role, &i.InvitedBy, &i.CreatedAt, &i.ExpiresAt)
	return i, err
}

// OpenInvitation returns invitation id while it may still be used (not
// ended, not expired at now), else apperr.ErrNotFound.
func OpenInvitation(ctx context.Context, db DB, id int64, now time.Time) (*Invitation, error) {
	rows, _ := db.Query(ctx, `SELECT `+invitationCols+` WHERE i.id = $1 AND i.ended_at IS NULL AND i.expires_at > $2`, id, now)
	i, err := pgx.CollectExactlyOneRow(rows, scanInvitation)
	if err != nil {
		return nil, notFound(err)
	}
	return &i, nil
}

// OpenInvitations lists the invitations not yet used, withdrawn or
// expired at now, newest first, at most limit.
func OpenInvitations(ctx context.Context, db DB, now time.Time, limit int) ([]Invitation, error) {
	rows, _ := db.Query(ctx, `SELECT `+invitationCols+` WHERE i.ended_at IS NULL AND i.expires_at > $1
		ORDER BY i.created_at DESC, i.id DESC LIMIT $2`, now, limit)
	return pgx.CollectRows(rows, scanInvitation)
}

// EndInvitation ends open invitation id ("used" or "revoked") and
// reports whether it was open: a link is used once.
func EndInvitation(ctx context.Context, db DB, id int64, how string) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE invitations SET ended_at = clock_timestamp(), ended_how = $2 WHERE id = $1 AND ended_at IS NULL`, id, how)
	return tag.RowsAffected() == 1, err
}
