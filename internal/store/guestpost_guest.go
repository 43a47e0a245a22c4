package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire/internal/guestpost"
	"quire/internal/post"
)

// AcceptGuest copies the identity the guest sent with s (name, bio,
// website) to their guest row, now that an editor accepted it, and links
// s to post postID.
func AcceptGuest(ctx context.Context, tx pgx.Tx, s *guestpost.Submission, postID int64, introSource, introHTML string) error {
	if _, err := tx.Exec(ctx, `UPDATE guests SET name = $2, bio_source = $3, bio_html = $4, website = $5, updated_at = now()
		WHERE id = $1`, s.GuestID, s.Name, s.BioSource, s.BioHTML, s.Website); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE guest_submissions SET post_id = $2, intro_source = $3, intro_html = $4, updated_at = now()
		WHERE id = $1`, s.ID, postID, introSource, introHTML)
	return err
}

// SetPostGuest gives post postID the guest byline of guestID.
func SetPostGuest(ctx context.Context, tx pgx.Tx, postID, guestID int64, name string) error {
	_, err := tx.Exec(ctx, `UPDATE posts SET guest_id = $2, guest_name = $3 WHERE id = $1`, postID, guestID, name)
	return err
}

// GuestByID returns the guest with id. Returns apperr.ErrNotFound.
func GuestByID(ctx context.Context, db DB, id int64) (*guestpost.Guest, error) {
	var g guestpost.Guest
	err := db.QueryRow(ctx, `SELECT id, name, email, bio_source, bio_html, website, trusted FROM guests WHERE id = $1`, id).
		Scan(&g.ID, &g.Name, &g.Email, &g.BioSource, &g.BioHTML, &g.Website, &g.Trusted)
	if err != nil {
		return nil, notFound(err)
	}
	return &g, nil
}

// SetGuestTrusted marks guest id trusted or not as actorID, audited.
func SetGuestTrusted(ctx context.Context, db DB, actorID, id int64, trusted bool) error {
	return atomically(ctx, db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE guests SET trusted = $2, updated_at = now() WHERE id = $1`, id, trusted)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notFound(pgx.ErrNoRows)
		}
		after := map[bool]string{true: "trusted", false: "not trusted"}[trusted]
		return Audit(ctx, tx, actorID, "guest.trust", "guest", id, "", after)
	})
}

// GuestBox is what a guest post's page shows besides the post: the
// editor's note on top and the guest's bio box at the end.
type GuestBox struct {
	Guest     guestpost.Guest
	IntroHTML string
}

// GuestBoxForPost returns the guest box of post postID. Returns
// apperr.ErrNotFound when the post is no guest post.
func GuestBoxForPost(ctx context.Context, db DB, postID int64) (*GuestBox, error) {
	var b GuestBox
	g := &b.Guest
	err := db.QueryRow(ctx, `SELECT g.id, g.name, g.email, g.bio_source, g.bio_html, g.website, g.trusted,
			coalesce((SELECT s.intro_html FROM guest_submissions s WHERE s.post_id = p.id), '')
		FROM posts p JOIN guests g ON g.id = p.guest_id WHERE p.id = $1`, postID).
		Scan(&g.ID, &g.Name, &g.Email, &g.BioSource, &g.BioHTML, &g.Website, &g.Trusted, &b.IntroHTML)
	if err != nil {
		return nil, notFound(err)
	}
	return &b, nil
}

// GuestPosts returns up to limit public posts by guest id, newest first,
// with their terms (a guest writes a handful; no keyset paging needed).
func GuestPosts(ctx context.Context, db DB, id int64, limit int) ([]*post.Post, error) {
	return postsWithTerms(ctx, db, `SELECT `+listCols+` FROM posts p JOIN users u ON u.id = p.author_id
		WHERE p.guest_id = $1 AND `+publicWhere+` ORDER BY p.published_at DESC, p.id DESC LIMIT $2`, id, limit)
}

// GuestReviewers are the people told of new and revised guest posts:
// editors and admins.
func GuestReviewers(ctx context.Context, db DB) ([]Recipient, error) {
	rows, err := db.Query(ctx, `SELECT email, coalesce(nullif(display_name, ''), username) FROM users
		WHERE role IN ('admin','editor') AND NOT disabled ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Recipient])
}

// SetSubmissionIntro replaces the editor's note on top of submission id's
// post as actorID, audited.
func SetSubmissionIntro(ctx context.Context, db DB, actorID, id int64, source, html string) error {
	return atomically(ctx, db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE guest_submissions SET intro_source = $2, intro_html = $3, updated_at = now()
			WHERE id = $1 AND post_id IS NOT NULL`, id, source, html)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notFound(pgx.ErrNoRows)
		}
		return Audit(ctx, tx, actorID, "guest_post.intro", "guest_post", id, "", source)
	})
}
