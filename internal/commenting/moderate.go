package commenting

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/jobargs"
	"quire/internal/render"
	"quire/internal/store"
)

// Queue actions, as the queue page and the API name them.
const (
	ActionApprove = "approve"
	ActionSpam    = "spam"
	ActionTrash   = "trash"
	ActionHold    = "hold" // back to the queue (restore from spam or trash)
	ActionDelete  = "delete"
)

// ValidAction reports whether a is a queue action.
func ValidAction(a string) bool {
	switch a {
	case ActionApprove, ActionSpam, ActionTrash, ActionHold, ActionDelete:
		return true
	}
	return false
}

// Moderate applies action to the comments in ids as actor, in one
// transaction with an audit row per comment changed and the notifications
// of newly approved comments enqueued. It returns the comments changed.
// Errors: apperr.Forbidden, apperr.Invalid (unknown action).
func (s *Service) Moderate(ctx context.Context, actor *account.User, ids []int64, action string) ([]store.Moderated, error) {
	return s.ModerateKind(ctx, actor, "", ids, action)
}

// ModerateKind is Moderate for the items in ids that are of kind k ("" =
// any): the queue names items by typed keys, and an id of another kind is
// not touched.
func (s *Service) ModerateKind(ctx context.Context, actor *account.User, k comment.Kind, ids []int64, action string) ([]store.Moderated, error) {
	if !account.Can(actor, account.Moderate, account.Site) {
		return nil, apperr.New(apperr.Forbidden, "Your account may not moderate comments.")
	}
	if !ValidAction(action) {
		return nil, apperr.New(apperr.Invalid, "Unknown action %q: use approve, spam, trash, hold or delete.", action)
	}
	if len(ids) == 0 {
		return nil, apperr.New(apperr.Invalid, "Select at least one item.")
	}
	var out []store.Moderated
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		if action == ActionDelete {
			out, err = store.DeleteQueued(ctx, tx, actor.ID, k, ids)
			return err
		}
		to := map[string]comment.Status{ActionApprove: comment.StatusApproved, ActionSpam: comment.StatusSpam,
			ActionTrash: comment.StatusTrash, ActionHold: comment.StatusHeld}[action]
		if out, err = store.SetQueuedStatus(ctx, tx, actor.ID, k, ids, to); err != nil {
			return err
		}
		for _, m := range out {
			if m.After == comment.StatusApproved {
				if err := s.Jobs.Enqueue(ctx, tx, jobargs.CommentArgs{CommentID: m.ID, Event: jobargs.EventApproved}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}

// ApproveAndReply approves comment id and posts actor's reply under it, in
// one transaction, both audited. It returns the reply's id.
func (s *Service) ApproveAndReply(ctx context.Context, actor *account.User, id int64, body string) (int64, error) {
	d := comment.Draft{AuthorName: actor.Name(), AuthorEmail: actor.Email, AuthorURL: actor.Website, Body: body, ParentID: id}
	if err := d.Validate(comment.InputRules{EmailOptional: true}); err != nil {
		return 0, fieldErrors(err)
	}
	html, err := s.Render.Render(render.Comment, render.Markdown, d.Body)
	if err != nil {
		return 0, err
	}
	st, _, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	if c, err := store.CommentByID(ctx, s.Store.Pool, id); err != nil {
		return 0, err
	} else if c.Kind != comment.KindComment {
		return 0, apperr.New(apperr.Invalid, "Only comments take a reply here.")
	}
	if _, err := s.ModerateKind(ctx, actor, comment.KindComment, []int64{id}, ActionApprove); err != nil {
		return 0, err
	}
	var n store.NewComment
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		parent, err := store.CommentByID(ctx, tx, id)
		if err != nil {
			return err
		}
		n = store.NewComment{Comment: comment.Comment{PostID: parent.PostID, Kind: comment.KindComment, Status: comment.StatusApproved,
			AuthorName: d.AuthorName, AuthorEmail: d.AuthorEmail, AuthorURL: d.AuthorURL, AuthorUserID: actor.ID,
			BodySource: d.Body, BodyHTML: html}}
		n.ParentID, n.Depth, n.ParentPath = comment.Attach(&parent.Comment, st.MaxDepth)
		if err := store.CreateComment(ctx, tx, &n); err != nil {
			return err
		}
		if err := store.Audit(ctx, tx, actor.ID, "comment.reply", "comment", n.ID, "", "reply to "+strconv.FormatInt(id, 10)); err != nil {
			return err
		}
		return s.Jobs.Enqueue(ctx, tx, jobargs.CommentArgs{CommentID: n.ID, Event: jobargs.EventCreated})
	})
	return n.ID, err
}

// EmptySpam deletes spam older than the setting's days, as actor: the
// spam actor can see, so guest posts only for those who review them.
func (s *Service) EmptySpam(ctx context.Context, actor *account.User) (int64, error) {
	if !account.Can(actor, account.Moderate, account.Site) {
		return 0, apperr.New(apperr.Forbidden, "Your account may not moderate comments.")
	}
	st, _, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		n, err = store.EmptySpam(ctx, tx, actor.ID, st.SpamDays, s.now(), account.Can(actor, account.ReviewGuestPosts, account.Site))
		return err
	})
	return n, err
}

// EmptyTrash deletes everything in the queue's trash actor can see (guest
// posts only for those who review them), as actor, at once: the
// moderators' "Empty trash" button; the housekeeping empties what is
// older than the site's days (PruneTrash).
func (s *Service) EmptyTrash(ctx context.Context, actor *account.User) (int64, error) {
	if !account.Can(actor, account.Moderate, account.Site) {
		return 0, apperr.New(apperr.Forbidden, "Your account may not moderate comments.")
	}
	var n int64
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		n, err = store.EmptyQueueTrash(ctx, tx, actor.ID, 0, s.now(), account.Can(actor, account.ReviewGuestPosts, account.Site))
		return err
	})
	return n, err
}

// GuestEditWindow is how long a guest may change their own comment.
const GuestEditWindow = 600 // seconds

// ErrReplied refuses a guest's change to a comment someone answered.
var ErrReplied = apperr.New(apperr.Conflict, "Someone has replied to this comment, so it can no longer be changed.")

// GuestDelete moves the guest's own comment id to the trash (a moderator
// can still see it), audited as done by its author.
func (s *Service) GuestDelete(ctx context.Context, id int64) error {
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := notReplied(ctx, tx, id); err != nil {
			return err
		}
		_, err := store.SetCommentStatus(ctx, tx, 0, []int64{id}, comment.StatusTrash)
		return err
	})
}

func notReplied(ctx context.Context, tx pgx.Tx, id int64) error {
	replied, err := store.HasReplies(ctx, tx, id)
	if err != nil {
		return err
	}
	if replied {
		return ErrReplied
	}
	return nil
}
