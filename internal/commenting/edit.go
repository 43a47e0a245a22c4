package commenting

import (
	"context"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/comment"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
)

// GuestEdit replaces the body of comment id (the caller checked the
// guest's signed cookie and the time window) and runs the new text
// through the same moderation rules as a new comment: an approved comment
// edited into spam goes to the queue or the spam folder, off the page and
// out of the feeds. An edit never promotes: a held comment stays held
// until a moderator decides. Errors: ErrReplied, apperr.Invalid on "body",
// apperr.ErrNotFound.
func (s *Service) GuestEdit(ctx context.Context, id int64, body string) error {
	st, modRules, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	d := comment.Draft{Body: body}
	html, err := s.checkChange(st, &d)
	if err != nil {
		return err
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := notReplied(ctx, tx, id); err != nil {
			return err
		}
		c, err := store.CommentByID(ctx, tx, id)
		if err != nil {
			return err
		}
		p, err := store.PostByID(ctx, tx, c.PostID)
		if err != nil {
			return err
		}
		sig, err := store.EditSignals(ctx, tx, id, d.Body, 24*time.Hour)
		if err != nil {
			return err
		}
		ip, _ := netip.ParseAddr(c.IP)
		v := moderation.DecideEdit(modRules, moderation.Input{
			Kind: moderation.KindComment, AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL,
			IP: ip, Text: d.Body, Links: render.Links(html), SinceForm: time.Since(c.CreatedAt),
			KnownAuthor: sig.KnownAuthor, Duplicate: sig.Duplicate, Member: c.AuthorUserID != 0,
			MembersOnly: p.CommentPolicy == post.CommentsMembers,
		}, c.Status == comment.StatusApproved)
		if err := store.UpdateCommentBody(ctx, tx, id, d.Body, html); err != nil {
			return err
		}
		to := comment.AfterEdit(c.Status, v.Action.Status())
		if to == c.Status {
			return nil
		}
		if err := store.SetCommentReasons(ctx, tx, id, v.Reasons); err != nil {
			return err
		}
		// Audited as done by its author (actor 0), like GuestDelete.
		_, err = store.SetCommentStatus(ctx, tx, 0, []int64{id}, to)
		return err
	})
}

// checkChange validates a changed comment's name, website and text
// against the site's limits (an edit needs no e-mail address) and renders
// the text as a new comment's: the guest's edit and the moderator's
// correction pass the same gate. Errors: apperr.Invalid with fields.
func (s *Service) checkChange(st Settings, d *comment.Draft) (string, error) {
	if err := d.Validate(comment.InputRules{EmailOptional: true, MaxBodyRunes: st.MaxCommentChars}); err != nil {
		return "", fieldErrors(err)
	}
	return s.Render.Render(render.Comment, render.Markdown, d.Body)
}
