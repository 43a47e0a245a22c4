package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/post"
)

// This file holds the WXR importer's writes (internal/wxrimport). They
// differ from the editor's in three ways: dates come from the file, not
// now(); nothing enqueues linkbacks (an import never pings anyone); and
// every row is recorded in an import_* map so a re-import finds it.

// ImportSource returns the id of the import source for siteURL, creating it.
func ImportSource(ctx context.Context, db DB, siteURL, title string) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO import_sources (site_url, title) VALUES ($1, $2)
		ON CONFLICT (site_url) DO UPDATE SET title = EXCLUDED.title RETURNING id`, siteURL, title).Scan(&id)
	return id, err
}

// LockImportSource serialises imports of one source until tx ends, so two
// runs of the same file (a retried job and a CLI run) cannot both create a
// post or comment the other is creating.
func LockImportSource(ctx context.Context, tx pgx.Tx, sourceID int64) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7007, $1::int)`, int32(sourceID))
	return err
}

// ImportedUser returns the Quire user a WXR login of source was imported
// as; ok is false when the login was never imported (or its user is gone).
func ImportedUser(ctx context.Context, db DB, sourceID int64, login string) (userID int64, ok bool, err error) {
	var id *int64
	err = db.QueryRow(ctx, `SELECT user_id FROM import_users WHERE source_id = $1 AND login = $2`, sourceID, login).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && id == nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return *id, true, nil
}

// MapImportUser records that login (WXR author id wxrID) of source is userID.
func MapImportUser(ctx context.Context, db DB, sourceID int64, login string, wxrID, userID int64) error {
	_, err := db.Exec(ctx, `INSERT INTO import_users (source_id, login, wxr_id, user_id) VALUES ($1,$2,$3,$4)
		ON CONFLICT (source_id, login) DO UPDATE SET user_id = EXCLUDED.user_id, wxr_id = EXCLUDED.wxr_id`,
		sourceID, login, wxrID, userID)
	return err
}

// ImportedPost returns the post WXR item wxrID of source became. ok is
// false when it was never imported; ok with postID 0 means it was imported
// and the post has since been deleted.
func ImportedPost(ctx context.Context, db DB, sourceID, wxrID int64) (postID int64, ok bool, err error) {
	var id *int64
	err = db.QueryRow(ctx, `SELECT post_id FROM import_posts WHERE source_id = $1 AND wxr_id = $2`, sourceID, wxrID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil || id == nil {
		return 0, err == nil, err
	}
	return *id, true, nil
}

// SlugFree reports whether no post of kind has slug (or once had it).
func SlugFree(ctx context.Context, db DB, kind post.Kind, slug string) (bool, error) {
	if kind == post.KindPage && post.ReservedSlug(slug) {
		return false, nil // Pages: a route owns it; the importer takes a suffix
	}
	var taken bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM posts WHERE kind = $1 AND slug = $2)`, kind, slug).Scan(&taken)
	return !taken, err
}

// InsertImportedPost inserts p, normalised, validated and rendered by the
// importer, with its terms, as it was in the file: created at created,
// updated at p.UpdatedAt (or created). A taken slug gets a -2, -3…
// suffix; the slug used is left in p.Slug. No linkbacks are queued.
func InsertImportedPost(ctx context.Context, tx pgx.Tx, p *post.Post, created time.Time) error {
	free, err := SlugFree(ctx, tx, p.Kind, p.Slug)
	if err != nil {
		return err
	}
	given := p.Slug
	if !free || given == "" {
		if given == "" {
			given = p.Title
		}
		if p.Slug, err = freeSlug(ctx, tx, p.Kind, "", given, 0); err != nil {
			return err
		}
	}
	if created.IsZero() {
		created = time.Now()
	}
	updated := p.UpdatedAt
	if updated.Before(created) {
		updated = created
	}
	err = tx.QueryRow(ctx, `INSERT INTO posts (author_id, editor_id, kind, title, slug, body_format, body_source,
		body_html, body_text, excerpt_source, excerpt_html, status, published_at, comment_policy, created_at, updated_at, pinned)
		VALUES ($1,$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING id, created_at, updated_at`,
		p.AuthorID, p.Kind, p.Title, p.Slug, p.Format, p.BodySource, p.BodyHTML, p.BodyText,
		p.ExcerptSource, p.ExcerptHTML, p.Status, nullTime(p.PublishedAt), p.CommentPolicy, created, updated,
		p.Pinned && p.Kind == post.KindPost).
		Scan(&p.ID, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return slugConflict(err)
	}
	p.EditorID = p.AuthorID
	return setTerms(ctx, tx, p)
}

// MapImportPost records that WXR item wxrID of source is postID.
func MapImportPost(ctx context.Context, db DB, sourceID, wxrID, postID int64, sticky bool) error {
	_, err := db.Exec(ctx, `INSERT INTO import_posts (source_id, wxr_id, post_id, sticky) VALUES ($1,$2,$3,$4)`,
		sourceID, wxrID, postID, sticky)
	return err
}

// AddRedirect makes the old path answer 301 to postID's address. A path
// already redirected keeps its first target.
func AddRedirect(ctx context.Context, db DB, path string, postID int64) error {
	_, err := db.Exec(ctx, `INSERT INTO redirects (path, post_id) VALUES ($1,$2) ON CONFLICT (path) DO NOTHING`, path, postID)
	return err
}

// AddOldSlug records slug as a former slug of postID (WordPress's
// _wp_old_slug), unless a post has it now or it already redirects.
func AddOldSlug(ctx context.Context, db DB, kind post.Kind, slug string, postID int64) error {
	_, err := db.Exec(ctx, `INSERT INTO post_old_slugs (kind, slug, post_id)
		SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM posts WHERE kind = $1 AND slug = $2)
		ON CONFLICT (kind, slug) DO NOTHING`, kind, slug, postID)
	return err
}

// RedirectFor returns the post an old path (without its trailing slash)
// was recorded for. Returns apperr.ErrNotFound.
func RedirectFor(ctx context.Context, db DB, path string) (*post.Post, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT post_id FROM redirects WHERE path = $1`, path).Scan(&id)
	if err != nil {
		return nil, notFound(err)
	}
	return PostByID(ctx, db, id)
}

// ImportAudit writes the audit row of a finished import.
func ImportAudit(ctx context.Context, db DB, actorID int64, file, summary string) error {
	if actorID == 0 {
		return nil // the CLI has no signed-in actor; its report goes to the terminal
	}
	return Audit(ctx, db, actorID, "import.wxr", "import", 0, file, summary)
}

// EnsureTerm creates the tag or category t unless one with its slug
// exists, and reports whether it did: WordPress exports every term, used
// or not, before the posts.
func EnsureTerm(ctx context.Context, db DB, t post.Term) (bool, error) {
	tag, err := db.Exec(ctx, `INSERT INTO terms (kind, slug, name) VALUES ($1, $2, $3) ON CONFLICT (kind, slug) DO NOTHING`,
		t.Kind, t.Slug, t.Name)
	return tag.RowsAffected() == 1, err
}
