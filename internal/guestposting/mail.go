package guestposting

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"quire/internal/guestpost"
	"quire/internal/mail"
	"quire/internal/post"
	"quire/internal/store"
)

// guestMail is the data of the guest_* mail templates.
type guestMail struct {
	Site, Name, Title     string
	Status                string // in words
	Message               string // the editor's words, or ""
	StatusURL, PostURL    string
	ReviewURL, What, From string // editors' mail
	QueueURL              string // the moderation page, where contributors' posts wait too
}

// mailGuest enqueues template tpl to the guest of sub, in tx. statusURL
// may be "" to derive it.
func (s *Service) mailGuest(ctx context.Context, tx pgx.Tx, tpl string, sub *guestpost.Submission, statusURL, msg string) error {
	if statusURL == "" {
		salt, err := store.SubmissionSalt(ctx, tx, sub.ID)
		if err != nil {
			return err
		}
		statusURL = s.statusURL(s.token(sub.ID, salt))
	}
	d := guestMail{Site: s.site(ctx), Name: sub.Name, Title: sub.Title, Status: sub.Status.Label(), Message: msg, StatusURL: statusURL}
	if sub.Title == "" {
		if vs, err := store.Versions(ctx, tx, sub.ID); err == nil && len(vs) > 0 {
			d.Title = vs[len(vs)-1].Title
		}
	}
	if sub.PostSlug != "" {
		d.PostURL = s.abs("/posts/" + sub.PostSlug)
	}
	return s.enqueue(ctx, tx, tpl, sub.Email, d)
}

// mailEditors tells editors and admins that sub needs them.
func (s *Service) mailEditors(ctx context.Context, tx pgx.Tx, sub *guestpost.Submission, what string) error {
	rs, err := store.GuestReviewers(ctx, tx)
	if err != nil {
		return err
	}
	d := guestMail{Site: s.site(ctx), Name: sub.Name, Title: sub.Title, Status: sub.Status.Label(), What: what,
		ReviewURL: s.abs("/admin/guest-posts/" + strconv.FormatInt(sub.ID, 10))}
	for _, r := range rs {
		if err := s.enqueue(ctx, tx, "guest_editors", r.Email, d); err != nil {
			return err
		}
	}
	return nil
}

// PostSubmitted tells editors and admins, in tx, that a contributor sent
// post p for review (its status became pending): the same reviewers a
// guest post reaches. The publishing service calls it as it saves.
func (s *Service) PostSubmitted(ctx context.Context, tx pgx.Tx, p *post.Post) error {
	author, err := store.UserByID(ctx, tx, p.AuthorID)
	if err != nil {
		return err
	}
	rs, err := store.GuestReviewers(ctx, tx)
	if err != nil {
		return err
	}
	d := guestMail{Site: s.site(ctx), Name: author.Name(), Title: p.Title,
		ReviewURL: s.abs("/admin/posts/" + strconv.FormatInt(p.ID, 10)), QueueURL: s.abs("/admin/moderation")}
	for _, r := range rs {
		if strings.EqualFold(r.Email, author.Email) { // an editor who sent their own post for review
			continue
		}
		if err := s.enqueue(ctx, tx, "post_submitted", r.Email, d); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) enqueue(ctx context.Context, tx pgx.Tx, tpl, to string, d guestMail) error {
	m, err := s.Mail.Render(tpl, to, d)
	if err != nil {
		return err
	}
	return s.Jobs.Enqueue(ctx, tx, mail.SendArgs{Message: m})
}

func (s *Service) site(ctx context.Context) string {
	if s.Site != nil {
		return s.Site(ctx)
	}
	return "Quire"
}
