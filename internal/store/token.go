package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
)

// Token is an API token's record; the secret itself is never stored.
type Token struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// CreateToken stores a token hash for userID and returns its id.
func CreateToken(ctx context.Context, db DB, userID int64, name string, hash []byte) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($1,$2,$3) RETURNING id`, userID, name, hash).Scan(&id)
	return id, err
}

// UserByToken returns the enabled user owning the unrevoked token with hash,
// and marks the token used (at most once a minute, to spare writes).
func UserByToken(ctx context.Context, db DB, hash []byte) (*account.User, error) {
	u, err := scanUser(db.QueryRow(ctx, `SELECT `+prefixed("u.", userCols)+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT u.disabled`, hash))
	if err != nil {
		return nil, err
	}
	_, err = db.Exec(ctx, `UPDATE api_tokens SET last_used_at = now()
		WHERE token_hash = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, hash)
	return u, err
}

// RevokeToken revokes the token with hash (when hash is non-nil) or id.
// Returns apperr.ErrNotFound if no live token matched.
func RevokeToken(ctx context.Context, db DB, id int64, hash []byte) error {
	tag, err := db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now()
		WHERE revoked_at IS NULL AND (($2::bytea IS NOT NULL AND token_hash = $2) OR ($2::bytea IS NULL AND id = $1))`, id, hash)
	if err == nil && tag.RowsAffected() == 0 {
		return apperr.ErrNotFound
	}
	return err
}

// Tokens lists a user's tokens, newest first.
func Tokens(ctx context.Context, db DB, userID int64) ([]Token, error) {
	rows, err := db.Query(ctx, `SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Token])
}

// prefixed qualifies each column of a comma-separated list with p.
func prefixed(p, cols string) string {
	out := make([]byte, 0, len(cols)*2)
	start := true
	for i := 0; i < len(cols); i++ {
		c := cols[i]
		if start && c != ' ' && c != '\n' && c != '\t' {
			out = append(out, p...)
			start = false
		}
		if c == ',' {
			start = true
		}
		out = append(out, c)
	}
	return string(out)
}
