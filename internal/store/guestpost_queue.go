package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/moderation"
)

// errPublishedGuest refuses a queue action on a submission that became a
// post: the post is unpublished or deleted in the editor, not here.
var errPublishedGuest = apperr.New(apperr.Conflict, "This guest post is already accepted: change it in the post editor.")

// MoveSubmission moves submission id between the queue's tabs as actorID:
// to spam, to trash, or back to held (from spam or trash; a submission
// once declined as spam is open again). The guest is told nothing; the
// change is audited. It reports false when the submission was already
// there. Errors: apperr.ErrNotFound, apperr.Conflict (already a post).
func MoveSubmission(ctx context.Context, tx pgx.Tx, actorID, id int64, to comment.Status) (bool, error) {
	sub, err := LockSubmission(ctx, tx, id)
	if err != nil {
		return false, err
	}
	if sub.PostID != 0 {
		return false, errPublishedGuest
	}
	var trashed bool
	if err := tx.QueryRow(ctx, `SELECT trashed FROM guest_submissions WHERE id = $1`, id).Scan(&trashed); err != nil {
		return false, err
	}
	from := QueueTab(sub.Spam, trashed)
	if from == to {
		return false, nil
	}
	var set, verb string
	switch to {
	case comment.StatusSpam:
		set, verb = `spam = true, trashed = false`, moderation.AuditSpam
	case comment.StatusTrash:
		set, verb = `trashed = true`, moderation.AuditTrash
	case comment.StatusHeld:
		set, verb = `spam = false, trashed = false, status = CASE WHEN status = 'declined' THEN 'received' ELSE status END`,
			moderation.AuditRestore
	default:
		return false, apperr.New(apperr.Invalid, "Unknown status %q.", to)
	}
	if _, err := tx.Exec(ctx, `UPDATE guest_submissions SET `+set+`, updated_at = now() WHERE id = $1`, id); err != nil {
		return false, err
	}
	if verb == moderation.AuditRestore {
		verb = moderation.AuditHold
	}
	return true, Audit(ctx, tx, actorID, "guest_post."+verb, string(moderation.KindGuestPost), id, string(from), string(to))
}

// QueueTab is the queue tab a submission with these flags sits on.
func QueueTab(spam, trashed bool) comment.Status {
	switch {
	case trashed:
		return comment.StatusTrash
	case spam:
		return comment.StatusSpam
	}
	return comment.StatusHeld
}

// UnflagSubmission takes submission id out of spam and trash, in tx,
// before an editor accepts it from there.
func UnflagSubmission(ctx context.Context, tx pgx.Tx, id int64) error {
	_, err := tx.Exec(ctx, `UPDATE guest_submissions SET spam = false, trashed = false,
		status = CASE WHEN status = 'declined' THEN 'received' ELSE status END WHERE id = $1 AND (spam OR trashed)`, id)
	return err
}

// DeleteSubmission deletes submission id forever as actorID (its versions
// and messages go with it), audited. Errors: apperr.ErrNotFound,
// apperr.Conflict (already a post).
func DeleteSubmission(ctx context.Context, tx pgx.Tx, actorID, id int64) error {
	sub, err := LockSubmission(ctx, tx, id)
	if err != nil {
		return err
	}
	if sub.PostID != 0 {
		return errPublishedGuest
	}
	if _, err := tx.Exec(ctx, `DELETE FROM guest_submissions WHERE id = $1`, id); err != nil {
		return err
	}
	return Audit(ctx, tx, actorID, "guest_post."+moderation.AuditDelete, string(moderation.KindGuestPost), id, string(sub.Status), "deleted")
}
