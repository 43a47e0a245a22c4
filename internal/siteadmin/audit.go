package siteadmin

import (
	"context"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// AuditEntry is one row of the audit log.
type AuditEntry = store.AuditEntry

// AuditFilter narrows the audit log (store.AuditFilter).
type AuditFilter = store.AuditFilter

// NoAccount is AuditFilter.Actor for entries made without an account.
const NoAccount = store.NoAccount

// AuditArea is a part of the blog the audit log can be narrowed to, with
// the actions' first words that belong to it.
type AuditArea struct {
	Key, Label string
	Words      []string
}

// AuditAreas are the audit log's parts, in the order the page offers them.
func AuditAreas() []AuditArea {
	return []AuditArea{
		{"posts", "Posts, pages, tags", []string{"post", "term"}},
		{"moderation", "Comments and the queue", []string{"comment", "guest_post", "guest", "contact"}},
		{"accounts", "Accounts, sign-in and personal data", []string{"user", "token", "profile", "privacy"}},
		{"settings", "Settings and themes", []string{"settings", "theme"}},
		{"media", "Media", []string{"media"}},
		{"moves", "Import and export", []string{"import", "export"}},
	}
}

// MaxAuditPage is the most entries AuditLog returns at once.
const MaxAuditPage = 100

// AuditLog returns a page of the audit log narrowed by f and by area, a
// key of AuditAreas ("" every part), newest first, for u: the admins
// read it, on the page and through the API alike. Errors:
// apperr.Forbidden; apperr.Invalid for an unknown area or a page size
// out of 1..MaxAuditPage.
func (s *Service) AuditLog(ctx context.Context, u *account.User, f AuditFilter, area string) ([]AuditEntry, error) {
	if !account.Can(u, account.ViewAudit, account.Site) {
		return nil, apperr.New(apperr.Forbidden, "Only admins may read the audit log.")
	}
	if f.Limit < 1 || f.Limit > MaxAuditPage {
		return nil, apperr.New(apperr.Invalid, "limit must be between 1 and %d.", MaxAuditPage)
	}
	if area != "" {
		for _, a := range AuditAreas() {
			if a.Key == area {
				f.Areas = a.Words
			}
		}
		if f.Areas == nil {
			return nil, apperr.New(apperr.Invalid, "Unknown part of the log: %q.", area)
		}
	}
	return store.AuditLog(ctx, s.Store.Pool, f)
}

// Who says who acted in e: its account's username, or, for an entry
// without one, a guest sending a post, a visitor the contact form, the
// command line (its entries say "cli"), or else Quire's own jobs.
func Who(e AuditEntry) string {
	switch {
	case e.Actor != "":
		return e.Actor
	case e.Action == "guest_post.submit":
		return "a guest"
	case e.Action == "contact.message":
		return "a visitor"
	case strings.HasPrefix(e.After, "cli"):
		return "command line"
	}
	return "system"
}
