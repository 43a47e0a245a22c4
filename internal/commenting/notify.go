package commenting

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/jobargs"
	"quire/internal/mail"
	"quire/internal/moderation"
	"quire/internal/render"
	"quire/internal/store"
)

// commentMail is what the comment_held, comment_new and comment_reply
// templates are given.
type commentMail struct {
	Site, PostTitle, Author, Text, Kind  string
	CommentURL, QueueURL, UnsubscribeURL string
	Reasons                              []string
}

// Notifications writes the mail a comment event causes (the comment job):
// moderators hear of a held comment, the post's author of an approved one
// (not their own), and the parent's author of an approved reply when they
// opted in and confirmed their address. Spam says nothing. Errors:
// apperr.ErrNotFound when the comment or its post is gone.
func (s *Service) Notifications(ctx context.Context, a jobargs.CommentArgs) ([]mail.Message, error) {
	db := s.Store.Pool
	// One statement for the comment and what the mail says of its post
	// (title, author): every comment runs this job.
	c, p, err := store.CommentWithPost(ctx, db, a.CommentID)
	if err != nil {
		return nil, err
	}
	base := s.base()
	data := commentMail{
		PostTitle: p.Title, Author: c.DisplayName(), Text: render.Text(c.BodyHTML), Kind: string(c.Kind),
		CommentURL: base + "/comments/" + strconv.FormatInt(c.ID, 10), QueueURL: base + "/admin/moderation#item-" + moderation.Key{Kind: moderation.Kind(c.Kind), ID: c.ID}.String(),
	}
	if s.Site != nil {
		data.Site = s.Site(ctx)
	}
	if c.Kind.IsLinkback() {
		data.Text = c.Title + "\n" + c.SourceURL
	}
	var out []mail.Message
	add := func(tpl, to string, d commentMail, headers map[string]string) error {
		m, err := s.Mail.Render(tpl, to, d)
		m.Headers = headers
		out = append(out, m)
		return err
	}
	switch {
	case c.Status == comment.StatusHeld && a.Event == jobargs.EventCreated:
		for _, r := range c.Reasons {
			data.Reasons = append(data.Reasons, r.Message)
		}
		mods, err := store.Moderators(ctx, db)
		if err != nil {
			return nil, err
		}
		for _, m := range mods {
			if err := add("comment_held", m.Email, data, nil); err != nil {
				return nil, err
			}
		}
	case c.Status == comment.StatusApproved:
		author, err := store.UserByID(ctx, db, p.AuthorID)
		if err != nil && !errors.Is(err, apperr.ErrNotFound) {
			return nil, err
		}
		if author != nil && !author.Disabled && c.AuthorUserID != author.ID && !strings.EqualFold(author.Email, c.AuthorEmail) {
			if err := add("comment_new", author.Email, data, nil); err != nil {
				return nil, err
			}
		}
		if c.ParentID == 0 {
			break
		}
		parent, err := store.CommentByID(ctx, db, c.ParentID)
		if errors.Is(err, apperr.ErrNotFound) {
			break
		} else if err != nil {
			return nil, err
		}
		if !parent.Notify || parent.AuthorEmail == "" || strings.EqualFold(parent.AuthorEmail, c.AuthorEmail) {
			break
		}
		if _, ok, err := store.NotifyAddressState(ctx, db, parent.AuthorEmail); err != nil || !ok {
			return out, err
		}
		d := data
		d.UnsubscribeURL = base + "/comments/" + strconv.FormatInt(parent.ID, 10) + "/unsubscribe?t=" +
			s.Key.Sign(PurposeUnsubscribe, strconv.FormatInt(parent.ID, 10))
		// RFC 8058 one-click: the mail client POSTs to the link.
		h := map[string]string{"List-Unsubscribe": "<" + d.UnsubscribeURL + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
		if err := add("comment_reply", parent.AuthorEmail, d, h); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ConfirmMail writes the double opt-in mail for reply notifications to
// a.Email (the notify-confirm job). Errors: apperr.ErrNotFound when the
// comment or its post is gone.
func (s *Service) ConfirmMail(ctx context.Context, a jobargs.NotifyConfirmArgs) (mail.Message, error) {
	c, err := store.CommentByID(ctx, s.Store.Pool, a.CommentID)
	if err != nil {
		return mail.Message{}, err
	}
	p, err := store.PostByID(ctx, s.Store.Pool, c.PostID)
	if err != nil {
		return mail.Message{}, err
	}
	data := map[string]string{"PostTitle": p.Title, "Site": s.BaseURL.Host,
		"ConfirmURL": s.base() + "/comments/confirm?t=" + NotifyToken(s.Key, a.Email)}
	if s.Site != nil {
		data["Site"] = s.Site(ctx)
	}
	return s.Mail.Render("notify_confirm", a.Email, data)
}

// PruneSpam deletes spam older than the stored setting's days as Quire
// itself (the hourly housekeeping; the audit log names no actor). 0 days
// turns it off, leaving it to the moderators' "empty spam" button.
func (s *Service) PruneSpam(ctx context.Context) error {
	st, err := s.StoredSettings(ctx)
	if err != nil || st.SpamDays <= 0 {
		return err
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		_, err := store.EmptySpam(ctx, tx, 0, st.SpamDays, s.now(), true)
		return err
	})
}

// base is the blog's address without a trailing slash, for mail links.
func (s *Service) base() string { return strings.TrimRight(s.BaseURL.String(), "/") }
