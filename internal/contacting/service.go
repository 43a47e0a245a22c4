// Package contacting is the workflow of a contact page's form: the page
// must have a form; the message is validated, judged by the comments'
// rules (honeypot, form time, blocklist, duplicates) and rate limits, and
// stored with its audit row and the mail to every admin in one
// transaction.
package contacting

import (
	"context"
	"strconv"
	"time"

	"quire/internal/apperr"
	"quire/internal/commenting"
	"quire/internal/jobargs"
	"quire/internal/mail"
	"quire/internal/post"
	"quire/internal/signed"
	"quire/internal/store"
)

// purposeForm signs the time a contact form was served, and its page.
const purposeForm = "contact-form"

// Service runs the contact workflow. Build one per process and share it.
type Service struct {
	Store *store.Store
	// Reader is where the page's settings are read for a public page
	// (a replica, or the primary); nil: Store.Pool.
	Reader func(ctx context.Context) store.DB
	// Comments gives the moderation rules the form shares with comments.
	Comments *commenting.Service
	Jobs     jobargs.Enqueuer
	Mail     *mail.Templates
	Key      signed.Key
	Now      func() time.Time
}

// HasForm reports whether page p shows a contact form: its template is
// the contact one.
func (s *Service) HasForm(ctx context.Context, p *post.Post) (bool, error) {
	db := store.DB(s.Store.Pool)
	if s.Reader != nil {
		db = s.Reader(ctx)
	}
	st, err := store.PageSettingsOf(ctx, db, p.ID)
	return st.Template == post.TemplateContact, err
}

// Token signs the time page pageID's form is served; the form sends it
// back, so a form sent too fast can be told.
func (s *Service) Token(pageID int64) string {
	return s.Key.Stamp(purposeForm, s.now(), strconv.FormatInt(pageID, 10))
}

// since is how long ago the form of page pageID was served; a missing,
// forged or other page's token counts as sent at once.
func (s *Service) since(tok string, pageID int64) time.Duration {
	return s.Key.Since(purposeForm, tok, s.now(), strconv.FormatInt(pageID, 10))
}

// ErrNoForm answers a form sent to a page that has none; it is not the
// visitor's to correct, so the form is not shown again.
var ErrNoForm = apperr.New(apperr.Invalid, "This page has no form to send.")

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
