package server

import (
	"net/http"
	"strconv"

	"quire/internal/account"
	"quire/internal/store"
)

// outboxPage shows the local outbox: the mail Quire would have sent.
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
	mail, err := store.Outbox(r.Context(), s.store.Pool, before, pageSize)
	if err != nil {
		return err
	}
	p := outboxPage{Page: s.page(r, "Outbox"), Mail: mail}
	p.NoIndex = true
	if len(mail) == pageSize {
		p.Older = mail[len(mail)-1].ID
	}
	return s.render(w, r, http.StatusOK, "outbox", p)
}
