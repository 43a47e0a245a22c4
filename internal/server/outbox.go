package server

import (
	"net/http"
	"strconv"

	"quire/internal/account"
	"quire/internal/mail"
	"quire/internal/store"
	"quire/internal/text"
)

// outboxBodyMax is how much of one mail the outbox page shows: enough to
// read any notification, not a 100 KB comment quoted whole.
const outboxBodyMax = 4000

// outboxPage shows the local outbox: the mail Quire would have sent. Only
// admins read it (account.ReadOutbox), and even they see every link's
// secret redacted: the outbox holds password-reset, invitation, sign-up and
// subscription mail, and whoever reads such a link can use it.
type outboxPage struct {
	Page
	Mail  []store.OutboxMail
	Older int64
}

func (s *Server) outboxPage(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ReadOutbox, account.Site); err != nil {
		return err
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	const pageSize = 30
	msgs, err := store.Outbox(r.Context(), s.store.Pool, before, pageSize)
	if err != nil {
		return err
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
	p := outboxPage{Page: s.page(r, "Outbox"), Mail: msgs}
	p.NoIndex = true
	if len(msgs) == pageSize {
		p.Older = msgs[len(msgs)-1].ID
	}
	return s.render(w, r, http.StatusOK, "outbox", p)
}
