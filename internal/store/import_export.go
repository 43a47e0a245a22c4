package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire/internal/post"
)

// ExportUser is an author as the WXR export writes it.
type ExportUser struct {
	ID          int64
	Username    string
	Email       string
	DisplayName string
}

// ExportAuthors lists the users who wrote at least one post or page, by id.
func ExportAuthors(ctx context.Context, db DB) ([]ExportUser, error) {
	rows, err := db.Query(ctx, `SELECT id, username, email, display_name FROM users u
		WHERE EXISTS (SELECT 1 FROM posts p WHERE p.author_id = u.id) ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ExportUser])
}

// AllTerms lists every tag and category, categories first, by id.
func AllTerms(ctx context.Context, db DB) ([]post.Term, error) {
	rows, err := db.Query(ctx, `SELECT id, kind, slug, name FROM terms ORDER BY kind, id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[post.Term])
}

// ExportPost is a post with what only the export needs: the slugs it had
// before.
type ExportPost struct {
	*post.Post
	OldSlugs []string
}

// ExportPosts returns up to limit posts and pages of every status with id
// greater than afterID, by id, with their terms: the export's keyset page.
func ExportPosts(ctx context.Context, db DB, afterID int64, limit int) ([]ExportPost, error) {
	rows, err := db.Query(ctx, `SELECT `+postCols+` FROM posts p JOIN users u ON u.id = p.author_id
		WHERE p.id > $1 ORDER BY p.id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, err
	}
	ps, err := collectPosts(rows)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	if err := loadTerms(ctx, db, ps); err != nil {
		return nil, err
	}
	ids := make([]int64, len(ps))
	out := make([]ExportPost, len(ps))
	byID := make(map[int64]*ExportPost, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
		out[i] = ExportPost{Post: p}
		byID[p.ID] = &out[i]
	}
	rows, err = db.Query(ctx, `SELECT post_id, slug FROM post_old_slugs WHERE post_id = ANY($1) ORDER BY 1, 2`, ids)
	if err != nil {
		return nil, err
	}
	var id int64
	var slug string
	_, err = pgx.ForEachRow(rows, []any{&id, &slug}, func() error {
		byID[id].OldSlugs = append(byID[id].OldSlugs, slug)
		return nil
	})
	return out, err
}

// ExportComment is a comment of any status with the WXR type it was
// imported as ("trackback" for a pingback-kind row that was one), if any.
type ExportComment struct {
	Comment
	WXRType string
}

// ExportComments returns every comment of postID, whatever its status, in
// thread order (parents before replies).
func ExportComments(ctx context.Context, db DB, postID int64) ([]ExportComment, error) {
	rows, err := db.Query(ctx, `SELECT `+commentCols+`, coalesce((SELECT m.wxr_type FROM import_comments m
		WHERE m.comment_id = c.id LIMIT 1), '') FROM comments c WHERE c.post_id = $1 ORDER BY c.path COLLATE "C"`, postID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ExportComment, error) {
		var r commentRow
		var out ExportComment
		err := row.Scan(&r.ID, &r.PostID, &r.ParentID, &r.Depth, &r.Path, &r.Kind, &r.Status, &r.AuthorName,
			&r.AuthorEmail, &r.AuthorURL, &r.UserID, &r.BodySource, &r.BodyHTML, &r.SourceURL, &r.Title, &r.SiteName,
			&r.IP, &r.UserAgent, &r.Reasons, &r.Notify, &r.CreatedAt, &r.UpdatedAt, &out.WXRType)
		out.Comment = r.comment()
		return out, err
	})
}
