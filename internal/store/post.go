package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/jobargs"
	"quire/internal/post"
)

// postHead and postTail are the columns every post read shares, around
// the body's source, HTML and search text and the excerpt's source; posts
// is p, the author u.
const (
	postHead = `p.id, p.author_id, coalesce(p.editor_id, 0) AS editor_id, p.kind, p.title, p.slug, p.body_format, `
	postTail = `, p.excerpt_html,
	p.status, p.published_at, p.comment_policy, p.created_at, p.updated_at,
	u.username AS author_username, u.display_name AS author_display_name, u.avatar_url AS author_avatar_url,
	coalesce(p.guest_id, 0) AS guest_id, p.guest_name, coalesce(p.featured_media_id, 0) AS featured_id, p.trashed_at, p.pinned`
)

// postCols selects a whole post with its author's byline.
const postCols = postHead + `p.body_source, p.body_html, p.body_text, p.excerpt_source` + postTail

// listCols is postCols without the sources, which lists never show.
const listCols = postHead + `'' AS body_source, p.body_html, '' AS body_text, '' AS excerpt_source` + postTail

// sourceListCols is listCols with the sources a writer edits: the API's
// lists show whole posts, as its single reads do.
const sourceListCols = postHead + `p.body_source, p.body_html, '' AS body_text, p.excerpt_source` + postTail

// readCols is what a reader's page of one post shows: listCols with the
// excerpt's source (the page shows a written excerpt as a dek, a derived
// one not), still without the body's source and search text, which are
// two more copies of the body.
const readCols = postHead + `'' AS body_source, p.body_html, '' AS body_text, p.excerpt_source` + postTail

// postRow is one row of postCols.
type postRow struct {
	ID                int64
	AuthorID          int64
	EditorID          int64
	Kind              string
	Title             string
	Slug              string
	BodyFormat        string
	BodySource        string
	BodyHTML          string `db:"body_html"`
	BodyText          string
	ExcerptSource     string
	ExcerptHTML       string `db:"excerpt_html"`
	Status            string
	PublishedAt       *time.Time
	CommentPolicy     string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	AuthorUsername    string
	AuthorDisplayName string
	AuthorAvatarURL   string `db:"author_avatar_url"`
	GuestID           int64  // Guest posts: the guest byline (guestpost.go)
	GuestName         string
	FeaturedID        int64
	TrashedAt         *time.Time // kept by a trigger (00027_post_trashed_at)
	Pinned            bool
}

// dest lists r's fields in the order of postCols (and listCols and
// readCols), for rows.Scan: pgx.RowToStructByName finds each field by
// name on every row, 5 of the 37 µs of client CPU the post page's read
// took (TestRowDest holds the order to the names).
func (r *postRow) dest() []any {
	return []any{&r.ID, &r.AuthorID, &r.EditorID, &r.Kind, &r.Title, &r.Slug, &r.BodyFormat,
		&r.BodySource, &r.BodyHTML, &r.BodyText, &r.ExcerptSource, &r.ExcerptHTML,
		&r.Status, &r.PublishedAt, &r.CommentPolicy, &r.CreatedAt, &r.UpdatedAt,
		&r.AuthorUsername, &r.AuthorDisplayName, &r.AuthorAvatarURL,
		&r.GuestID, &r.GuestName, &r.FeaturedID, &r.TrashedAt, &r.Pinned}
}

// scanPost scans a row of postCols, listCols or readCols.
func scanPost(row pgx.CollectableRow) (*post.Post, error) {
	var r postRow
	if err := row.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.post(), nil
}

func (r postRow) post() *post.Post {
	p := &post.Post{
		ID: r.ID, AuthorID: r.AuthorID, EditorID: r.EditorID, Kind: post.Kind(r.Kind), Title: r.Title, Slug: r.Slug,
		Format: post.Format(r.BodyFormat), BodySource: r.BodySource, BodyHTML: r.BodyHTML, BodyText: r.BodyText,
		ExcerptSource: r.ExcerptSource, ExcerptHTML: r.ExcerptHTML, Status: post.Status(r.Status),
		CommentPolicy: post.CommentPolicy(r.CommentPolicy), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, FeaturedID: r.FeaturedID,
		Pinned: r.Pinned,
		Author: post.Byline{Username: r.AuthorUsername, DisplayName: r.AuthorDisplayName, AvatarURL: r.AuthorAvatarURL,
			GuestID: r.GuestID, GuestName: r.GuestName},
	}
	if r.PublishedAt != nil {
		p.PublishedAt = *r.PublishedAt
	}
	if r.TrashedAt != nil {
		p.TrashedAt = *r.TrashedAt
	}
	return p
}

// collectPosts scans rows of postCols or listCols.
func collectPosts(rows pgx.Rows) ([]*post.Post, error) {
	return pgx.CollectRows(rows, scanPost)
}

