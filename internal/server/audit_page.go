package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"quire/internal/siteadmin"
)

// auditPage is the audit log, narrowed by who and by part of the blog.
type auditPage struct {
	Page
	Entries []auditRow // moderation_audit.go
	Older   string     // the next page's address, "" at the end
	Who     string     // a username, siteadmin.NoAccount or "" (everyone)
	Area    string     // a key of siteadmin.AuditAreas, "" every part
	Areas   []siteadmin.AuditArea
	People  []string // the accounts' usernames, for the Who choice
}

// auditPageSize is how many entries the audit log shows at once.
const auditPageSize = 50

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	p := auditPage{Page: s.page(r, "Audit log"), Who: strings.TrimSpace(q.Get("who")), Area: q.Get("area"),
		Areas: siteadmin.AuditAreas()}
	p.NoIndex = true
	entries, err := s.admin.AuditLog(r.Context(), userFrom(r.Context()), siteadmin.AuditFilter{Before: before, Limit: auditPageSize, Actor: p.Who}, p.Area)
	if err != nil {
		return err
	}
	users, err := s.accounts.Users(r.Context())
	if err != nil {
		return err
	}
	for _, u := range users {
		p.People = append(p.People, u.Username)
	}
	p.Entries = auditRows(entries)
	if len(entries) == auditPageSize {
		v := url.Values{"before": {strconv.FormatInt(entries[len(entries)-1].ID, 10)}}
		if p.Who != "" {
			v.Set("who", p.Who)
		}
		if p.Area != "" {
			v.Set("area", p.Area)
		}
		p.Older = "/admin/audit?" + v.Encode()
	}
	return s.render(w, r, http.StatusOK, "audit", p)
}
