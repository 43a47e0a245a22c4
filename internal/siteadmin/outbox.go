package siteadmin

import (
	"context"
	"strconv"
	"time"

	"quire/internal/mail"
	"quire/internal/store"
	"quire/internal/text"
)

// OutboxMail is one mail of the local outbox.
type OutboxMail = store.OutboxMail

// outboxBodyMax is how much of one mail the outbox shows: enough to read
// any notification, not a 100 KB comment quoted whole.
const outboxBodyMax = 4000

// Outbox returns up to n mails of the local outbox older than before (0:
// the newest), newest first, as people may see them: every link's secret
// redacted, since the outbox holds password-reset, invitation, sign-up and
// subscription mail and whoever reads such a link can use it.
func (s *Service) Outbox(ctx context.Context, before int64, n int) ([]OutboxMail, error) {
	msgs, err := store.Outbox(ctx, s.Store.Pool, before, n)
	if err != nil {
		return nil, err
	}
	for i := range msgs {
		m := &msgs[i]
		if len(m.Body) > outboxBodyMax {
			m.Body = text.Clip(m.Body, outboxBodyMax) + "\n… (" + strconv.Itoa(len(m.Body)-outboxBodyMax) + " more bytes not shown)"
		}
		m.Body = mail.RedactLinks(m.Body)
		for k, v := range m.Headers {
			m.Headers[k] = mail.RedactLinks(v)
		}
	}
	return msgs, nil
}

// OutboxWhole returns up to n of the newest mails of the local outbox,
// newest first, only those to the address to when it is not empty,
// exactly as they were sent: links, secrets included. It is for `quire
// outbox`, so that whoever runs the server without a mail server can
// follow a mailed link (a sign-up, a password reset) on a laptop or a
// staging copy. That person can read the outbox's table anyway; people
// signed in read the redacted Outbox.
func (s *Service) OutboxWhole(ctx context.Context, to string, n int) ([]OutboxMail, error) {
	if to == "" {
		return store.Outbox(ctx, s.Store.Pool, 0, n)
	}
	return store.OutboxTo(ctx, s.Store.Pool, to, n)
}

// PruneOutbox deletes the local outbox's mail older than before (the
// hourly housekeeping); it returns how many went.
func (s *Service) PruneOutbox(ctx context.Context, before time.Time) (int64, error) {
	return store.PruneOutbox(ctx, s.Store.Pool, before)
}
