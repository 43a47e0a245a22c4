package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"quire/internal/post"
	"quire/internal/privacy"
)

// PersonalData reads everything stored under the address email (already
// lower-cased: privacy.Address) into r, newest first, at most
// privacy.MaxComments comments; subHash is the address's newsletter hash
// (newsletter.Hash). An admin's request: the comments, guest submissions
// and contact messages are read by their address indexes, the rest by
// their keys, but the outbox, which has no index on it and is pruned.
func PersonalData(ctx context.Context, db DB, email string, subHash []byte, r *privacy.Report) error {
	r.Email = email
	if err := db.QueryRow(ctx, `SELECT coalesce((SELECT username FROM users WHERE lower(email) = $1), ''),
		(SELECT count(*) FROM mail_outbox WHERE lower(to_addr) = $1)`, email).Scan(&r.Account, &r.OutboxMails); err != nil {
		return err
	}
	rows, err := db.Query(ctx, `SELECT c.id, p.kind, p.slug, p.title, c.status, c.author_name, c.author_url,
			coalesce(host(c.ip), ''), c.user_agent, c.body_source, c.notify, c.created_at
		FROM comments c JOIN posts p ON p.id = c.post_id
		WHERE lower(c.author_email) = $1 AND c.author_email <> ''
		ORDER BY c.created_at DESC, c.id DESC LIMIT $2`, email, privacy.MaxComments+1)
	if err != nil {
		return err
	}
	r.Comments, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (privacy.Comment, error) {
		var c privacy.Comment
		var p post.Post
		err := row.Scan(&c.ID, &p.Kind, &p.Slug, &c.PostTitle, &c.Status, &c.Name, &c.Website, &c.IP, &c.UserAgent,
			&c.Body, &c.Notify, &c.CreatedAt)
		c.PostPath = p.Path()
		return c, err
	})
	if err != nil {
		return err
	}
	if len(r.Comments) > privacy.MaxComments {
		r.Comments, r.CommentsTruncated = r.Comments[:privacy.MaxComments], true
	}
	var g privacy.Guest
	err = db.QueryRow(ctx, `SELECT g.id, g.name, g.bio_source, g.website, (SELECT count(*) FROM posts WHERE guest_id = g.id)
		FROM guests g WHERE lower(g.email) = $1`, email).Scan(&g.ID, &g.Name, &g.Bio, &g.Website, &g.Published)
	switch {
	case err == nil:
		r.Guest = &g
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	rows, err = db.Query(ctx, `SELECT s.id, coalesce(v.title, ''), s.status, s.name, s.website, s.note,
			coalesce(host(s.ip), ''), s.user_agent, s.post_id IS NOT NULL, s.created_at
		FROM guest_submissions s LEFT JOIN LATERAL (SELECT title FROM guest_versions
			WHERE submission_id = s.id ORDER BY number DESC LIMIT 1) v ON true
		WHERE lower(s.email) = $1 ORDER BY s.created_at DESC, s.id DESC`, email)
	if err != nil {
		return err
	}
	if r.Submissions, err = pgx.CollectRows(rows, pgx.RowToStructByPos[privacy.Submission]); err != nil {
		return err
	}
	rows, err = db.Query(ctx, `SELECT id, name, message, ip, user_agent, created_at FROM contact_messages
		WHERE lower(email) = $1 ORDER BY created_at DESC, id DESC`, email)
	if err != nil {
		return err
	}
	if r.ContactMessages, err = pgx.CollectRows(rows, pgx.RowToStructByPos[privacy.ContactMessage]); err != nil {
		return err
	}
	var sub privacy.Subscription
	err = db.QueryRow(ctx, `SELECT status, mode, source, created_at FROM subscribers WHERE email_hash = $1 AND email IS NOT NULL`,
		subHash).Scan(&sub.Status, &sub.Mode, &sub.Source, &sub.CreatedAt)
	switch {
	case err == nil:
		r.Newsletter = &sub
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	var rn privacy.ReplyNotifications
	err = db.QueryRow(ctx, `SELECT confirmed_at IS NOT NULL, created_at FROM notify_addresses WHERE email = $1`,
		email).Scan(&rn.Confirmed, &rn.CreatedAt)
	switch {
	case err == nil:
		r.ReplyNotifications = &rn
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	return nil
}

// ErasePersonalData erases what is stored under email (lower-cased;
// subHash its newsletter hash) in tx, and counts what it did:
//   - comments keep their text and lose their name, address, website, IP,
//     user agent, account and reply notifications (shown as Anonymous's;
//     the comments' triggers refresh every node's cached pages);
//   - guest posts never published are deleted; published ones, and the
//     guest profile when posts show its byline, lose their address (an
//     unroutable one stands in: the column is required), IP, user agent
//     and note; a profile with no post left is deleted;
//   - contact messages, the reply-notification consent, pending sign-ups,
//     open invitations and the outbox's mails to it are deleted;
//   - the newsletter subscription is forgotten but for its hash, as an
//     unsubscribe keeps it, so that no import quietly subscribes it again.
//
// An account with the address is left to the Users page.
func ErasePersonalData(ctx context.Context, tx pgx.Tx, email string, subHash []byte) (privacy.Erased, error) {
	var e privacy.Erased
	var err error
	exec := func(sql string, args ...any) int64 {
		if err != nil {
			return 0
		}
		var tag pgconn.CommandTag
		tag, err = tx.Exec(ctx, sql, args...)
		return tag.RowsAffected()
	}
	if err = tx.QueryRow(ctx, `SELECT coalesce((SELECT username FROM users WHERE lower(email) = $1), '')`, email).Scan(&e.AccountUntouched); err != nil {
		return e, err
	}
	e.CommentsAnonymised = exec(`UPDATE comments SET author_name = '', author_email = '', author_url = '', ip = NULL,
		user_agent = '', user_id = NULL, notify = false WHERE lower(author_email) = $1 AND author_email <> ''`, email)
	e.SubmissionsDeleted = exec(`DELETE FROM guest_submissions WHERE lower(email) = $1 AND post_id IS NULL`, email)
	e.SubmissionsKept = exec(`UPDATE guest_submissions SET email = 'erased-' || id || '@erased.invalid', ip = NULL,
		user_agent = '', note = '' WHERE lower(email) = $1`, email)
	exec(`DELETE FROM guests g WHERE lower(g.email) = $1 AND NOT EXISTS (SELECT 1 FROM posts WHERE guest_id = g.id)
		AND NOT EXISTS (SELECT 1 FROM guest_submissions WHERE guest_id = g.id)`, email)
	e.GuestKept = exec(`UPDATE guests SET email = 'erased-guest-' || id || '@erased.invalid', updated_at = now()
		WHERE lower(email) = $1`, email) > 0
	e.ContactDeleted = exec(`DELETE FROM contact_messages WHERE lower(email) = $1`, email)
	e.RepliesGone = exec(`DELETE FROM notify_addresses WHERE email = $1`, email) > 0
	e.OutboxDeleted = exec(`DELETE FROM mail_outbox WHERE lower(to_addr) = $1`, email)
	e.OtherRowsGone = exec(`DELETE FROM pending_signups WHERE lower(email) = $1`, email) +
		exec(`DELETE FROM invitations WHERE lower(email) = $1 AND ended_at IS NULL`, email)
	if err != nil {
		return e, err
	}
	var subID int64
	err = tx.QueryRow(ctx, `SELECT id FROM subscribers WHERE email_hash = $1 AND email IS NOT NULL`, subHash).Scan(&subID)
	switch {
	case err == nil:
		e.NewsletterGone = true
		return e, ForgetSubscriber(ctx, tx, subID)
	case errors.Is(err, pgx.ErrNoRows):
		return e, nil
	}
	return e, err
}
