package guestposting

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/guestpost"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
)

// Revise stores the guest's answer to a "changes requested": a new
// version (every version is kept) and their note, back into review.
// Errors: apperr.NotFound (token), apperr.Conflict (not waiting for
// changes), apperr.Invalid with fields title, body, format, note.
func (s *Service) Revise(ctx context.Context, tok string, d guestpost.Draft) error {
	sub, _, _, err := s.ByToken(ctx, tok)
	if err != nil {
		return err
	}
	d.Normalize()
	if err := d.ValidateText(); err != nil {
		return err
	}
	html, err := s.Render.Render(render.GuestPost, render.Format(d.Format), d.Body)
	if err != nil {
		return err
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := store.LockSubmission(ctx, tx, sub.ID)
		if err != nil {
			return err
		}
		to, err := guestpost.Next(cur.Status, guestpost.ActRevise)
		if err != nil {
			return err
		}
		v := guestpost.Version{SubmissionID: cur.ID, Title: d.Title, Format: d.Format, BodySource: d.Body, BodyHTML: html}
		if err := store.AddVersion(ctx, tx, &v); err != nil {
			return err
		}
		if err := store.AddMessage(ctx, tx, &guestpost.Message{SubmissionID: cur.ID, Event: guestpost.EventRevised, Body: d.Note}); err != nil {
			return err
		}
		if err := store.SetSubmissionStatus(ctx, tx, 0, cur.ID, cur.Status, to); err != nil {
			return err
		}
		cur.Title = d.Title
		return s.mailEditors(ctx, tx, cur, "The guest sent a revised version")
	})
}

// Review marks a submission as being reviewed and tells the guest.
func (s *Service) Review(ctx context.Context, u *account.User, id int64) error {
	return s.act(ctx, u, id, guestpost.ActReview, "", nil)
}

// Edit saves an editor's version of the text: a new version, the guest's
// own stays viewable (and diffable). Errors as Revise, plus
// apperr.Forbidden.
func (s *Service) Edit(ctx context.Context, u *account.User, id int64, d guestpost.Draft) error {
	d.Normalize()
	if err := d.ValidateText(); err != nil {
		return err
	}
	html, err := s.Render.Render(render.GuestPost, render.Format(d.Format), d.Body)
	if err != nil {
		return err
	}
	return s.act(ctx, u, id, guestpost.ActEdit, "", func(tx pgx.Tx, sub *guestpost.Submission) error {
		v := guestpost.Version{SubmissionID: id, EditorID: u.ID, Title: d.Title, Format: d.Format, BodySource: d.Body, BodyHTML: html}
		return store.AddVersion(ctx, tx, &v)
	})
}

// RequestChanges sends the submission back to the guest with msg
// (required). Errors: apperr.Invalid on "message", apperr.Conflict,
// apperr.Forbidden, apperr.ErrNotFound.
func (s *Service) RequestChanges(ctx context.Context, u *account.User, id int64, msg string) error {
	if err := guestpost.CheckMessage(msg, true); err != nil {
		return err
	}
	return s.act(ctx, u, id, guestpost.ActRequestChanges, msg, nil)
}

// Decline turns the submission down with msg (required). Errors as
// RequestChanges.
func (s *Service) Decline(ctx context.Context, u *account.User, id int64, msg string) error {
	if err := guestpost.CheckMessage(msg, true); err != nil {
		return err
	}
	return s.act(ctx, u, id, guestpost.ActDecline, msg, nil)
}

// Acceptance is how an editor publishes a submission.
type Acceptance struct {
	At            time.Time // zero: now; in the future: scheduled
	Slug          string    // "": from the title
	Tags          string    // comma-separated
	Categories    string
	CommentPolicy post.CommentPolicy
	Intro         string // the editor's note on top of the post, Markdown
	Message       string // to the guest, optional
	// FromQueue is the moderation queue's Approve: the submission may sit
	// in spam or trash, and is taken out of there in the same transaction.
	FromQueue bool
}