func onePost(ctx context.Context, db DB, where string, args ...any) (*post.Post, error) {
	return onePostOf(ctx, db, postCols, where, args...)
}

// onePostOf is onePost reading cols (postCols or readCols).
func onePostOf(ctx context.Context, db DB, cols, where string, args ...any) (*post.Post, error) {
	rows, err := db.Query(ctx, `SELECT `+cols+` FROM posts p JOIN users u ON u.id = p.author_id WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanPost)
	if err != nil {
		return nil, notFound(err)
	}
	return p, loadTerms(ctx, db, []*post.Post{p})
}

// PostByID returns the post (or page) with id, whatever its status, with
// its terms. Returns apperr.ErrNotFound.
func PostByID(ctx context.Context, db DB, id int64) (*post.Post, error) {
	return onePost(ctx, db, `p.id = $1`, id)
}

// PostBySlug returns the post of kind with slug, whatever its status; the
// caller decides who may see it. Returns apperr.ErrNotFound.
func PostBySlug(ctx context.Context, db DB, kind post.Kind, slug string) (*post.Post, error) {
	return onePost(ctx, db, `p.kind = $1 AND p.slug = $2`, kind, slug)
}

// PostToRead is PostBySlug for readers' pages: without the body's source
// and search text (readCols). Returns apperr.ErrNotFound.
func PostToRead(ctx context.Context, db DB, kind post.Kind, slug string) (*post.Post, error) {
	return onePostOf(ctx, db, readCols, `p.kind = $1 AND p.slug = $2`, kind, slug)
}

// SlugRedirect returns the current slug of the post that once had slug, for
// a 301. Returns apperr.ErrNotFound.
func SlugRedirect(ctx context.Context, db DB, kind post.Kind, slug string) (string, error) {
	var cur string
	err := db.QueryRow(ctx, `SELECT p.slug FROM post_old_slugs o JOIN posts p ON p.id = o.post_id
		WHERE o.kind = $1 AND o.slug = $2`, kind, slug).Scan(&cur)
	return cur, notFound(err)
}

// txBeginner is what pgx.BeginFunc needs: the pool starts a transaction, a
// transaction a savepoint, so the writers below compose inside Transact.
type txBeginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

func atomically(ctx context.Context, db DB, fn func(tx pgx.Tx) error) error {
	b, ok := db.(txBeginner)
	if !ok {
		return errors.New("store: db cannot begin a transaction")
	}
	return pgx.BeginFunc(ctx, b, fn)
}

// CreatePost inserts p, which the caller has normalised, validated and
// rendered, as saved by actorID. An empty slug is derived from the title and
// made unique with a -2, -3… suffix; a slug given by the writer that is
// taken is apperr.Conflict on field "slug". Terms are created on the fly.
// Fills p.ID, the times and the terms' ids. The linkback send job goes
// on q (nil: none) in the same transaction.
func CreatePost(ctx context.Context, db DB, q jobargs.Enqueuer, actorID int64, p *post.Post) error {
	return atomically(ctx, db, func(tx pgx.Tx) error {
		slug, err := freeSlug(ctx, tx, p.Kind, p.Slug, p.Title, 0)
		if err != nil {
			return err
		}
		p.Slug, p.EditorID = slug, actorID
		err = tx.QueryRow(ctx, `INSERT INTO posts (author_id, editor_id, kind, title, slug, body_format, body_source,
			body_html, body_text, excerpt_source, excerpt_html, status, published_at, comment_policy)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id, created_at, updated_at`,
			p.AuthorID, actorID, p.Kind, p.Title, p.Slug, p.Format, p.BodySource, p.BodyHTML, p.BodyText,
			p.ExcerptSource, p.ExcerptHTML, p.Status, nullTime(p.PublishedAt), p.CommentPolicy).
			Scan(&p.ID, &p.CreatedAt, &p.UpdatedAt)
		if err != nil {
			return slugConflict(err)
		}
		if err := setTerms(ctx, tx, p); err != nil {
			return err
		}
		if err := queueLinkbacks(ctx, tx, q, p, ""); err != nil { // Linkbacks: notify the sites it links to
			return err
		}
		return Audit(ctx, tx, actorID, "post.create", string(p.Kind), p.ID, "", string(p.Status)+" "+p.Slug)
	})
}

// UpdatePost saves p over the stored post with p.ID as actorID. check, if
// not nil, sees the stored version, locked, and may refuse the save (the
// handler's permission rule), so the decision and the write see the same
// row. When the stored version was published and its content changes, it
// is kept as a revision; a changed slug keeps the old one for redirects.
// The linkback send job goes on q (nil: none) in the same transaction.
// Returns apperr.ErrNotFound, apperr.Conflict on "slug", or check's error.
func UpdatePost(ctx context.Context, db DB, q jobargs.Enqueuer, actorID int64, p *post.Post, check func(old *post.Post) error) error {
	return atomically(ctx, db, func(tx pgx.Tx) error {
		old, err := onePost(ctx, tx, `p.id = $1 FOR UPDATE OF p`, p.ID)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(old); err != nil {
				return err
			}
		}
		if p.Slug == "" {
			p.Slug = old.Slug
		}
		if p.Slug != old.Slug {
			if p.Slug, err = freeSlug(ctx, tx, old.Kind, p.Slug, p.Title, p.ID); err != nil {
				return err
			}
			if err := moveSlug(ctx, tx, old.Kind, old.Slug, p.Slug, p.ID); err != nil {
				return err
			}
		}
		if old.Status == post.Published && contentChanged(old, p) {
			if err := addRevision(ctx, tx, post.RevisionOf(old)); err != nil {
				return err
			}
		}
		p.AuthorID, p.Kind, p.EditorID, p.CreatedAt = old.AuthorID, old.Kind, actorID, old.CreatedAt
		err = tx.QueryRow(ctx, `UPDATE posts SET editor_id = $2, title = $3, slug = $4, body_format = $5,
			body_source = $6, body_html = $7, body_text = $8, excerpt_source = $9, excerpt_html = $10,
			status = $11, published_at = $12, comment_policy = $13, updated_at = now()
			WHERE id = $1 RETURNING updated_at`,
			p.ID, actorID, p.Title, p.Slug, p.Format, p.BodySource, p.BodyHTML, p.BodyText,
			p.ExcerptSource, p.ExcerptHTML, p.Status, nullTime(p.PublishedAt), p.CommentPolicy).Scan(&p.UpdatedAt)
		if err != nil {
			return slugConflict(err)
		}
		if err := setTerms(ctx, tx, p); err != nil {
			return err
		}
		p.Author = old.Author
		if err := queueLinkbacks(ctx, tx, q, p, old.Status); err != nil { // Linkbacks: notify linked and unlinked sites
			return err
		}
		return Audit(ctx, tx, actorID, "post.update", string(p.Kind), p.ID,
			string(old.Status)+" "+old.Slug, string(p.Status)+" "+p.Slug)
	})
}

// SetPostStatus moves the post with id to status (trashing, restoring) as
// actorID, after check approves the stored version; the linkback send job
// goes on q (nil: none). Returns
// apperr.ErrNotFound or check's error.
func SetPostStatus(ctx context.Context, db DB, q jobargs.Enqueuer, actorID, id int64, to post.Status, check func(old *post.Post) error) error {
	return atomically(ctx, db, func(tx pgx.Tx) error {
		old, err := onePost(ctx, tx, `p.id = $1 FOR UPDATE OF p`, id)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(old); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE posts SET status = $2, editor_id = $3, updated_at = now() WHERE id = $1`, id, to, actorID); err != nil {
			return err
		}
		moved := *old // Linkbacks: a trashed post's mentions are withdrawn
		moved.Status = to
		if err := queueLinkbacks(ctx, tx, q, &moved, old.Status); err != nil {
			return err
		}
		return Audit(ctx, tx, actorID, "post.status", string(old.Kind), id, string(old.Status), string(to))
	})
}

