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

// FeaturedImages returns the featured images of the posts in ids that have
// one, by post id: one query for a whole list page.
func FeaturedImages(ctx context.Context, db DB, ids []int64) (map[int64]*Media, error) {
	rows, err := db.Query(ctx, `SELECT p.id, `+mediaCols+` FROM posts p JOIN media m ON m.id = p.featured_media_id
		JOIN users u ON u.id = m.uploader_id WHERE p.id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]*Media{}
	var postID int64
	var m Media
	_, err = pgx.ForEachRow(rows, []any{&postID, &m.ID, &m.UploaderID, &m.Uploader, &m.Hash, &m.Name, &m.ContentType, &m.Source,
		&m.OriginalName, &m.Width, &m.Height, &m.Bytes, &m.Variants, &m.Alt, &m.Caption, &m.CreatedAt, &m.UpdatedAt}, func() error {
		cp := m
		out[postID] = &cp
		return nil
	})
	return out, err
}

// MediaByHashes returns the library's images with the given hashes, by
// hash (the media_hash_idx index): the images a post's body shows.
func MediaByHashes(ctx context.Context, db DB, hashes []string) (map[string]*Media, error) {
	rows, err := db.Query(ctx, `SELECT `+mediaCols+` FROM media m JOIN users u ON u.id = m.uploader_id
		WHERE m.hash = ANY($1) ORDER BY m.id`, hashes)
	if err != nil {
		return nil, err
	}
	ms, err := pgx.CollectRows(rows, scanMedia)
	out := make(map[string]*Media, len(ms))
	for _, m := range ms {
		if out[m.Hash] == nil {
			out[m.Hash] = m
		}
	}
	return out, err
}
