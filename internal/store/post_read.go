package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/post"
)

// readPostSQL is the post page's one read: the post (readCols), its terms
// as four arrays in the order loadTerms gives, and the public posts just
// older and newer than it for the prev/next links, each a one-row range
// of posts_public_idx (empty for a post that is not public: its
// published_at is NULL or the comparison finds nothing readers see). Three
// round trips were one each. The terms are sorted once, in a subquery the
// four arrays read in one pass, so they stay aligned: an ORDER BY in each
// array_agg was a sort each, a fifth of the statement's execution.
const readPostSQL = `SELECT ` + readCols + `,
	tm.ids AS term_ids, tm.kinds AS term_kinds, tm.slugs AS term_slugs, tm.names AS term_names,
	o.id AS older_id, o.title AS older_title, o.slug AS older_slug, o.published_at AS older_at,
	n.id AS newer_id, n.title AS newer_title, n.slug AS newer_slug, n.published_at AS newer_at
	FROM posts p JOIN users u ON u.id = p.author_id
	LEFT JOIN LATERAL (SELECT array_agg(s.id) AS ids, array_agg(s.kind) AS kinds,
		array_agg(s.slug) AS slugs, array_agg(s.name) AS names
		FROM (SELECT t.id, t.kind, t.slug, t.name FROM post_terms pt JOIN terms t ON t.id = pt.term_id
			WHERE pt.post_id = p.id ORDER BY lower(t.name), t.id) s) tm ON true
	LEFT JOIN LATERAL (SELECT q.id, q.title, q.slug, q.published_at FROM posts q
		WHERE q.kind = 'post' AND q.status IN ('published','scheduled') AND q.published_at <= now()
		AND (q.published_at, q.id) < (p.published_at, p.id)
		ORDER BY q.published_at DESC, q.id DESC LIMIT 1) o ON true
	LEFT JOIN LATERAL (SELECT q.id, q.title, q.slug, q.published_at FROM posts q
		WHERE q.kind = 'post' AND q.status IN ('published','scheduled') AND q.published_at <= now()
		AND (q.published_at, q.id) > (p.published_at, p.id)
		ORDER BY q.published_at ASC, q.id ASC LIMIT 1) n ON true
	WHERE p.kind = 'post' AND p.slug = $1`

// readPostRow is one row of readPostSQL.
type readPostRow struct {
	postRow
	TermIDs    []int64  `db:"term_ids"`
	TermKinds  []string `db:"term_kinds"`
	TermSlugs  []string `db:"term_slugs"`
	TermNames  []string `db:"term_names"`
	OlderID    *int64
	OlderTitle *string
	OlderSlug  *string
	OlderAt    *time.Time
	NewerID    *int64
	NewerTitle *string
	NewerSlug  *string
	NewerAt    *time.Time
}

// dest lists r's fields in the order of readPostSQL's columns.
func (r *readPostRow) dest() []any {
	return append(r.postRow.dest(), &r.TermIDs, &r.TermKinds, &r.TermSlugs, &r.TermNames,
		&r.OlderID, &r.OlderTitle, &r.OlderSlug, &r.OlderAt, &r.NewerID, &r.NewerTitle, &r.NewerSlug, &r.NewerAt)
}

// ReadPost returns the post at slug whatever its status, with its terms,
// and the public posts just older and newer (nil at the ends, and for a
// post that is not public), with only ID, Title, Slug and PublishedAt
// filled: what the post page shows, in one round trip. Returns
// apperr.ErrNotFound.
func ReadPost(ctx context.Context, db DB, slug string) (p, older, newer *post.Post, err error) {
	rows, err := db.Query(ctx, readPostSQL, slug)
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (readPostRow, error) {
		var r readPostRow
		err := row.Scan(r.dest()...)
		return r, err
	})
	if err != nil {
		return nil, nil, nil, notFound(err)
	}
	p = r.post()
	for i, id := range r.TermIDs {
		t := post.Term{ID: id, Kind: post.TermKind(r.TermKinds[i]), Slug: r.TermSlugs[i], Name: r.TermNames[i]}
		if t.Kind == post.Category {
			p.Categories = append(p.Categories, t)
		} else {
			p.Tags = append(p.Tags, t)
		}
	}
	link := func(id *int64, title, slug *string, at *time.Time) *post.Post {
		if id == nil {
			return nil
		}
		return &post.Post{ID: *id, Title: *title, Slug: *slug, PublishedAt: *at}
	}
	return p, link(r.OlderID, r.OlderTitle, r.OlderSlug, r.OlderAt), link(r.NewerID, r.NewerTitle, r.NewerSlug, r.NewerAt), nil
}
