package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Autosave is the editor's unsaved copy of a post (PostID 0: not yet
// created) for one user.
type Autosave struct {
	PostID  int64
	Title   string
	Body    string
	SavedAt time.Time
}

// PutAutosave stores userID's unsaved copy, replacing the last one.
func PutAutosave(ctx context.Context, db DB, userID int64, a Autosave) error {
	_, err := db.Exec(ctx, `INSERT INTO autosaves (user_id, post_id, title, body) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, post_id) DO UPDATE SET title = $3, body = $4, saved_at = now()`, userID, a.PostID, a.Title, a.Body)
	return err
}

// AutosaveOf returns userID's unsaved copy of postID. Errors:
// apperr.ErrNotFound.
func AutosaveOf(ctx context.Context, db DB, userID, postID int64) (*Autosave, error) {
	rows, err := db.Query(ctx, `SELECT post_id, title, body, saved_at FROM autosaves WHERE user_id = $1 AND post_id = $2`, userID, postID)
	if err != nil {
		return nil, err
	}
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByPos[Autosave])
	return a, notFound(err)
}

// DropAutosave deletes userID's unsaved copy of postID, if any.
func DropAutosave(ctx context.Context, db DB, userID, postID int64) error {
	_, err := db.Exec(ctx, `DELETE FROM autosaves WHERE user_id = $1 AND post_id = $2`, userID, postID)
	return err
}