// Accept publishes the latest version as a post by u with the guest's
// byline, now or at a.At, and copies the guest's name, bio and website to
// their guest row. Returns the post. Errors: apperr.Invalid with the
// post's fields (slug, tags, categories, comment_policy) or "intro",
// apperr.Conflict (slug taken, or not acceptable now), apperr.Forbidden,
// apperr.ErrNotFound.
func (s *Service) Accept(ctx context.Context, u *account.User, id int64, a Acceptance) (*post.Post, error) {
	if err := guestpost.CheckMessage(a.Intro, false); err != nil {
		return nil, apperr.FieldErrors("Please correct the marked fields.", map[string]string{"intro": apperr.MessageOf(err)})
	}
	if err := guestpost.CheckMessage(a.Message, false); err != nil {
		return nil, err
	}
	intro, err := s.Render.Render(render.Post, render.Markdown, render.Clean(a.Intro))
	if err != nil {
		return nil, err
	}
	var p *post.Post
	err = s.actFrom(ctx, u, id, guestpost.ActAccept, a.Message, a.FromQueue, func(tx pgx.Tx, sub *guestpost.Submission) error {
		vs, err := store.Versions(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			return errors.New("guestposting: submission without a version")
		}
		last := vs[len(vs)-1]
		p = &post.Post{AuthorID: u.ID, Title: last.Title, Slug: strings.TrimSpace(a.Slug), Format: last.Format,
			BodySource: last.BodySource, CommentPolicy: a.CommentPolicy,
			Tags: post.ParseTerms(post.Tag, a.Tags), Categories: post.ParseTerms(post.Category, a.Categories),
			Author: post.Byline{GuestID: sub.GuestID, GuestName: sub.Name}}
		p.Status, p.PublishedAt = post.Schedule(post.Published, a.At, s.now())
		p.Normalize()
		if err := p.Validate(); err != nil {
			return err
		}
		if err := p.Render(s.Render); err != nil {
			return err
		}
		if err := store.CreatePost(ctx, tx, s.Jobs, u.ID, p); err != nil {
			return err
		}
		if err := store.SetPostGuest(ctx, tx, p.ID, sub.GuestID, sub.Name); err != nil {
			return err
		}
		sub.PostID, sub.PostSlug, sub.PostPublished = p.ID, p.Slug, p.PublishedAt
		return store.AcceptGuest(ctx, tx, sub, p.ID, a.Intro, intro)
	})
	return p, err
}

// MarkSpam declines submission id as spam: out of the queue, and the
// sender is told nothing.
func (s *Service) MarkSpam(ctx context.Context, u *account.User, id int64) error {
	if !account.Can(u, account.ReviewGuestPosts, account.Site) {
		return apperr.New(apperr.Forbidden, "Only editors review guest posts.")
	}
	sub, err := store.SubmissionByID(ctx, s.Store.Pool, id)
	if err != nil {
		return err
	}
	if _, err := guestpost.Next(sub.Status, guestpost.ActDecline); err != nil {
		return err // accepted posts are unpublished in the editor, not here
	}
	return store.MarkSubmissionSpam(ctx, s.Store.Pool, u.ID, id)
}

// act runs one editor action on submission id in a transaction: the
// permission and transition checks on the locked row, extra (the
// action's own writes), the status change with its audit row, the message
// for the guest's history, and the mail to the guest.
func (s *Service) act(ctx context.Context, u *account.User, id int64, a guestpost.Action, msg string,
	extra func(tx pgx.Tx, sub *guestpost.Submission) error) error {
	return s.actFrom(ctx, u, id, a, msg, false, extra)
}

