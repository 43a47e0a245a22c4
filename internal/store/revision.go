package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire/internal/post"
)

func addRevision(ctx context.Context, db DB, r post.Revision) error {
	var editor *int64
	if r.EditorID != 0 {
		editor = &r.EditorID
	}
	_, err := db.Exec(ctx, `INSERT INTO revisions (post_id, editor_id, title, slug, body_format, body_source, excerpt_source, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, r.PostID, editor, r.Title, r.Slug, r.Format, r.BodySource, r.ExcerptSource, r.CreatedAt)
	return err
}

const revisionCols = `r.id, r.post_id, coalesce(r.editor_id, 0), coalesce(nullif(u.display_name, ''), u.username, ''),
	r.title, r.slug, r.body_format, r.body_source, r.excerpt_source, r.created_at`

// Revisions lists the kept versions of post postID, newest first.
func Revisions(ctx context.Context, db DB, postID int64) ([]post.Revision, error) {
	rows, err := db.Query(ctx, `SELECT `+revisionCols+` FROM revisions r LEFT JOIN users u ON u.id = r.editor_id
		WHERE r.post_id = $1 ORDER BY r.id DESC`, postID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[post.Revision])
}

// RevisionByID returns revision id of post postID. Returns
// apperr.ErrNotFound.
func RevisionByID(ctx context.Context, db DB, postID, id int64) (post.Revision, error) {
	rows, err := db.Query(ctx, `SELECT `+revisionCols+` FROM revisions r LEFT JOIN users u ON u.id = r.editor_id
		WHERE r.post_id = $1 AND r.id = $2`, postID, id)
	if err != nil {
		return post.Revision{}, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[post.Revision])
	return r, notFound(err)
}
