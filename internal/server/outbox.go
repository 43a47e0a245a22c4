package server

import (
	"net/http"
	"strconv"

	"quire/internal/account"
	"quire/internal/siteadmin"
)

// outboxPage shows the local outbox: the mail Quire would have sent. Only
// admins read it (account.ReadOutbox), and even they see every link's
// secret redacted (siteadmin.Service.Outbox).
type outboxPage struct {
	Page
	Mail  []siteadmin.OutboxMail
	Older int64
}

func (s *Server) outboxPage(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ReadOutbox, account.Site); err != nil {
		return err
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	const pageSize = 30
	msgs, err := s.admin.Outbox(r.Context(), before, pageSize)
	if err != nil {
		return err
	}
	p := outboxPage{Page: s.page(r, "Outbox"), Mail: msgs}
	p.NoIndex = true
	if len(msgs) == pageSize {
		p.Older = msgs[len(msgs)-1].ID
	}
	return s.render(w, r, http.StatusOK, "outbox", p)
}
