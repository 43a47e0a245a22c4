package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/comment"
	"quire/internal/moderation"
)

// ImportedComment is where a WXR comment went: ID 0 means it was imported
// and has since been deleted.
type ImportedComment struct {
	ID    int64
	Path  string
	Depth int
}

// ImportedComments returns the WXR comments of source among wxrIDs that
// were imported before, by WXR id.
func ImportedComments(ctx context.Context, db DB, sourceID int64, wxrIDs []int64) (map[int64]ImportedComment, error) {
	rows, err := db.Query(ctx, `SELECT m.wxr_id, coalesce(c.id, 0), coalesce(c.path, ''), coalesce(c.depth, 0)
		FROM import_comments m LEFT JOIN comments c ON c.id = m.comment_id
		WHERE m.source_id = $1 AND m.wxr_id = ANY($2)`, sourceID, wxrIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]ImportedComment, len(wxrIDs))
	var wxrID int64
	var c ImportedComment
	_, err = pgx.ForEachRow(rows, []any{&wxrID, &c.ID, &c.Path, &c.Depth}, func() error {
		out[wxrID] = c
		return nil
	})
	return out, err
}

// PingbackSources returns the source URLs of postID's pingback-kind rows:
// one pingback per (post, source) is a constraint (Pingback 1.0 fault 48).
func PingbackSources(ctx context.Context, db DB, postID int64) (map[string]bool, error) {
	rows, err := db.Query(ctx, `SELECT source_url FROM comments WHERE post_id = $1 AND kind = 'pingback'`, postID)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	var s string
	_, err = pgx.ForEachRow(rows, []any{&s}, func() error { out[s] = true; return nil })
	return out, err
}

// NextCommentIDs takes n ids from the comments sequence, in increasing
// order, so the importer can write each row's materialised path (which
// ends with its id) in the INSERT and give siblings ids in date order.
func NextCommentIDs(ctx context.Context, db DB, n int) ([]int64, error) {
	rows, err := db.Query(ctx, `SELECT nextval(pg_get_serial_sequence('comments', 'id')) FROM generate_series(1, $1) ORDER BY 1`, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// ImportComment is one comment to insert: ID, Path and Depth set by the
// importer (from NextCommentIDs), CreatedAt from the file, BodyHTML
// sanitised; WXRID and WXRType go to the import map.
type ImportComment struct {
	comment.Comment
	WXRID     int64
	WXRType   string // "trackback" for a trackback, else ""
	WXRParent int64  // the WXR id of the parent, 0 at top level
	Reasons   []moderation.Reason
}

// InsertImportedComments inserts cs (parents before their replies) with
// their import map rows: two statements, however many comments, because a
// post with thousands of comments is what imports are made of. No
// moderation rule runs and no notification or linkback job is queued:
// the comments were moderated where they came from.
func InsertImportedComments(ctx context.Context, tx pgx.Tx, sourceID int64, cs []ImportComment) error {
	if len(cs) == 0 {
		return nil
	}
	n := len(cs)
	var (
		ids, posts, parents, users, wxrIDs             = make([]int64, n), make([]int64, n), make([]*int64, n), make([]*int64, n), make([]int64, n)
		depths                                         = make([]int32, n)
		paths, kinds, statuses, names, emails, urls    = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		sources, htmls, srcURLs, titles, sites, wtypes = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		ips                                            = make([]*string, n)
		reasons                                        = make([]string, n)
		created                                        = make([]time.Time, n)
	)
	for i := range cs {
		c := &cs[i]
		ids[i], posts[i], depths[i], paths[i], kinds[i], statuses[i] = c.ID, c.PostID, int32(c.Depth), c.Path, string(c.Kind), string(c.Status)
		names[i], emails[i], urls[i], sources[i], htmls[i] = c.AuthorName, c.AuthorEmail, c.AuthorURL, c.BodySource, c.BodyHTML
		srcURLs[i], titles[i], sites[i], created[i], wxrIDs[i], wtypes[i] = c.SourceURL, c.Title, c.SiteName, c.CreatedAt, c.WXRID, c.WXRType
		if c.ParentID != 0 {
			parents[i] = &c.ParentID
		}
		if c.AuthorUserID != 0 {
			users[i] = &c.AuthorUserID
		}
		if c.IP != "" {
			ips[i] = &c.IP
		}
		reasons[i] = string(reasonsJSON(c.Reasons))
	}
	// unnest keeps the order, so parents are inserted before replies and
	// the parent_id foreign key holds at each row.
	// One in the trash counts its days there from the import, as the
	// trigger would for a comment trashed here (00026_comment_trashed_at).
	_, err := tx.Exec(ctx, `INSERT INTO comments (id, post_id, parent_id, depth, path, kind, status, author_name, author_email,
		author_url, user_id, body_source, body_html, source_url, title, site_name, ip, created_at, reasons, trashed_at)
		SELECT *, CASE WHEN u.status = 'trash' THEN now() END FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::text[], $10::text[], $11::bigint[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::inet[], $18::timestamptz[], $19::jsonb[])
			AS u (id, post_id, parent_id, depth, path, kind, status, author_name, author_email, author_url, user_id, body_source,
				body_html, source_url, title, site_name, ip, created_at, reasons)`,
		ids, posts, parents, depths, paths, kinds, statuses, names, emails, urls, users, sources, htmls, srcURLs, titles, sites, ips, created, reasons)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO import_comments (source_id, wxr_id, comment_id, wxr_type)
		SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[])`, sourceID, wxrIDs, ids, wtypes)
	return err
}

// MapSkippedComment records a WXR comment that will never be imported
// (a duplicate linkback), so that a re-import does not report it again.
func MapSkippedComment(ctx context.Context, db DB, sourceID, wxrID int64, wxrType string) error {
	_, err := db.Exec(ctx, `INSERT INTO import_comments (source_id, wxr_id, wxr_type) VALUES ($1,$2,$3)
		ON CONFLICT DO NOTHING`, sourceID, wxrID, wxrType)
	return err
}