// DeletePost deletes post id for good, with its comments, revisions and
// terms (the foreign keys cascade), audited as actorID's, once check
// passes on the locked row. Errors: apperr.ErrNotFound, check's.
func DeletePost(ctx context.Context, db DB, actorID, id int64, check func(old *post.Post) error) (*post.Post, error) {
	var old *post.Post
	err := atomically(ctx, db, func(tx pgx.Tx) error {
		var err error
		if old, err = onePost(ctx, tx, `p.id = $1 FOR UPDATE OF p`, id); err != nil {
			return err
		}
		if err := check(old); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM posts WHERE id = $1`, id); err != nil {
			return err
		}
		return Audit(ctx, tx, actorID, "post.delete", string(old.Kind), id, string(old.Status), "deleted")
	})
	return old, err
}

// SetPinned pins post id to the top of the front page, or unpins it.
// Returns apperr.ErrNotFound.
func SetPinned(ctx context.Context, db DB, id int64, pinned bool) error {
	var got int64
	return notFound(db.QueryRow(ctx, `UPDATE posts SET pinned = $2 WHERE id = $1 RETURNING id`, id, pinned).Scan(&got))
}

// TrashedBefore returns up to limit ids of the posts and pages put in the
// trash before before, the oldest first: what the housekeeping deletes
// for good. A housekeeping query over the posts table, not a public one.
func TrashedBefore(ctx context.Context, db DB, before time.Time, limit int) ([]int64, error) {
	rows, err := db.Query(ctx, `SELECT id FROM posts WHERE status = 'trashed' AND trashed_at < $1
		ORDER BY trashed_at, id LIMIT $2`, before, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

func contentChanged(a, b *post.Post) bool {
	return a.Title != b.Title || a.Slug != b.Slug || a.Format != b.Format ||
		a.BodySource != b.BodySource || a.ExcerptSource != b.ExcerptSource
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
