package newsletter

import (
	"context"
	"net/url"
	"strings"

	"quire/internal/mail"
	"quire/internal/store"
)

// ConfirmMail writes the double opt-in mail of subscriber id (the
// confirmation job); nil when there is nothing to send any more (the
// address was confirmed or erased since). Errors: apperr.ErrNotFound when
// the subscriber is gone.
func (s *Service) ConfirmMail(ctx context.Context, id int64) (*mail.Message, error) {
	sub, err := store.SubscriberByID(ctx, s.Store.Pool, id)
	if err != nil {
		return nil, err
	}
	if Status(sub.Status) != Pending || sub.Email == "" {
		return nil, nil // confirmed or gone since
	}
	what := "each new post"
	if Mode(sub.Mode) == Weekly {
		what = "a weekly digest of new posts"
	}
	data := map[string]string{"Site": s.BaseURL.Host, "What": what,
		"ConfirmURL": strings.TrimRight(s.BaseURL.String(), "/") + "/newsletter/confirm?t=" +
			url.QueryEscape(s.Tokens.Confirm(sub.ID, s.now()))}
	if s.Site != nil {
		data["Site"] = s.Site(ctx)
	}
	m, err := s.Mail.Render("newsletter_confirm", sub.Email, data)
	if err != nil {
		return nil, err
	}
	return &m, nil
}
