package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire/internal/comment"
	"quire/internal/post"
)

// Dashboard holds the figures of the admin landing page.
type Dashboard struct {
	Posts      map[post.Status]int  // posts (not pages) by status
	Held       map[comment.Kind]int // responses waiting for moderation, by kind
	GuestQueue int                  // guest submissions waiting for review
	Recent     []RecentComment      // the newest approved responses
}

// DashboardFigures counts posts by status — every author's when authorID
// is 0, else that author's — and, when moderation is true, the held
// responses by kind. Recent holds the newest approved responses on those
// posts, at most recent. Each count is one indexed aggregate.
func DashboardFigures(ctx context.Context, db DB, authorID int64, moderation bool, recent int) (*Dashboard, error) {
	d := &Dashboard{Posts: map[post.Status]int{}, Held: map[comment.Kind]int{}}
	rows, err := db.Query(ctx, `SELECT status, count(*) FROM posts WHERE kind = 'post' AND ($1 = 0 OR author_id = $1)
		GROUP BY status`, authorID)
	if err != nil {
		return nil, err
	}
	var st string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&st, &n}, func() error { d.Posts[post.Status(st)] = n; return nil }); err != nil {
		return nil, err
	}
	if moderation {
		rows, err := db.Query(ctx, `SELECT kind, count(*) FROM comments WHERE status = 'held' GROUP BY kind`)
		if err != nil {
			return nil, err
		}
		if _, err := pgx.ForEachRow(rows, []any{&st, &n}, func() error { d.Held[comment.Kind(st)] = n; return nil }); err != nil {
			return nil, err
		}
	}
	rows, err = db.Query(ctx, `SELECT `+threadCols+`, p.title, p.slug, p.created_at FROM comments c JOIN posts p ON p.id = c.post_id
		WHERE c.status = 'approved' AND ($1 = 0 OR p.author_id = $1)
		ORDER BY c.created_at DESC, c.id DESC LIMIT $2`, authorID, recent)
	if err != nil {
		return nil, err
	}
	d.Recent, err = collectRecent(rows)
	return d, err
}

// collectRecent scans rows of threadCols plus the post's title, slug and
// creation time.
func collectRecent(rows pgx.Rows) ([]RecentComment, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (RecentComment, error) {
		var r commentRow
		var rc RecentComment
		err := row.Scan(append(r.dest(), &rc.PostTitle, &rc.PostSlug, &rc.PostCreated)...)
		rc.Comment = r.comment()
		return rc, err
	})
}

// MarkSignedIn records a sign-in and reports whether it was the user's
// first.
func MarkSignedIn(ctx context.Context, db DB, userID int64) (first bool, err error) {
	err = db.QueryRow(ctx, `UPDATE users u SET signed_in_at = now() FROM (SELECT signed_in_at FROM users WHERE id = $1) old
		WHERE u.id = $1 RETURNING old.signed_in_at IS NULL`, userID).Scan(&first)
	return first, err
}
