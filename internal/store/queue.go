package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/moderation"
)

// Moderated is one comment a moderation action changed.
type Moderated struct {
	ID     int64
	PostID int64
	Kind   comment.Kind
	Before comment.Status
	After  comment.Status // "" when deleted
}

// SetCommentStatus moves the comments in ids to status as actorID and
// writes one audit row per comment changed (before → after). Comments
// already in that status are left alone and not reported.
func SetCommentStatus(ctx context.Context, db DB, actorID int64, ids []int64, to comment.Status) ([]Moderated, error) {
	return SetQueuedStatus(ctx, db, actorID, "", ids, to)
}

// SetQueuedStatus is SetCommentStatus for the comments in ids that are of
// kind k ("" = any kind): a queue key names its kind, and an id of another
// kind is left alone, so an action reaches only what the caller named.
func SetQueuedStatus(ctx context.Context, db DB, actorID int64, k comment.Kind, ids []int64, to comment.Status) ([]Moderated, error) {
	if !to.Valid() {
		return nil, apperr.New(apperr.Invalid, "Unknown status %q.", to)
	}
	rows, err := db.Query(ctx, `WITH old AS (
			SELECT id, status FROM comments WHERE id = ANY($1) AND status <> $2 AND ($3 = '' OR kind = $3) ORDER BY id FOR UPDATE)
		UPDATE comments c SET status = $2 FROM old WHERE c.id = old.id
		RETURNING c.id, c.post_id, c.kind, old.status, c.status`, ids, to, k)
	verb := map[comment.Status]string{comment.StatusApproved: moderation.AuditApprove, comment.StatusHeld: moderation.AuditHold,
		comment.StatusSpam: moderation.AuditSpam, comment.StatusTrash: moderation.AuditTrash}[to]
	return auditModerated(ctx, db, actorID, rows, err, verb)
}

// DeleteComments deletes the comments in ids forever as actorID, with an
// audit row each. Replies to them stay, as orphans (parent_id is cleared).
func DeleteComments(ctx context.Context, db DB, actorID int64, ids []int64) ([]Moderated, error) {
	return DeleteQueued(ctx, db, actorID, "", ids)
}

// DeleteQueued is DeleteComments for the comments in ids of kind k ("" =
// any kind).
func DeleteQueued(ctx context.Context, db DB, actorID int64, k comment.Kind, ids []int64) ([]Moderated, error) {
	rows, err := db.Query(ctx, `DELETE FROM comments WHERE id = ANY($1) AND ($2 = '' OR kind = $2)
		RETURNING id, post_id, kind, status, ''`, ids, k)
	return auditModerated(ctx, db, actorID, rows, err, moderation.AuditDelete)
}

func auditModerated(ctx context.Context, db DB, actorID int64, rows pgx.Rows, err error, action string) ([]Moderated, error) {
	if err != nil {
		return nil, err
	}
	var out []Moderated
	var m Moderated
	_, err = pgx.ForEachRow(rows, []any{&m.ID, &m.PostID, &m.Kind, &m.Before, &m.After}, func() error {
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range out {
		after := string(m.After)
		if after == "" {
			after = "deleted"
		}
		if err := Audit(ctx, db, actorID, "comment."+action, string(m.Kind), m.ID, string(m.Before), after); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EmptySpam deletes spam older than days days as actorID and records one
// audit row with the number deleted; the hourly housekeeping (actorID 0)
// records one only when it deleted something, or the log would fill with
// "0 deleted". With guests, spam guest submissions that never became
// posts go too (the spam tab of an editor lists them).
func EmptySpam(ctx context.Context, db DB, actorID int64, days int, now time.Time, guests bool) (int64, error) {
	before := now.Add(-time.Duration(days) * 24 * time.Hour)
	n, err := emptyTab(ctx, db, comment.StatusSpam, "created_at", "s.created_at", &before, guests)
	if err != nil {
		return 0, err
	}
	return n, auditEmptied(ctx, db, actorID, "comment.empty_spam", "spam", fmt.Sprintf("spam older than %d days", days), n)
}

// EmptyQueueTrash deletes for good the comments, pingbacks and webmentions
// in the trash for more than days days (trashed_at; 0: all of them) and,
// with guests, the guest submissions in the trash untouched as long that
// never became posts, as actorID (0: Quire's own housekeeping), audited
// as EmptySpam is. Replies to a deleted comment stay, as orphans.
func EmptyQueueTrash(ctx context.Context, db DB, actorID int64, days int, now time.Time, guests bool) (int64, error) {
	var before *time.Time // nil: all of it, whatever the clocks say
	what := "all of the trash"
	if days > 0 {
		t := now.Add(-time.Duration(days) * 24 * time.Hour)
		before, what = &t, fmt.Sprintf("in the trash longer than %d days", days)
	}
	n, err := emptyTab(ctx, db, comment.StatusTrash, "trashed_at", "s.updated_at", before, guests)
	if err != nil {
		return 0, err
	}
	return n, auditEmptied(ctx, db, actorID, "comment.empty_trash", "trash", what, n)
}

// emptyTab deletes the comments on queue tab st whose column commentAt
// is before before (nil: all of them) and, with guests, the tab's guest
// submissions that never became posts whose guestAt is; it returns how
// many went.
func emptyTab(ctx context.Context, db DB, st comment.Status, commentAt, guestAt string, before *time.Time, guests bool) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM comments WHERE status = $1 AND ($2::timestamptz IS NULL OR `+commentAt+` < $2)`, st, before)
	if err != nil || !guests {
		return tag.RowsAffected(), err
	}
	n := tag.RowsAffected()
	tag, err = db.Exec(ctx, `DELETE FROM guest_submissions s WHERE `+guestTab[st]+`
		AND s.post_id IS NULL AND ($1::timestamptz IS NULL OR `+guestAt+` < $1)`, before)
	return n + tag.RowsAffected(), err
}

// auditEmptied records that actorID emptied n items (what says which):
// always for a person, and for the housekeeping (actorID 0) only when it
// deleted something, or the log would fill with "0 deleted".
func auditEmptied(ctx context.Context, db DB, actorID int64, action, kind, what string, n int64) error {
	if n == 0 && actorID == 0 {
		return nil
	}
	return Audit(ctx, db, actorID, action, kind, 0, what, strconv.FormatInt(n, 10)+" deleted")
}

// HeldOnPost counts the comments, pingbacks and webmentions held for
// moderation on post postID (comments_post_status_idx), for the note a
// moderator reads above the post's thread.
func HeldOnPost(ctx context.Context, db DB, postID int64) (int, error) {
	var n int
	err := db.QueryRow(ctx, HeldOnPostSQL, postID).Scan(&n)
	return n, err
}

// HeldOnPostSQL is HeldOnPost's query (its plan is tested).
const HeldOnPostSQL = `SELECT count(*) FROM comments WHERE post_id = $1 AND status = 'held'`
