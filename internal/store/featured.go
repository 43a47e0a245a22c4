package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"quire/internal/apperr"
)

// SetFeatured sets postID's featured image (0 clears it). Errors:
// apperr.Invalid when mediaID names no image, apperr.ErrNotFound when
// postID names no post.
func SetFeatured(ctx context.Context, db DB, postID, mediaID int64) error {
	var m *int64
	if mediaID != 0 {
		m = &mediaID
	}
	tag, err := db.Exec(ctx, `UPDATE posts SET featured_media_id = $2 WHERE id = $1`, postID, m)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" { // foreign_key_violation
		return apperr.FieldErrors("Please correct the marked fields.", map[string]string{"featured_media_id": "No such image in the media library."})
	}
	if err == nil && tag.RowsAffected() == 0 {
		return apperr.ErrNotFound
	}
	return err
}

// Featured returns postID's featured image. Errors: apperr.ErrNotFound
// when it has none.
func Featured(ctx context.Context, db DB, postID int64) (*Media, error) {
	rows, err := db.Query(ctx, `SELECT `+mediaCols+` FROM posts p JOIN media m ON m.id = p.featured_media_id
		JOIN users u ON u.id = m.uploader_id WHERE p.id = $1`, postID)
	if err != nil {
		return nil, err
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMedia)
	return m, notFound(err)
}
