package store

import (
	"context"

	"quire/internal/apperr"
)

// SetAvatar sets a user's avatar URL (an uploaded image's address).
func SetAvatar(ctx context.Context, db DB, userID int64, url string) error {
	tag, err := db.Exec(ctx, `UPDATE users SET avatar_url = $2, updated_at = now() WHERE id = $1`, userID, url)
	if err == nil && tag.RowsAffected() == 0 {
		return apperr.ErrNotFound
	}
	return err
}