// actFrom is act; with unflag, the submission first leaves spam and trash
// (the queue's Approve on an item there).
func (s *Service) actFrom(ctx context.Context, u *account.User, id int64, a guestpost.Action, msg string, unflag bool,
	extra func(tx pgx.Tx, sub *guestpost.Submission) error) error {
	if !account.Can(u, account.ReviewGuestPosts, account.Site) {
		return apperr.New(apperr.Forbidden, "Only editors review guest posts.")
	}
	msg = strings.TrimSpace(render.Clean(msg))
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		sub, err := store.LockSubmission(ctx, tx, id)
		if err == nil && unflag && sub.PostID == 0 {
			if err := store.UnflagSubmission(ctx, tx, id); err != nil {
				return err
			}
			sub, err = store.LockSubmission(ctx, tx, id)
		}
		if err != nil {
			return err
		}
		to, err := guestpost.Next(sub.Status, a)
		if err != nil {
			return err
		}
		if a == guestpost.ActReview && to == sub.Status {
			return nil // already in review
		}
		if extra != nil {
			if err := extra(tx, sub); err != nil {
				return err
			}
		}
		if a == guestpost.ActAccept && !sub.PostPublished.After(s.now()) {
			to = guestpost.Published
		}
		ev := map[guestpost.Action]guestpost.Event{guestpost.ActReview: guestpost.EventReview, guestpost.ActEdit: guestpost.EventEdit,
			guestpost.ActRequestChanges: guestpost.EventChangesRequested, guestpost.ActDecline: guestpost.EventDeclined,
			guestpost.ActAccept: guestpost.EventAccepted}[a]
		if err := store.AddMessage(ctx, tx, &guestpost.Message{SubmissionID: id, EditorID: u.ID, Event: ev, Body: msg}); err != nil {
			return err
		}
		if to == sub.Status && a == guestpost.ActEdit {
			return store.Audit(ctx, tx, u.ID, "guest_post.edit", "guest_post", id, string(sub.Status), string(to))
		}
		from := sub.Status
		if err := store.SetSubmissionStatus(ctx, tx, u.ID, id, from, to); err != nil {
			return err
		}
		sub.Status = to // the editor vouched for it: mailed even if the rules said spam
		return s.mailGuest(ctx, tx, "guest_status", sub, "", msg)
	})
}

// ReturnPost sends a contributor's pending post back to draft with msg
// (required), audited, and mails the contributor: the same "request
// changes" as for guests, for posts written with an account. Errors:
// apperr.Invalid on "message", apperr.Conflict (not pending),
// apperr.Forbidden, apperr.ErrNotFound.
func (s *Service) ReturnPost(ctx context.Context, u *account.User, postID int64, msg string) error {
	if !account.Can(u, account.ReviewGuestPosts, account.Site) {
		return apperr.New(apperr.Forbidden, "Only editors review submitted posts.")
	}
	if err := guestpost.CheckMessage(msg, true); err != nil {
		return err
	}
	msg = strings.TrimSpace(render.Clean(msg))
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var p *post.Post
		err := store.SetPostStatus(ctx, tx, s.Jobs, u.ID, postID, post.Draft, func(old *post.Post) error {
			if old.Status != post.Pending {
				return apperr.New(apperr.Conflict, "This post is no longer waiting for review.")
			}
			p = old
			return nil
		})
		if err != nil {
			return err
		}
		author, err := store.UserByID(ctx, tx, p.AuthorID)
		if err != nil {
			return err
		}
		if err := store.Audit(ctx, tx, u.ID, "post.return", "post", postID, "pending", "draft: "+msg); err != nil {
			return err
		}
		d := guestMail{Site: s.site(ctx), Name: author.Name(), Title: p.Title, Status: "Changes requested", Message: msg,
			ReviewURL: s.abs("/admin/posts/" + strconv.FormatInt(postID, 10))}
		return s.enqueue(ctx, tx, "review_returned", author.Email, d)
	})
}

// SetIntro changes the editor's note on top of an accepted submission's
// post (Markdown; "" removes it). Errors: apperr.Invalid on "intro",
// apperr.Forbidden, apperr.ErrNotFound (no such accepted submission).
func (s *Service) SetIntro(ctx context.Context, u *account.User, id int64, intro string) error {
	if !account.Can(u, account.ReviewGuestPosts, account.Site) {
		return apperr.New(apperr.Forbidden, "Only editors review guest posts.")
	}
	if err := guestpost.CheckMessage(intro, false); err != nil {
		return apperr.FieldErrors("Please correct the marked fields.", map[string]string{"intro": apperr.MessageOf(err)})
	}
	intro = render.Clean(intro)
	html, err := s.Render.Render(render.Post, render.Markdown, intro)
	if err != nil {
		return err
	}
	return store.SetSubmissionIntro(ctx, s.Store.Pool, u.ID, id, intro, html)
}
