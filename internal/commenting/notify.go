package commenting

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

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

// HeldMailBudget is how many mails about held comments and linkbacks a
// moderator gets in a clock hour; past it they are counted, and one
// digest at the hour's end says how many (HeldDigest). A wave of spam
// held for moderation then costs each moderator a dozen messages, not
// one per item.
const HeldMailBudget = 10

// Notices are what a comment event causes: the mail to send, and the
// digests to schedule for mail held back (HeldMailBudget).
type Notices struct {
	Mail    []mail.Message
	Digests []jobargs.HeldDigestArgs
}

// Notifications writes the mail a comment event causes (the comment job),
// in tx, where the job enqueues it: moderators hear of a held comment
// (within HeldMailBudget, counted in tx), the post's author of an
// approved one (not their own), and the parent's author of an approved
// reply when they opted in and confirmed their address. Spam says
// nothing. Errors: apperr.ErrNotFound when the comment or its post is
// gone.
func (s *Service) Notifications(ctx context.Context, tx pgx.Tx, a jobargs.CommentArgs) (Notices, error) {
	var db store.DB = tx
	// One statement for the comment and what the mail says of its post
	// (title, author): every comment runs this job.
	c, p, err := store.CommentWithPost(ctx, db, a.CommentID)
	if err != nil {
		return Notices{}, err
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
	var out Notices
	add := func(tpl, to string, d commentMail, headers map[string]string) error {
		m, err := s.Mail.Render(tpl, to, d)
		m.Headers = headers
		out.Mail = append(out.Mail, m)
		return err
	}
	switch {
	case c.Status == comment.StatusHeld && a.Event == jobargs.EventCreated:
		for _, r := range c.Reasons {
			data.Reasons = append(data.Reasons, r.Message)
		}
		mods, err := store.Moderators(ctx, db)
		if err != nil {
			return Notices{}, err
		}
		hour := s.now().UTC().Truncate(time.Hour)
		for _, m := range mods {
			send, first, err := store.CountHeldMail(ctx, db, m.Email, hour, HeldMailBudget)
			switch {
			case err != nil:
				return Notices{}, err
			case send:
				if err := add("comment_held", m.Email, data, nil); err != nil {
					return Notices{}, err
				}
			case first:
				out.Digests = append(out.Digests, jobargs.HeldDigestArgs{Email: m.Email, Hour: hour})
			}
		}
	case c.Status == comment.StatusApproved:
		author, err := store.UserByID(ctx, db, p.AuthorID)
		if err != nil && !errors.Is(err, apperr.ErrNotFound) {
			return Notices{}, err
		}
		if author != nil && !author.Disabled && c.AuthorUserID != author.ID && !strings.EqualFold(author.Email, c.AuthorEmail) {
			if err := add("comment_new", author.Email, data, nil); err != nil {
				return Notices{}, err
			}
		}
		if c.ParentID == 0 {
			break
		}
		parent, err := store.CommentByID(ctx, db, c.ParentID)
		if errors.Is(err, apperr.ErrNotFound) {
			break
		} else if err != nil {
			return Notices{}, err
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
			return Notices{}, err
		}
	}
	return out, nil
}

// HeldDigest writes the digest of the mail about held items held back
// from a.Email in a.Hour (the held-digest job, at the hour's end); ok is
// false when there is nothing to say, or a.Email is no longer a
// moderator's.
func (s *Service) HeldDigest(ctx context.Context, a jobargs.HeldDigestArgs) (m mail.Message, ok bool, err error) {
	db := s.Store.Pool
	n, err := store.HeldMailFolded(ctx, db, a.Email, a.Hour)
	if err != nil || n == 0 {
		return mail.Message{}, false, err
	}
	mods, err := store.Moderators(ctx, db)
	if err != nil {
		return mail.Message{}, false, err
	}
	if !slices.ContainsFunc(mods, func(r store.Recipient) bool { return strings.EqualFold(r.Email, a.Email) }) {
		return mail.Message{}, false, nil
	}
	data := map[string]any{"Site": s.BaseURL.Host, "Count": n, "Budget": HeldMailBudget,
		"From": a.Hour.UTC().Format("2 January 2006, 15:04"), "To": a.Hour.Add(time.Hour).UTC().Format("15:04"),
		"QueueURL": s.base() + "/admin/moderation"}
	if s.Site != nil {
		data["Site"] = s.Site(ctx)
	}
	m, err = s.Mail.Render("comment_held_digest", a.Email, data)
	return m, err == nil, err
}

// PruneHeldMail forgets the held-mail counts of the hours before before
// (the hourly housekeeping).
func (s *Service) PruneHeldMail(ctx context.Context, before time.Time) error {
	return store.PruneHeldMail(ctx, s.Store.Pool, before)
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
